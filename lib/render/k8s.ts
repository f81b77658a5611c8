/**
 * The Kubernetes L1 classes of cdk8s-plus-27 (`k8s.KubeDeployment`, `k8s.PodSpec`...),
 * from their own module rather than the package index, which also loads every L2
 * construct: that is a third of the time of loading cdk8s-plus-27, paid by every cold
 * `npm run synth`. Import `k8s` from here, never from 'cdk8s-plus-27'
 * (test/perf/module-load.test.ts fails otherwise).
 */
export * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
