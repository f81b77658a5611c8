import { basicCanaryCounts } from '../../engine/argo-rollouts/basic-canary';
import { DeclaredAddress, DeclaredStep, RouteCondition } from '../../model/release';
import { asArray, asNumber, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { Rational } from '../traffic/rational';
import { blueGreenWeights, checkBlueGreenThen, routesToActive } from './blue-green-steps';
import { Add, isPercent, selectsPods } from './rollout-references';

/** One weight the controller sets: the new version's share of the requests it gives. */
interface WeightStep {
  readonly field: string;
  readonly share: Rational;
  readonly how: string;
  /** Header routes that send every request they match to the new version (Argo Rollouts' managed routes). */
  readonly conditions?: ReadonlyArray<readonly RouteCondition[]>;
}

/** Providers whose Canary `match` is the router's own conditions, comparable to the declared ones. */
const MATCH_AS_WRITTEN = ['istio', 'gatewayapi:v1'];

/** Flagger's `maxWeight` when a Canary sets `stepWeight` alone. */
const FLAGGER_DEFAULT_MAX_WEIGHT = 50;

/**
 * The key check of an engine release: the weights its controller sets, in order, give the
 * new version the share of each address's default route that release.json declares for
 * the step of the same rank — a Rollout's `setWeight` steps (through its router, else by
 * the controller's replica rounding, `basicCanaryCounts`), a blue-green Rollout's preview
 * (none) then promotion (all; its analyses and promotion mode as the steps declare), a
 * Canary's `stepWeights` (or `stepWeight` up to `maxWeight`). `index` is the phase whose objects the controller
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
        if (!got) add(o, o.kind === 'Rollout' ? (get(o, 'spec', 'strategy', 'blueGreen') ? 'spec.strategy.blueGreen' : 'spec.strategy.canary.steps') : 'spec.analysis', `walks ${weights.length} steps, so release.json's step "${step.name}" (${version} takes ${want.toPercent()} of ${address}) never happens`);
        else if (!got.share.equals(want)) add(o, got.field, `${got.how} gives ${version} ${got.share.toPercent()} of the requests to ${address}; release.json's step "${step.name}" declares ${want.toPercent()}`);
        else if (got.conditions && describeRoutes(got.conditions) !== describeRoutes(declaredConditions(declared, version))) {
          add(o, got.field, `sends ${describeRoutes(got.conditions)} to ${version} at ${address}; release.json's step "${step.name}" declares ${describeRoutes(declaredConditions(declared, version))}`);
        }
      });
      weights.slice(steps.length).forEach((w) => add(o, w.field, `${w.how} (${version} takes ${w.share.toPercent()}) has no step in release.json: the plan does not show it`));
    }
  }
  for (const rollout of index.ofKind('Rollout', 'argoproj.io')) checkBlueGreenThen(rollout, steps, add);
}

/** The declared routes with conditions that send every request they match to `version`. */
function declaredConditions(address: DeclaredAddress, version: string): RouteCondition[][] {
  return address.routes.filter((r) => r.conditions.length > 0 && r.backends.length > 0 && r.backends.every((b) => b.version === version || b.weight === 0)).map((r) => [...r.conditions]);
}

/** Header routes in a stable order, for comparison and messages. */
function describeRoutes(routes: ReadonlyArray<readonly RouteCondition[]>): string {
  const each = routes.map((r) => r.map((c) => `${c.header} ${c.match} "${c.value}"`).sort().join(' and ')).sort();
  return each.length ? `the requests with ${each.join(', or with ')}` : 'no header route';
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
    // The Gateway API through Argo Rollouts' plugin: the HTTPRoutes it sets the weights of.
    ...asArray(get(strategy, 'canary', 'trafficRouting', 'plugins', 'argoproj-labs/gatewayAPI', 'httpRoutes')).map((r) => get(r, 'name')),
    get(strategy, 'canary', 'trafficRouting', 'plugins', 'argoproj-labs/gatewayAPI', 'httpRoute'),
  ];
  if (named.includes(address) || routesToActive(index, o, address)) return true;
  const service = index.find('Service', address, ns, '');
  return !!service && selectsPods(service, index.workloadOf(o)?.podLabels ?? {});
}

/**
 * The steps a Rollout's canary walks, as a person sees them: each analysis or pause ends
 * one (consecutive ones with nothing set between them end the same), with the weight in
 * force then (0 before the first `setWeight`) and the header routes `setHeaderRoute` has
 * added and not yet removed; changes after the last analysis or pause make a last step.
 */
function rolloutWeights(index: PhaseIndex, rollout: K8sObject): WeightStep[] {
  if (get(rollout, 'spec', 'strategy', 'blueGreen') !== undefined) return blueGreenWeights(rollout);
  const canary = get(rollout, 'spec', 'strategy', 'canary');
  const routed = get(canary, 'trafficRouting') !== undefined;
  const replicas = index.workloadOf(rollout)?.replicas ?? 1;
  const maxSurge = resolveSurge(get(canary, 'maxSurge'), replicas);
  const out: WeightStep[] = [];
  let weight = 0;
  let changed = true;
  const headerRoutes = new Map<string, RouteCondition[]>();
  const close = (i: number) => {
    const field = `spec.strategy.canary.steps[${i}]`;
    const conditions = [...headerRoutes.values()];
    if (routed) {
      out.push({ field, share: Rational.of(weight, 100), how: `weight ${weight} (through its router)`, conditions });
    } else {
      const c = basicCanaryCounts(replicas, weight, maxSurge);
      out.push({ field, share: c.canary + c.stable > 0 ? Rational.of(c.canary, c.canary + c.stable) : Rational.ZERO, how: `weight ${weight} (${c.stable} stable + ${c.canary} canary pods of ${replicas} replicas, no router)`, conditions });
    }
    changed = false;
  };
  const steps = asArray(get(canary, 'steps'));
  steps.forEach((step, i) => {
    if (get(step, 'analysis') !== undefined || get(step, 'pause') !== undefined) {
      if (changed) close(i);
      return;
    }
    changed = true;
    const w = get(step, 'setWeight');
    if (w !== undefined && isPercent(w)) weight = w as number;
    const header = get(step, 'setHeaderRoute');
    const name = asString(get(header, 'name'));
    if (header !== undefined && name) {
      const match = asArray(get(header, 'match'));
      if (match.length) headerRoutes.set(name, match.map(headerCondition));
      else headerRoutes.delete(name);
    }
  });
  if (changed && steps.length) close(steps.length - 1);
  return out;
}

/** A `setHeaderRoute` match entry as a declared route condition. */
function headerCondition(m: unknown): RouteCondition {
  return stringMatch(asString(get(m, 'headerName')) ?? '', get(m, 'headerValue'));
}

/** A header and its `{exact | prefix | regex: value}` (Argo Rollouts' and Flagger's form) as a route condition. */
function stringMatch(header: string, value: unknown): RouteCondition {
  const match = (['exact', 'prefix', 'regex'] as const).find((k) => get(value, k) !== undefined) ?? 'exact';
  return { header: header.toLowerCase(), match, value: asString(get(value, match)) ?? '' };
}

/** Argo Rollouts' `maxSurge` as a pod count: a number, or a percent of the replicas rounded up (default 25%). */
function resolveSurge(value: unknown, replicas: number): number {
  const n = asNumber(value);
  if (n !== undefined) return n;
  const percent = /^(\d+)%$/.exec(asString(value) ?? '25%');
  return percent ? Math.ceil((replicas * Number(percent[1])) / 100) : 0;
}

/** The weights a Canary's analysis walks: none with `iterations` (its A/B test or blue/green), else `stepWeights`, else `stepWeight` up to `maxWeight`. */
function canaryWeights(canary: K8sObject): WeightStep[] {
  const analysis = get(canary, 'spec', 'analysis');
  // Flagger runs an A/B test (match) or blue/green whenever iterations are set, before it looks at any weight.
  if (get(analysis, 'iterations') !== undefined) {
    // A/B testing (with match) or blue/green: the requests matched go to the new version, no others.
    const conditions = asArray(get(analysis, 'match')).map((m) => Object.entries(get(m, 'headers') ?? {}).map(([header, value]) => stringMatch(header, value)));
    const how = conditions.length ? `the A/B test (iterations ${get(analysis, 'iterations')}, match)` : `the blue/green analysis (iterations ${get(analysis, 'iterations')})`;
    // Istio and the Gateway API take the match as written (the Gateway API's regexes anchored, as a Gateway declares them); ingress-nginx's is rewritten (a cookie by its name).
    return [{ field: 'spec.analysis.iterations', share: Rational.ZERO, how, conditions: MATCH_AS_WRITTEN.includes(asString(get(canary, 'spec', 'provider')) ?? '') ? conditions : undefined }];
  }
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
