import { basicCanaryCounts } from '../../engine/argo-rollouts/basic-canary';
import { DeclaredAddress, DeclaredStep } from '../../model/release';
import { asArray, asNumber, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { mapMatches } from '../loading/selectors';
import { Rational } from '../traffic/rational';
import { Add, isPercent } from './rollout-references';

/** One weight the controller sets: the new version's share of the requests it gives. */
interface WeightStep {
  readonly field: string;
  readonly share: Rational;
  readonly how: string;
}

/** Flagger's `maxWeight` when a Canary sets `stepWeight` alone. */
const FLAGGER_DEFAULT_MAX_WEIGHT = 50;

/**
 * The key check of an engine release: the weights its controller sets, in order, give the
 * new version the share of each address's default route that release.json declares for
 * the step of the same rank — a Rollout's `setWeight` steps (through its router, else by
 * the controller's replica rounding, `basicCanaryCounts`), a Canary's `stepWeights` (or
 * `stepWeight` up to `maxWeight`). `index` is the phase whose objects the controller
 * walks (`release`); a step too many or too few on either side is reported by name.
 */
export function checkEngineSteps(index: PhaseIndex, steps: readonly DeclaredStep[], add: Add, addDeclared: (field: string, message: string) => void): void {
  const engines = [...index.ofKind('Rollout', 'argoproj.io'), ...index.ofKind('Canary', 'flagger.app')];
  const names = new Set(steps.flatMap((s) => s.addresses.map((a) => a.name)));
  for (const address of names) {
    const objects = engines.filter((o) => servesAddress(index, o, address));
    if (objects.length === 0) {
      addDeclared(`steps`, `the steps route address "${address}", which no Rollout or Canary of the phase ${index.name} serves`);
      continue;
    }
    for (const o of objects) {
      const version = newVersion(index, o);
      const weights = o.kind === 'Rollout' ? rolloutWeights(index, o) : canaryWeights(o);
      steps.forEach((step, i) => {
        const declared = step.addresses.find((a) => a.name === address);
        if (!declared) return;
        const want = declaredShare(declared, version);
        const got = weights[i];
        if (!got) add(o, o.kind === 'Rollout' ? 'spec.strategy.canary.steps' : 'spec.analysis', `sets ${weights.length} weights, so release.json's step "${step.name}" (${version} takes ${want.toPercent()} of ${address}) never happens`);
        else if (!got.share.equals(want)) add(o, got.field, `${got.how} gives ${version} ${got.share.toPercent()} of the requests to ${address}; release.json's step "${step.name}" declares ${want.toPercent()}`);
      });
      weights.slice(steps.length).forEach((w) => add(o, w.field, `${w.how} (${version} takes ${w.share.toPercent()}) has no step in release.json: the plan does not show it`));
    }
  }
}

/** The new version's share of the route without conditions, as declared. */
function declaredShare(address: DeclaredAddress, version: string): Rational {
  const route = address.routes.find((r) => r.conditions.length === 0) ?? address.routes[address.routes.length - 1];
  const total = route?.backends.reduce((n, b) => n + b.weight, 0) ?? 0;
  const mine = route?.backends.filter((b) => b.version === version).reduce((n, b) => n + b.weight, 0) ?? 0;
  return total > 0 ? Rational.of(mine, total) : Rational.ZERO;
}

function newVersion(index: PhaseIndex, o: K8sObject): string {
  if (o.kind === 'Rollout') return index.workloadOf(o)?.version ?? 'unversioned';
  const target = index.find(asString(get(o, 'spec', 'targetRef', 'kind')) ?? '', asString(get(o, 'spec', 'targetRef', 'name')) ?? '', index.namespaceOf(o), 'apps');
  return (target && index.workloadOf(target)?.version) ?? 'unversioned';
}

/** Whether the address (a Service, router or Ingress name) leads to the engine object's pods. */
function servesAddress(index: PhaseIndex, o: K8sObject, address: string): boolean {
  const ns = index.namespaceOf(o);
  if (o.kind === 'Canary') {
    const service = asString(get(o, 'spec', 'service', 'name')) ?? asString(get(o, 'spec', 'targetRef', 'name'));
    return [service, asString(get(o, 'spec', 'ingressRef', 'name'))].includes(address);
  }
  const strategy = get(o, 'spec', 'strategy');
  const istio = get(strategy, 'canary', 'trafficRouting', 'istio');
  const named = [
    ...['stableService', 'canaryService'].map((k) => get(strategy, 'canary', k)),
    get(strategy, 'blueGreen', 'activeService'),
    get(strategy, 'canary', 'trafficRouting', 'nginx', 'stableIngress'),
    get(istio, 'virtualService', 'name'),
    ...asArray(get(istio, 'virtualServices')).map((v) => get(v, 'name')),
  ];
  if (named.includes(address)) return true;
  const service = index.find('Service', address, ns, '');
  const selector = service && get(service, 'spec', 'selector');
  const pods = index.workloadOf(o)?.podLabels ?? {};
  return !!selector && Object.keys(selector).length > 0 && mapMatches(selector as { [key: string]: string }, pods);
}

/** The `setWeight` steps of a Rollout's canary, each with the share it gives the new version. */
function rolloutWeights(index: PhaseIndex, rollout: K8sObject): WeightStep[] {
  const canary = get(rollout, 'spec', 'strategy', 'canary');
  const routed = get(canary, 'trafficRouting') !== undefined;
  const replicas = index.workloadOf(rollout)?.replicas ?? 1;
  const maxSurge = resolveSurge(get(canary, 'maxSurge'), replicas);
  const out: WeightStep[] = [];
  asArray(get(canary, 'steps')).forEach((step, i) => {
    const weight = get(step, 'setWeight');
    if (weight === undefined || !isPercent(weight)) return;
    const w = weight as number;
    const field = `spec.strategy.canary.steps[${i}].setWeight`;
    if (routed) {
      out.push({ field, share: Rational.of(w, 100), how: `setWeight ${w} (through its router)` });
    } else {
      const c = basicCanaryCounts(replicas, w, maxSurge);
      out.push({ field, share: c.canary + c.stable > 0 ? Rational.of(c.canary, c.canary + c.stable) : Rational.ZERO, how: `setWeight ${w} (${c.stable} stable + ${c.canary} canary pods of ${replicas} replicas, no router)` });
    }
  });
  return out;
}

/** Argo Rollouts' `maxSurge` as a pod count: a number, or a percent of the replicas rounded up (default 25%). */
function resolveSurge(value: unknown, replicas: number): number {
  const n = asNumber(value);
  if (n !== undefined) return n;
  const percent = /^(\d+)%$/.exec(asString(value) ?? '25%');
  return percent ? Math.ceil((replicas * Number(percent[1])) / 100) : 0;
}

/** The weights a Canary's analysis walks: `stepWeights`, else `stepWeight` up to `maxWeight`. */
function canaryWeights(canary: K8sObject): WeightStep[] {
  const analysis = get(canary, 'spec', 'analysis');
  const listed = asArray(get(analysis, 'stepWeights'));
  if (listed.length) {
    return listed.flatMap((w, i) => (isPercent(w) ? [{ field: `spec.analysis.stepWeights[${i}]`, share: Rational.of(w as number, 100), how: `stepWeights[${i}] ${w}` }] : []));
  }
  const step = asNumber(get(analysis, 'stepWeight'));
  if (step === undefined || !isPercent(step) || step === 0) return [];
  const max = asNumber(get(analysis, 'maxWeight')) ?? FLAGGER_DEFAULT_MAX_WEIGHT;
  const out: WeightStep[] = [];
  for (let w = step; w <= max && w <= 100; w += step) out.push({ field: 'spec.analysis.stepWeight', share: Rational.of(w, 100), how: `stepWeight ${step}, step ${out.length + 1} (weight ${w})` });
  return out;
}
