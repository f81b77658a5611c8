/**
 * The Kubernetes objects and types this library renders (`k8s.KubeDeployment`,
 * `k8s.PodSpec`...): the kinds it needs, typed by the L1 declarations of cdk8s-plus-27
 * without loading them (see kube-objects.ts). Import `k8s` from here, never from
 * 'cdk8s-plus-27' (test/perf/module-load.test.ts fails otherwise).
 */
export * as k8s from './kube-objects';
