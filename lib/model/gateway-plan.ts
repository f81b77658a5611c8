import { Checks, isPlainObject, isWellFormed, orDefault } from './checks';
import { GatewayPhase } from './gateway-phase';
import { Limits } from './limits';
import { describeMatch, Match, ResolvedMatch } from './route-match';

/** A declared version of a Gateway, as the plan needs it. */
export interface PlanVersion {
  /** The version as written, e.g. `1.0.3`: value of the version label. */
  readonly version: string;
  /** The version as a DNS label, e.g. `1-0-3`: suffix of object names, Istio subset name. */
  readonly slug: string;
  /** Pods when a phase does not say otherwise. */
  readonly replicas: number;
}

/** A route taken by the requests that meet all its conditions. */
export interface PlannedRoute {
  /** All must hold for a request to take this route. */
  readonly conditions: readonly ResolvedMatch[];
  /** The version that receives the requests that match. */
  readonly version: string;
  /** Where the route was declared, for errors: `phases[3].when[0]`. */
  readonly field: string;
}

export interface PlannedWeight {
  /** A deployed version. */
  readonly version: string;
  /** Its share of the default route, relative to the other weights. */
  readonly weight: number;
  /** `phases[2].weights.1.1.0` */
  readonly field: string;
}

/** One resolved phase: what runs and how requests reach it. */
export interface GatewayPlanPhase {
  /** Folder of the phase: `dist/<release>/<name>/`. */
  readonly name: string;
  /** One line for people: versions deployed and how requests reach them. */
  readonly description: string;
  /** `phases[2]`, for errors. */
  readonly field: string;
  /** Versions with pods in this phase, in the order of `versions`. */
  readonly deployed: ReadonlyArray<{ readonly version: string; readonly slug: string; readonly replicas: number }>;
  /** Conditional routes, in order; the first match wins. */
  readonly routes: readonly PlannedRoute[];
  /** The default route, in the order of `versions`; weight 0 for deployed versions it does not reach. */
  readonly weights: readonly PlannedWeight[];
  /**
   * Versions that received requests in the phase before and receive none in this one,
   * in the order of `versions`: still deployed (the plan requires it), since routers may
   * send them requests for a moment after the phase is applied.
   */
  readonly draining: readonly string[];
}

export interface GatewayPlan {
  /** In the order a pipeline applies them. */
  readonly phases: readonly GatewayPlanPhase[];
  /** Pairs of phases a pipeline may apply one after the other: each next phase, and back to the previous one. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

/** Versions that receive requests in a phase, by weight or condition. */
export function routedVersions(phase: GatewayPlanPhase): Set<string> {
  return new Set([...phase.weights.filter((w) => w.weight > 0).map((w) => w.version), ...phase.routes.map((r) => r.version)]);
}

/**
 * Resolves and checks the phases of a Gateway: every route reaches a declared version,
 * weights are non-negative integers, names are unique, and between two phases a version
 * is deployed before it receives requests and drained before it is removed.
 */
export function planGateway(check: Checks, versions: readonly PlanVersion[], phases: readonly GatewayPhase[]): GatewayPlan {
  if (!Array.isArray(phases) || phases.length === 0) check.fail('phases', phases, 'at least one phase, e.g. [Release.to("1.0.0")]');
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  const declared = versions.map((v) => JSON.stringify(v.version)).join(', ');
  const known = (field: string, version: unknown): string => {
    if (typeof version !== 'string' || !byVersion.has(version)) {
      check.fail(field, version, `a version declared in versions (${declared}): a route can only reach a version the Gateway deploys`);
    }
    return version;
  };

  const planned: GatewayPlanPhase[] = [];
  const names = new Set<string>();
  phases.forEach((phase, i) => {
    const field = `phases[${i}]`;
    if (!(phase instanceof GatewayPhase)) check.fail(field, phase, 'a phase built with Release.to(version) or Release.split(weights)');

    const weights = resolveWeights(check, `${field}.weights`, phase.weights, known);
    const routes = phase.routes.map((r, j) => resolveRoute(check, `${field}.when[${j}]`, r.matches, r.version, known));
    const routed = new Set([...weights.filter((w) => w.weight > 0).map((w) => w.version), ...routes.map((r) => r.version)]);
    const dark = new Set(weights.filter((w) => w.weight === 0 && !routed.has(w.version)).map((w) => w.version));
    phase.dark.forEach((v, k) => {
      known(`${field}.dark[${k}]`, v);
      if (routed.has(v)) check.fail(`${field}.dark[${k}]`, v, 'a version that receives no request in this phase (this one is routed to already)');
      dark.add(v);
    });

    const deployedSet = new Set([...routed, ...dark]);
    const replicas = resolveReplicas(check, `${field}.replicas`, phase._replicasGiven, deployedSet);
    const deployed = versions.filter((v) => deployedSet.has(v.version)).map((v) => ({ version: v.version, slug: v.slug, replicas: replicas.get(v.version) ?? v.replicas }));
    const defaultWeights = versions
      .filter((v) => deployedSet.has(v.version))
      .map((v) => weights.find((w) => w.version === v.version) ?? { version: v.version, weight: 0, field: `${field}.weights` });

    const named = phase.name !== undefined;
    const name = orDefault(phase.name, defaultName(byVersion, defaultWeights, routes, dark));
    if (typeof name !== 'string' || name.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      check.fail(
        `${field}.name`,
        name,
        `a DNS-1123 label of at most 63 characters: lower-case letters, digits and '-', starting and ending with a letter or digit${named ? '' : ' (the name derived from the routes is not one: name the phase with .named("..."))'}`,
      );
    }
    if (names.has(name)) check.fail(`${field}.name`, name, 'a phase name not used by an earlier phase: name the phase with .named("...")');
    names.add(name);
    const description = orDefault(phase.description, describe(defaultWeights, routes, dark));
    if (typeof description !== 'string' || description.trim().length === 0 || /[\u0000-\u001f\u007f]/.test(description) || !isWellFormed(description)) {
      check.fail(`${field}.description`, description, 'a non-empty sentence on one line, without control characters');
    }
    const before = planned.length ? routedVersions(planned[planned.length - 1]) : new Set<string>();
    const draining = deployed.map((d) => d.version).filter((v) => before.has(v) && !routed.has(v));
    planned.push({ name, description, field, deployed, routes, weights: defaultWeights, draining });
  });

  const transitions: Array<readonly [string, string]> = [];
  planned.forEach((to, i) => {
    if (i === 0) return;
    const from = planned[i - 1];
    checkForward(check, from, to);
    transitions.push([from.name, to.name]);
  });
  // The rule is symmetric, so going back one phase (a rollback) is as safe as going forward.
  planned.slice(1).forEach((from, i) => transitions.push([from.name, planned[i].name]));
  return { phases: planned, transitions };
}

/** The pods of some versions in a phase: every `withReplicas` argument, later ones first. */
function resolveReplicas(check: Checks, field: string, given: readonly unknown[], deployed: Set<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const arg of given) {
    if (!isPlainObject(arg)) check.fail(field, arg, 'pods by version, e.g. .withReplicas({ "1.1.0": 3 })');
    for (const [v, n] of Object.entries(arg)) {
      if (n === undefined) {
        out.delete(v);
        continue;
      }
      if (!deployed.has(v)) check.fail(`${field}.${v}`, v, `a version this phase deploys (${[...deployed].map((d) => JSON.stringify(d)).join(', ')})`);
      out.set(v, check.integer(`${field}.${v}`, n, 1, Limits.MAX_REPLICAS));
    }
  }
  return out;
}

/** The routed pods of one transition that are ready all along: the pods of each routed version that both phases have. */
export interface GatewayTransitionFloor {
  /** The phase the transition starts from. */
  readonly from: string;
  /** The phase the transition applies. */
  readonly to: string;
  /** Fewest ready pods receiving requests while `to` is applied: new pods start unready. */
  readonly least: number;
}

/**
 * The fewest ready pods receiving requests in each transition. Routes switch as soon
 * as a phase is applied, while the pods a phase adds to a version start unready (a
 * version's pods never change template, so a scale-down takes effect at once and a
 * scale-up counts only the pods already there).
 */
export function gatewayTransitionFloors(plan: GatewayPlan): GatewayTransitionFloor[] {
  const byName = new Map(plan.phases.map((p) => [p.name, p]));
  return plan.transitions.map(([fromName, toName]) => {
    const from = byName.get(fromName)!;
    const to = byName.get(toName)!;
    const routed = routedVersions(to);
    const pods = (p: GatewayPlanPhase, v: string) => p.deployed.find((d) => d.version === v)?.replicas ?? 0;
    const least = [...routed].reduce((n, v) => n + Math.min(pods(from, v), pods(to, v)), 0);
    return { from: fromName, to: toName, least };
  });
}

function resolveWeights(check: Checks, field: string, weights: unknown, known: (f: string, v: unknown) => string): PlannedWeight[] {
  if (!isPlainObject(weights) || Object.keys(weights).length === 0) {
    check.fail(field, weights, 'weights by version, e.g. { "1.0.3": 50, "1.1.0": 50 }');
  }
  const out = Object.entries(weights as { [v: string]: unknown }).map(([version, weight]) => {
    known(`${field}.${version}`, version);
    return { version, weight: check.integer(`${field}.${version}`, weight, 0), field: `${field}.${version}` };
  });
  if (out.every((w) => w.weight === 0)) {
    check.fail(field, weights, 'weights with a positive sum: some version must receive the requests that no condition takes');
  }
  return out;
}

function resolveRoute(check: Checks, field: string, matches: readonly Match[], version: string, known: (f: string, v: unknown) => string): PlannedRoute {
  known(`${field}.version`, version);
  if (!Array.isArray(matches) || matches.length === 0) check.fail(`${field}.conditions`, matches, 'at least one condition, e.g. Match.header("accept", "application/json")');
  const conditions = matches.map((m, k) => {
    if (!(m instanceof Match)) check.fail(`${field}.conditions[${k}]`, m, 'a condition built with Match.header, Match.cookieRegex, Match.userAgentRegex...');
    return m._resolve(check, `${field}.conditions[${k}]`);
  });
  // Istio keys conditions by header and the Gateway API keeps only the first of a name.
  check.unique(`${field}.conditions headers`, conditions.map((c) => c.header));
  return { conditions, version, field };
}

/**
 * A pipeline applies a phase, waits for its rollouts, then prunes what the phase no
 * longer has. A version must therefore run (dark) one phase before it receives requests,
 * since the routes change at once while new pods take time to be ready; and it must stay
 * one phase after its last requests, since routers pick up a change with some delay.
 */
function checkForward(check: Checks, from: GatewayPlanPhase, to: GatewayPlanPhase): void {
  const before = new Set(from.deployed.map((d) => d.version));
  const after = new Set(to.deployed.map((d) => d.version));
  const fix = (v: string) => `deploy it dark in "${from.name}" first (.withDark(${JSON.stringify(v)}))`;
  for (const w of to.weights) {
    if (w.weight > 0 && !before.has(w.version)) {
      check.fail(w.field, w.version, `a version that the phase before ("${from.name}") already deploys, so that its pods are ready before requests reach them: ${fix(w.version)}`);
    }
  }
  for (const r of to.routes) {
    if (!before.has(r.version)) {
      check.fail(r.field, r.version, `a version that the phase before ("${from.name}") already deploys, so that its pods are ready before requests reach them: ${fix(r.version)}`);
    }
  }
  for (const v of routedVersions(from)) {
    if (!after.has(v)) {
      check.fail(to.field, v, `a phase that keeps ${JSON.stringify(v)} deployed, since "${from.name}" sends it requests: remove it one phase later, keeping it here with .withDark(${JSON.stringify(v)})`);
    }
  }
}

function defaultName(byVersion: Map<string, PlanVersion>, weights: readonly PlannedWeight[], routes: readonly PlannedRoute[], dark: Set<string>): string {
  const slug = (v: string) => byVersion.get(v)!.slug;
  const released = weights.filter((w) => w.weight > 0);
  let name = released.length === 1 ? slug(released[0].version) : `split-${released.map((w) => w.weight).join('-')}`;
  if (routes.length) name += `-when-${[...new Set(routes.map((r) => slug(r.version)))].join('-')}`;
  if (dark.size) name += `-dark-${[...dark].map(slug).join('-')}`;
  return name;
}

function describe(weights: readonly PlannedWeight[], routes: readonly PlannedRoute[], dark: Set<string>): string {
  const total = weights.reduce((n, w) => n + w.weight, 0);
  const released = weights.filter((w) => w.weight > 0);
  const share = (w: PlannedWeight) => (total === 100 ? `${w.weight}%` : `${w.weight}/${total}`);
  const rest = released.length === 1 ? `go to ${released[0].version}` : `are split ${released.map((w) => `${w.version} ${share(w)}`).join(', ')}`;
  const parts = routes.map((r) => `requests with ${r.conditions.map(describeMatch).join(' and ')} go to ${r.version}`);
  parts.push(`${routes.length ? 'the other requests' : released.length === 1 ? 'all requests' : 'requests'} ${rest}`);
  if (dark.size) parts.push(`${[...dark].join(', ')} deployed without requests`);
  return parts.join('; ');
}
