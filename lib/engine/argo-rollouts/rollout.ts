import { ApiObject, Chart } from 'cdk8s';
import { k8s } from '../../render/k8s';
import { ResolvedArgoRollouts } from '../engine';
import { ARGO_API_VERSION } from './analysis-template';

/** One Rollout: the pod template of the version it runs and the strategy that replaces it. */
export interface RolloutSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly options: ResolvedArgoRollouts;
  /** Absent when an autoscaler sets the count (a replicas field would reset it on every apply). */
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  /** Selects every version's pods: the template changes, the selector never does. */
  readonly selector: { [key: string]: string };
  readonly podLabels: { [key: string]: string };
  readonly podAnnotations: { [key: string]: string };
  readonly podSpec: k8s.PodSpec;
  /** `spec.strategy`: `{ canary: ... }` or `{ blueGreen: ... }`. */
  readonly strategy: { [key: string]: unknown };
  /** The Deployment-level overrides of the pod blueprint (a Rollout has the same fields). */
  readonly overrides?: { [key: string]: unknown };
}

export function renderRollout(chart: Chart, r: RolloutSpec): ApiObject {
  return new ApiObject(chart, 'rollout', {
    apiVersion: ARGO_API_VERSION,
    kind: 'Rollout',
    metadata: { name: r.name, namespace: r.namespace, labels: r.labels },
    spec: {
      replicas: r.replicas,
      revisionHistoryLimit: r.options.revisionHistoryLimit,
      minReadySeconds: r.minReadySeconds,
      selector: { matchLabels: r.selector },
      template: {
        metadata: { labels: r.podLabels, annotations: Object.keys(r.podAnnotations).length ? { ...r.podAnnotations } : undefined },
        spec: r.podSpec,
      },
      strategy: r.strategy,
      ...r.overrides,
    },
  });
}
