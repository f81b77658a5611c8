import { ApiObject } from 'cdk8s';
import type * as L1 from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';

// The Kubernetes kinds this library renders. Their props are typed by the L1 declarations
// of cdk8s-plus-27, as types only: its 2.5 MB module of every kind and every converter was
// a fifth of a cold synth. An object renders as cdk8s' ApiObject renders its props
// (resolved, keys sorted, undefined dropped); the L1 classes add a converter per type that
// lists the same keys in the same sorted order, except the few fields whose TypeScript
// name differs from the API's (downwardApi for downwardAPI, hostIpc for hostIPC...). Props
// here carry the API's names: `Volume` below says so for the one such field this library
// sets, and the verifier's unknown-field check (run on every rendered document by the
// tests) fails on any other.

export type Container = L1.Container;
export type Affinity = L1.Affinity;
export type DeploymentSpec = L1.DeploymentSpec;
export type JobSpec = L1.JobSpec;
export type Toleration = L1.Toleration;
export type TopologySpreadConstraint = L1.TopologySpreadConstraint;
/** A lifecycle handler, with the `sleep` action (Kubernetes 1.29) that the 1.27 declarations lack. */
export type LifecycleHandler = L1.LifecycleHandler & { readonly sleep?: { readonly seconds: number } };
export type EnvVar = L1.EnvVar;
export type PodSecurityContext = L1.PodSecurityContext;
export type PodSpec = L1.PodSpec;
export type Probe = L1.Probe;
export type ResourceRequirements = L1.ResourceRequirements;
/** A volume, with `downwardAPI` spelled as the API spells it. */
export type Volume = Omit<L1.Volume, 'downwardApi'> & { readonly downwardAPI?: L1.DownwardApiVolumeSource };
export type VolumeMount = L1.VolumeMount;

/** A value cdk8s writes as itself: the union types of the L1 declarations are classes. */
abstract class UnionValue {
  protected constructor(public readonly value: string | number) {}
  /** Called by cdk8s when rendering. */
  public resolve(): string | number {
    return this.value;
  }
}

/** A value that is an integer or a string (ports by name or number, percentages). */
export class IntOrString extends UnionValue {
  public static of(value: number | string): IntOrString {
    return new IntOrString(value);
  }
  public static fromNumber(value: number): IntOrString {
    return new IntOrString(value);
  }
  public static fromString(value: string): IntOrString {
    return new IntOrString(value);
  }
}

/** A Kubernetes quantity (`250m`, `128Mi`). */
export class Quantity extends UnionValue {
  public static fromString(value: string): Quantity {
    return new Quantity(value);
  }
}

export class KubeDeployment extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeDeploymentProps = {}) {
    super(scope, id, { apiVersion: 'apps/v1', kind: 'Deployment', ...props });
  }
}

export class KubeService extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeServiceProps = {}) {
    super(scope, id, { apiVersion: 'v1', kind: 'Service', ...props });
  }
}

export class KubePodDisruptionBudget extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubePodDisruptionBudgetProps = {}) {
    super(scope, id, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ...props });
  }
}

export class KubeJob extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeJobProps = {}) {
    super(scope, id, { apiVersion: 'batch/v1', kind: 'Job', ...props });
  }
}

export class KubeHorizontalPodAutoscaler extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeHorizontalPodAutoscalerV2Props) {
    super(scope, id, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', ...props });
  }
}

export class KubeConfigMap extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeConfigMapProps = {}) {
    super(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', ...props });
  }
}

export class KubeNamespace extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeNamespaceProps = {}) {
    super(scope, id, { apiVersion: 'v1', kind: 'Namespace', ...props });
  }
}

export class KubeIngress extends ApiObject {
  constructor(scope: Construct, id: string, props: L1.KubeIngressProps = {}) {
    super(scope, id, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', ...props });
  }
}
