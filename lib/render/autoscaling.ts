import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { Checks, keysOf } from '../model/checks';
import { Limits } from '../model/limits';

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for each Deployment of a workload: it adds
 * pods while the average use of their CPU (or memory) requests is above the target,
 * and removes them when below, between minReplicas and maxReplicas.
 *
 * A Deployment an autoscaler manages has no `spec.replicas` in any phase: with one,
 * every `kubectl apply` of a phase would reset the count the autoscaler chose. Its
 * pods are counted at minReplicas wherever capacity is checked (minAvailable, the
 * transitions), the fewest the autoscaler keeps.
 *
 * Where it applies: behind a router (Gateway with Traffic.istio(), gatewayApi() or nginx())
 * the share of each version is a weight of the router, whatever its pod count, so each
 * version scales alone. A Service that selects several versions (Traffic.service(),
 * CanaryApp) shares requests by pod counts, which two independent autoscalers would
 * change at will: there, autoscaling is refused for phases where a Service spreads over
 * more than one version.
 */
export interface AutoscalingOptions {
  /** Fewest pods. @default - the workload's replicas */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, in percent of the pods' CPU requests (every container has
   * one: the library sets a default).
   * @default 70, unless only memoryUtilization is given
   */
  readonly cpuUtilization?: number;
  /** Target average memory use, in percent of the pods' memory requests. @default - no memory target */
  readonly memoryUtilization?: number;
}

/** Autoscaling after its checks, with the minimum of the workload's phase. */
export interface ResolvedAutoscaling {
  /** Most pods. */
  readonly maxReplicas: number;
  /** @default - none */
  readonly minReplicas?: number;
  /** @default - no CPU target */
  readonly cpuUtilization?: number;
  /** @default - no memory target */
  readonly memoryUtilization?: number;
}

const AUTOSCALING_KEYS = keysOf<AutoscalingOptions>({ minReplicas: true, maxReplicas: true, cpuUtilization: true, memoryUtilization: true });

/** Checks autoscaling options; `replicas` is the workload's own count, the default minimum. */
export function resolveAutoscaling(check: Checks, field: string, given: unknown, replicas: number): ResolvedAutoscaling & { minReplicas: number } {
  const o = check.object(field, given, 'an object such as { maxReplicas: 10, cpuUtilization: 70 }') as unknown as AutoscalingOptions;
  check.knownKeys(field, o, AUTOSCALING_KEYS, 'AutoscalingOptions');
  const maxReplicas = check.integer(`${field}.maxReplicas`, o.maxReplicas, 1, Limits.MAX_REPLICAS);
  const minReplicas = check.integer(`${field}.minReplicas`, o.minReplicas ?? replicas, 1, Limits.MAX_REPLICAS);
  if (minReplicas > maxReplicas) {
    check.fail(`${field}.minReplicas`, minReplicas, `at most maxReplicas (${maxReplicas})${o.minReplicas === undefined ? ': it defaults to the replicas; set minReplicas, or raise maxReplicas' : ''}`);
  }
  const percent = (f: 'cpuUtilization' | 'memoryUtilization') => (o[f] === undefined ? undefined : check.integer(`${field}.${f}`, o[f], 1, 1000));
  const memoryUtilization = percent('memoryUtilization');
  const cpuUtilization = percent('cpuUtilization') ?? (memoryUtilization === undefined ? 70 : undefined);
  return { minReplicas, maxReplicas, cpuUtilization, memoryUtilization };
}

/** Renders the autoscaler of one Deployment, with the minimum of the phase. */
export function renderAutoscaler(scope: Construct, id: string, a: { name: string; namespace?: string; labels: { [key: string]: string }; deployment?: string; target?: { apiVersion: string; kind: string; name: string }; minReplicas: number; autoscaling: ResolvedAutoscaling }): ApiObject {
  const metric = (name: string, averageUtilization: number | undefined) =>
    averageUtilization === undefined ? [] : [{ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } }];
  return new k8s.KubeHorizontalPodAutoscaler(scope, id, {
    metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
    spec: {
      // A Rollout scales like a Deployment: the autoscaler names it instead.
      scaleTargetRef: a.target ?? { apiVersion: 'apps/v1', kind: 'Deployment', name: a.deployment! },
      minReplicas: a.minReplicas,
      maxReplicas: a.autoscaling.maxReplicas,
      metrics: [...metric('cpu', a.autoscaling.cpuUtilization), ...metric('memory', a.autoscaling.memoryUtilization)],
    },
  });
}
