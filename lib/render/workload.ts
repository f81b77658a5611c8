import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { Checks } from '../model/checks';
import { ResolvedPort } from './pod-blueprint';

/** How a Deployment replaces its pods when the template changes. */
export interface RollingUpdateOptions {
  /**
   * Pods created above the desired count during an update (number or percentage).
   * @default 1
   */
  readonly maxSurge?: number | string;
  /**
   * Pods that may be unavailable during an update. The default keeps full serving
   * capacity: no pod is removed before its replacement is ready.
   * @default 0
   */
  readonly maxUnavailable?: number | string;
  /**
   * Seconds a new pod must be ready before it counts as available (and the next old
   * pod goes). @default 0
   */
  readonly minReadySeconds?: number;
}

/** Resolved rolling-update settings, as written into the Deployment. */
export interface ResolvedRollingUpdate {
  readonly maxSurge: number | string;
  readonly maxUnavailable: number | string;
  readonly minReadySeconds?: number;
}

const PERCENT = /^(100|[1-9]?[0-9])%$/;

export function resolveRollingUpdate(check: Checks, field: string, o: RollingUpdateOptions = {}): ResolvedRollingUpdate {
  const amount = (f: string, v: number | string) => {
    if (typeof v === 'string' && PERCENT.test(v)) return v;
    if (typeof v === 'number') return check.integer(`${field}.${f}`, v, 0);
    return check.fail(`${field}.${f}`, v, "an integer ≥ 0 or a percentage such as '25%'");
  };
  const maxSurge = amount('maxSurge', o.maxSurge ?? 1);
  const maxUnavailable = amount('maxUnavailable', o.maxUnavailable ?? 0);
  if (isZero(maxSurge) && isZero(maxUnavailable)) {
    check.fail(`${field}.maxUnavailable`, maxUnavailable, 'a value above 0 when maxSurge is 0 (Kubernetes rejects a rollout that can neither add nor remove a pod)');
  }
  const minReadySeconds = o.minReadySeconds === undefined ? undefined : check.integer(`${field}.minReadySeconds`, o.minReadySeconds, 0);
  return { maxSurge, maxUnavailable, minReadySeconds: minReadySeconds || undefined };
}

function isZero(v: number | string): boolean {
  return v === 0 || v === '0%';
}

function intOrString(v: number | string): k8s.IntOrString {
  return typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v);
}

export interface DeploymentInput {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  /** Immutable once applied: must be the same in every phase. */
  readonly selector: { [key: string]: string };
  /** Must contain the selector. */
  readonly podLabels: { [key: string]: string };
  readonly replicas: number;
  readonly rollingUpdate: ResolvedRollingUpdate;
  readonly podSpec: k8s.PodSpec;
}

export function renderDeployment(scope: Construct, id: string, d: DeploymentInput): ApiObject {
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: d.name, namespace: d.namespace, labels: d.labels },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: d.selector },
      minReadySeconds: d.rollingUpdate.minReadySeconds,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: intOrString(d.rollingUpdate.maxSurge), maxUnavailable: intOrString(d.rollingUpdate.maxUnavailable) },
      },
      template: { metadata: { labels: d.podLabels }, spec: d.podSpec },
    },
  });
}

/** How a Service is reached. */
export enum ServiceType {
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

export interface ServiceInput {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly selector: { [key: string]: string };
  readonly type: ServiceType;
  readonly ports: readonly ResolvedPort[];
}

export function renderService(scope: Construct, id: string, s: ServiceInput): ApiObject {
  const external = s.type !== ServiceType.CLUSTER_IP;
  return new k8s.KubeService(scope, id, {
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels },
    spec: {
      type: s.type,
      selector: s.selector,
      ports: s.ports.map((p) => ({
        name: p.name,
        port: p.servicePort,
        targetPort: k8s.IntOrString.fromString(p.name),
        protocol: p.protocol,
        nodePort: external ? p.nodePort : undefined,
      })),
    },
  });
}
