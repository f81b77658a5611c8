import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedGate, gateJob } from '../../render/gate-job';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/** What an AnalysisTemplate needs besides its gates. */
export interface AnalysisTemplateInput {
  /** Name of the template: the gate Job's name, which says gate, step and versions. */
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  /** Value of `app.kubernetes.io/instance` on the analysis Jobs. */
  readonly release: string;
}

/**
 * One AnalysisTemplate per gate, with one metric:
 * - a Prometheus gate becomes Argo's `prometheus` provider with the same query, timing
 *   and condition. The condition must hold for every series and an empty result fails,
 *   as with the gate Job: `len(result) > 0 && all(result, {# < 0.01})`;
 * - an HTTP gate and a Job gate become Argo's `job` provider running the very Job the
 *   phases engine runs (same image, script, deadline), measured once: the script counts
 *   its own attempts, so the verdict is the same whichever engine runs it.
 */
export function renderAnalysisTemplate(scope: Construct, id: string, gate: ResolvedGate, t: AnalysisTemplateInput): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: ARGO_API_VERSION,
    kind: 'AnalysisTemplate',
    metadata: { name: t.name, namespace: t.namespace, labels: t.labels },
    spec: { metrics: [metricOf(gate, t.release)] },
  });
}

function metricOf(gate: ResolvedGate, release: string): { [key: string]: unknown } {
  const d = gate.declared;
  if (d.kind === 'prometheus') {
    return {
      name: d.name,
      count: d.count,
      interval: `${d.intervalSeconds}s`,
      initialDelay: d.initialDelaySeconds ? `${d.initialDelaySeconds}s` : undefined,
      failureLimit: d.failureLimit,
      successCondition: everySeries(d.successCondition!),
      provider: { prometheus: { address: d.target, query: d.query, timeout: d.timeoutSeconds } },
    };
  }
  const { labels, spec } = gateJob(gate, { release });
  return { name: d.name, count: 1, failureLimit: 0, provider: { job: { metadata: { labels }, spec } } };
}

/**
 * A gate condition (`result < 0.01 && result > 0 || ...`) as an Argo expression over the
 * vector a Prometheus query returns: every value must meet it, and there must be one.
 */
export function everySeries(condition: string): string {
  return `len(result) > 0 && all(result, {${condition.replace(/\bresult\b/g, '#')}})`;
}
