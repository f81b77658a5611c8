import { Checks } from '../../model/checks';
import { GatewayPlan, GatewayPlanPhase } from '../../model/gateway-plan';
import { FlaggerStep } from './analysis';
import { FieldGate } from './analysis-timing';

/** The phases between a Gateway's first and last, as Flagger walks them. */
export interface GatewayFlaggerSteps {
  /** Gates of the dark phases: pre-rollout webhooks. */
  readonly before: readonly FieldGate[];
  readonly steps: readonly FlaggerStep[];
  /** The phase of each step. */
  readonly phases: readonly GatewayPlanPhase[];
}

const FEATURE = (f: string) => `(engine flagger, feature ${f})`;

/**
 * Each phase between the first and the last is, for Flagger, a dark phase (the new
 * version runs without requests: its gates run as pre-rollout webhooks, before the first
 * step), a weight (the new version's share of the requests, one entry of `stepWeights`)
 * or an A/B test (one route by conditions to the new version: `match`). Flagger runs the
 * primary and, during the analysis, the canary with the Deployment's replicas: a phase
 * that sets other pod counts is refused, as is one that leaves out the new version.
 * Whether the steps fit one analysis (rising whole percents, or one A/B test; the same
 * gates at every step) is `buildAnalysis`'s to check.
 */
export function gatewayFlaggerSteps(
  check: Checks,
  plan: GatewayPlan,
  versions: { readonly stable: string; readonly canary: string; readonly replicas: number },
  gatesOf: (phase: string) => FieldGate[],
): GatewayFlaggerSteps {
  const { canary, replicas } = versions;
  const before: FieldGate[] = [];
  const steps: FlaggerStep[] = [];
  const phases: GatewayPlanPhase[] = [];
  for (const p of plan.phases.slice(1, -1)) {
    if (!p.deployed.some((d) => d.version === canary)) {
      check.fail(p.field, p.name, `a phase that runs ${JSON.stringify(canary)} ${FEATURE('steps')}: from the first step to the promotion Flagger runs the new version, it cannot leave it out between two steps`);
    }
    for (const d of p.deployed) {
      if (d.replicas !== replicas) {
        check.fail(
          `${p.field}.replicas.${d.version}`,
          d.replicas,
          `${replicas} pods, the Deployment's replicas ${FEATURE('replicas')}: Flagger runs the primary and, during the analysis, the canary with the Deployment's replicas (or its autoscaler's), whatever a phase sets`,
        );
      }
    }
    p.routes.forEach((r) => {
      if (r.version !== canary) check.fail(`${r.field}.version`, r.version, `${JSON.stringify(canary)}, the new version ${FEATURE('A/B testing')}: Flagger's match sends the requests that match to the canary only`);
    });
    if (p.routes.length > 1) {
      check.fail(p.routes[1].field, p.routes.length, `one route by conditions per phase ${FEATURE('A/B testing')}: the Canary's match holds the conditions of one route`);
    }
    const total = p.weights.reduce((n, w) => n + w.weight, 0);
    const share = total > 0 ? ((p.weights.find((w) => w.version === canary)?.weight ?? 0) * 100) / total : 0;
    const gates = gatesOf(p.name);
    if (share === 0 && !p.routes.length) {
      if (steps.length) check.fail(p.field, p.name, `dark phases before the first step only ${FEATURE('dark phase')}: Flagger runs its pre-rollout checks once, before any request reaches the new version`);
      before.push(...gates);
      continue;
    }
    steps.push({ name: p.name, field: p.routes.length ? p.routes[0].field : `${p.field}.weights`, weight: share, conditions: p.routes[0]?.conditions, gates });
    phases.push(p);
  }
  return { before, steps, phases };
}
