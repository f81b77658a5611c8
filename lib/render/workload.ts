import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { Checks, keysOf } from '../model/checks';
import { Limits } from '../model/limits';
import { ResolvedPort } from './pod-blueprint';
import type { ResolvedExposure } from './service-exposure';

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
  /** Pods above the desired count during an update. */
  readonly maxSurge: number | string;
  /** Pods that may be unavailable during an update. */
  readonly maxUnavailable: number | string;
  /** @default - Kubernetes' default (0) */
  readonly minReadySeconds?: number;
}

const ROLLING_UPDATE_KEYS = keysOf<RollingUpdateOptions>({ maxSurge: true, maxUnavailable: true, minReadySeconds: true });

export function resolveRollingUpdate(check: Checks, field: string, options?: RollingUpdateOptions): ResolvedRollingUpdate {
  const o: RollingUpdateOptions = options === undefined ? {} : check.object(field, options, 'an object such as { maxSurge: 1, maxUnavailable: 0 }');
  check.knownKeys(field, o, ROLLING_UPDATE_KEYS, 'RollingUpdateOptions');
  const amount = (f: string, v: unknown) => check.countOrPercent(`${field}.${f}`, v, 0, Limits.MAX_REPLICAS, `an integer from 0 to ${Limits.MAX_REPLICAS} or a percentage such as '25%'`);
  const maxSurge = amount('maxSurge', o.maxSurge === undefined ? 1 : o.maxSurge);
  const maxUnavailable = amount('maxUnavailable', o.maxUnavailable === undefined ? 0 : o.maxUnavailable);
  if (isZero(maxSurge) && isZero(maxUnavailable)) {
    check.fail(`${field}.maxUnavailable`, maxUnavailable, 'a value above 0 when maxSurge is 0 (Kubernetes rejects a rollout that can neither add nor remove a pod)');
  }
  const minReadySeconds = o.minReadySeconds === undefined ? undefined : check.integer(`${field}.minReadySeconds`, o.minReadySeconds, 0, Limits.MAX_SECONDS);
  return { maxSurge, maxUnavailable, minReadySeconds: minReadySeconds || undefined };
}

function isZero(v: number | string): boolean {
  return v === 0 || v === '0%';
}

export interface DeploymentInput {
  /** Name of the Deployment. */
  readonly name: string;
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** Labels of the Deployment object. */
  readonly labels: { [key: string]: string };
  /** Immutable once applied: must be the same in every phase. */
  readonly selector: { [key: string]: string };
  /** Must contain the selector. */
  readonly podLabels: { [key: string]: string };
  /** @default - none */
  readonly podAnnotations?: { readonly [key: string]: string };
  /** Desired pod count; undefined when an autoscaler sets it. */
  readonly replicas: number | undefined;
  /** How pods are replaced when the template changes. */
  readonly rollingUpdate: ResolvedRollingUpdate;
  /** The pod template spec. */
  readonly podSpec: k8s.PodSpec;
  /** Deployment spec fields merged last (the escape hatch). @default - none */
  readonly specOverrides?: { readonly [key: string]: unknown };
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
        rollingUpdate: { maxSurge: k8s.IntOrString.of(d.rollingUpdate.maxSurge), maxUnavailable: k8s.IntOrString.of(d.rollingUpdate.maxUnavailable) },
      },
      template: { metadata: { labels: d.podLabels, annotations: d.podAnnotations && Object.keys(d.podAnnotations).length ? { ...d.podAnnotations } : undefined }, spec: d.podSpec },
      ...d.specOverrides,
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
  /** Name of the Service. */
  readonly name: string;
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** Labels of the Service object. */
  readonly labels: { [key: string]: string };
  /** Labels of the pods that receive its requests. */
  readonly selector: { [key: string]: string };
  /** How the Service is reached. */
  readonly type: ServiceType;
  /** Ports, each forwarded to the named container port. */
  readonly ports: readonly ResolvedPort[];
  /** Annotations and load balancer fields. @default - none */
  readonly exposure?: ResolvedExposure;
}

export function renderService(scope: Construct, id: string, s: ServiceInput): ApiObject {
  const external = s.type !== ServiceType.CLUSTER_IP;
  return new k8s.KubeService(scope, id, {
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels, annotations: s.exposure?.annotations },
    spec: {
      type: s.type,
      selector: s.selector,
      externalTrafficPolicy: s.exposure?.externalTrafficPolicy,
      loadBalancerSourceRanges: s.exposure?.loadBalancerSourceRanges,
      loadBalancerClass: s.exposure?.loadBalancerClass,
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
