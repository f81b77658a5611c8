import { Checks } from '../../model/checks';
import { DeclaredGate } from '../../model/release';
import { thresholdRange, ThresholdRange } from './threshold-range';

/** The spec of a Flagger MetricTemplate (flagger.app/v1beta1). */
export interface MetricTemplateSpec {
  readonly provider: { readonly type: 'prometheus'; readonly address: string };
  readonly query: string;
}

/** One entry of a Canary's `analysis.metrics`. */
export interface FlaggerMetric {
  readonly name: string;
  readonly templateRef: { readonly name: string; readonly namespace?: string };
  readonly thresholdRange: ThresholdRange;
  readonly interval: string;
}

/** A Prometheus gate as Flagger runs it: a MetricTemplate and the metric of the analysis that refers to it. */
export interface FlaggerMetricCheck {
  /** Name of the MetricTemplate: `<app>-<gate name>`. */
  readonly templateName: string;
  readonly template: MetricTemplateSpec;
  readonly metric: FlaggerMetric;
}

/**
 * Maps a resolved Prometheus gate: the query as the gate Job runs it (its placeholders
 * filled), the server as the provider's address, the condition as `thresholdRange`.
 * Flagger renders a template's query as a Go template, so a `{{` left in the query (a
 * literal of the query's own) is refused rather than handed to Flagger's renderer.
 */
export function metricCheck(check: Checks, field: string, gate: DeclaredGate, app: string, namespace: string | undefined): FlaggerMetricCheck {
  const query = gate.query ?? '';
  if (query.includes('{{')) {
    check.fail(`${field}.query`, query, 'a query without "{{" once its placeholders are filled (engine flagger, feature MetricTemplate query): Flagger renders the query as a Go template');
  }
  const range = thresholdRange(check, `${field}.successCondition`, gate.successCondition ?? '');
  const templateName = `${app}-${gate.name}`;
  return {
    templateName,
    template: { provider: { type: 'prometheus', address: gate.target ?? '' }, query },
    metric: {
      name: gate.name,
      templateRef: { name: templateName, ...(namespace === undefined ? {} : { namespace }) },
      thresholdRange: range,
      interval: `${gate.intervalSeconds ?? 60}s`,
    },
  };
}
