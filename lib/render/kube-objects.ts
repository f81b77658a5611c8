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
export type EnvVar = L1.EnvVar;
export type PodSecurityContext = L1.PodSecurityContext;
export type PodSpec = L1.PodSpec;
export type Probe = L1.Probe;
export type ResourceRequirements = L1.ResourceRequirements;
/** A volume, with `downwardAPI` spelled as the API spells it. */
export type Volume = Omit<L1.Volume, 'downwardApi'> & { readonly downwardAPI?: L1.DownwardApiVolumeSource };
export type VolumeMount = L1.VolumeMount;

/** A value that is an integer or a string (ports by name or number, percentages). */
export class IntOrString {
  public static fromNumber(value: number): IntOrString {
    return new IntOrString(value);
  }
  public static fromString(value: string): IntOrString {
    return new IntOrString(value);
  }
  private constructor(public readonly value: string | number) {}
  /** Called by cdk8s when rendering: the value itself. */
  public resolve(): string | number {
    return this.value;
  }
}

/** A Kubernetes quantity (`250m`, `128Mi`). */
export class Quantity {
  public static fromString(value: string): Quantity {
    return new Quantity(value);
  }
  public static fromNumber(value: number): Quantity {
    return new Quantity(value);
  }
  private constructor(public readonly value: string | number) {}
  /** Called by cdk8s when rendering: the value itself. */
  public resolve(): string | number {
    return this.value;
  }
}

export class KubeDeployment extends ApiObject {
  public static readonly GVK = { apiVersion: 'apps/v1', kind: 'Deployment' };
  constructor(scope: Construct, id: string, props: L1.KubeDeploymentProps = {}) {
    super(scope, id, { ...KubeDeployment.GVK, ...props });
  }
}

export class KubeService extends ApiObject {
  public static readonly GVK = { apiVersion: 'v1', kind: 'Service' };
  constructor(scope: Construct, id: string, props: L1.KubeServiceProps = {}) {
    super(scope, id, { ...KubeService.GVK, ...props });
  }
}

export class KubePodDisruptionBudget extends ApiObject {
  public static readonly GVK = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
  constructor(scope: Construct, id: string, props: L1.KubePodDisruptionBudgetProps = {}) {
    super(scope, id, { ...KubePodDisruptionBudget.GVK, ...props });
  }
}

export class KubeJob extends ApiObject {
  public static readonly GVK = { apiVersion: 'batch/v1', kind: 'Job' };
  constructor(scope: Construct, id: string, props: L1.KubeJobProps = {}) {
    super(scope, id, { ...KubeJob.GVK, ...props });
  }
}

export class KubeNamespace extends ApiObject {
  public static readonly GVK = { apiVersion: 'v1', kind: 'Namespace' };
  constructor(scope: Construct, id: string, props: L1.KubeNamespaceProps = {}) {
    super(scope, id, { ...KubeNamespace.GVK, ...props });
  }
}

export class KubeIngress extends ApiObject {
  public static readonly GVK = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };
  constructor(scope: Construct, id: string, props: L1.KubeIngressProps = {}) {
    super(scope, id, { ...KubeIngress.GVK, ...props });
  }
}
