import { Checks } from '../../model/checks';
import { DeclaredGate } from '../../model/release';
import { ResolvedMatch } from '../../model/route-match';
import { analysisTiming, FieldGate } from './analysis-timing';
import { abMatch, FlaggerMatch, FlaggerProvider } from './match';
import { FlaggerMetric, metricCheck, MetricTemplateSpec } from './metric-template';
import { FlaggerWebhook, httpWebhook, prometheusWebhook, refuseJobGate } from './webhook';

/** One step the controller walks once the new version is applied, as the construct declares it. */
export interface FlaggerStep {
  /** Name of the phase the step stands for, e.g. `canary-25`. */
  readonly name: string;
  /** Field of the props that declares the step, for errors. */
  readonly field: string;
  /** Percent of the requests the new version receives; 0 for a step routed by conditions only. */
  readonly weight: number;
  /** Conditions that send a request to the new version (an A/B test). @default - none */
  readonly conditions?: readonly ResolvedMatch[];
  readonly gates: readonly FieldGate[];
}

/** What the analysis of a Canary needs to know of the release. */
export interface FlaggerAnalysisInput {
  readonly app: string;
  readonly release: string;
  readonly namespace?: string;
  readonly provider: FlaggerProvider;
  /** Gates of the new version before it gets any request (the dark phase). */
  readonly before: readonly FieldGate[];
  readonly steps: readonly FlaggerStep[];
  /** Field of the engine options, for errors about them. */
  readonly optionsField: string;
  readonly loadtester: () => string;
  /** Seconds between two checks when no gate says. */
  readonly defaultInterval: number;
}

/** `spec.analysis` of a Canary. */
export interface FlaggerAnalysis {
  readonly interval: string;
  readonly threshold: number;
  readonly stepWeights?: number[];
  readonly iterations?: number;
  readonly match?: FlaggerMatch[];
  readonly metrics?: FlaggerMetric[];
  readonly webhooks?: FlaggerWebhook[];
}

const TIMING_FREE: ReadonlyArray<keyof DeclaredGate> = ['job', 'versions', 'activeDeadlineSeconds'];

/**
 * The analysis of a Canary: weights (`stepWeights`) or an A/B test (`match`,
 * `iterations`), metrics from the Prometheus gates of the steps, webhooks from their
 * HTTP gates, and pre-rollout webhooks from the gates of the dark phase. Flagger runs
 * the same checks at every weight, so the steps must carry the same gates.
 */
export function buildAnalysis(check: Checks, input: FlaggerAnalysisInput): { analysis: FlaggerAnalysis; templates: Array<{ name: string; spec: MetricTemplateSpec }> } {
  const steps = input.steps;
  if (!steps.length) check.fail(input.optionsField, 'no step', 'a release with at least one step giving the new version requests (engine flagger, feature analysis)');
  const conditional = steps.filter((s) => s.conditions?.length);
  const weighted = conditional.length === 0;
  if (!weighted) checkAbSteps(check, steps);
  else checkWeights(check, steps);
  const gated = steps[0].gates;
  steps.slice(1).forEach((s) => checkSameGates(check, s, steps[0]));

  [...input.before, ...gated].forEach((g) => g.gate.kind === 'job' && refuseJobGate(check, g.field, g.gate));
  const timing = analysisTiming(check, [...input.before, ...gated], weighted, input.defaultInterval);
  const metrics = gated.filter((g) => g.gate.kind === 'prometheus').map((g) => metricCheck(check, g.field, g.gate, input.app, input.namespace));
  const webhooks = [
    ...input.before.map((g) =>
      g.gate.kind === 'http' ? httpWebhook(g.gate, 'pre-rollout', input.loadtester(), input.release) : prometheusWebhook(check, g.field, g.gate, 'pre-rollout', input.loadtester(), input.release),
    ),
    ...gated.filter((g) => g.gate.kind === 'http').map((g) => httpWebhook(g.gate, 'rollout', input.loadtester(), input.release)),
  ];
  const analysis: FlaggerAnalysis = {
    interval: `${timing.intervalSeconds}s`,
    threshold: timing.threshold,
    ...(weighted ? { stepWeights: steps.map((s) => s.weight) } : { iterations: timing.passes, match: abMatch(check, conditional[0].field, input.provider, conditional[0].conditions!) }),
    ...(metrics.length ? { metrics: metrics.map((m) => m.metric) } : {}),
    ...(webhooks.length ? { webhooks } : {}),
  };
  return { analysis, templates: metrics.map((m) => ({ name: m.templateName, spec: m.template })) };
}

/** stepWeights: whole percents, each above the one before, below 100 (100 is the promotion). */
function checkWeights(check: Checks, steps: readonly FlaggerStep[]): void {
  steps.forEach((s, i) => {
    if (!Number.isInteger(s.weight) || s.weight < 1 || s.weight > 99) {
      check.fail(s.field, s.weight, `a share of whole percents from 1 to 99 (engine flagger, feature stepWeights): Flagger's weights are integer percents, and ${+s.weight.toFixed(3)}% is not one`);
    }
    if (i > 0 && s.weight <= steps[i - 1].weight) {
      check.fail(s.field, s.weight, `a share above the step before (${steps[i - 1].weight}%) (engine flagger, feature stepWeights): Flagger finds its place in stepWeights by the current weight`);
    }
  });
}

/** An A/B test: one step, routed by conditions alone. */
function checkAbSteps(check: Checks, steps: readonly FlaggerStep[]): void {
  const first = steps.find((s) => s.conditions?.length)!;
  if (steps.length > 1) {
    check.fail(steps.find((s) => s !== first)!.field, steps.length, 'one step routed by conditions and no other (engine flagger, feature A/B testing): a Canary runs either an A/B test (match, iterations) or weights, not both');
  }
  if (first.weight !== 0) {
    check.fail(first.field, first.weight, 'no share besides the conditions (engine flagger, feature A/B testing): Flagger sends the new version the matching requests only');
  }
}

/** Two steps carry the same gates when they check the same things the same way, whatever the phase's name in the Job. */
function checkSameGates(check: Checks, step: FlaggerStep, first: FlaggerStep): void {
  const key = (g: FieldGate) => JSON.stringify(Object.entries(g.gate).filter(([k]) => !TIMING_FREE.includes(k as keyof DeclaredGate)));
  const a = first.gates.map(key);
  const b = step.gates.map(key);
  if (a.length !== b.length || a.some((k, i) => k !== b[i])) {
    check.fail(
      step.gates.length ? step.gates[0].field : step.field,
      step.gates.map((g) => g.gate.name),
      `the gates of ${first.name} (${first.gates.map((g) => g.gate.name).join(', ') || 'none'}) (engine flagger, feature per-step analysis): Flagger runs one set of metrics and webhooks at every weight`,
    );
  }
}
