import { DeclaredPhase, DeclaredRoute, RouteCondition, TrafficProvider } from '../../model/release';
import { Finding, FindingSink } from '../finding';
import { K8sObject, objectRef } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { Rational } from './rational';
import { ComputedRoute, findAddress, routersOf, routingOf, versionShares } from './routes';

/** A route reduced to what a person (and the declaration) cares about: conditions and shares by version. */
export interface RouteShares {
  /** The object holding the route, when it is not the address itself. */
  readonly source?: K8sObject;
  readonly field: string;
  readonly conditions: readonly RouteCondition[];
  /** Version → share of this route's requests; zero shares are left out. */
  readonly shares: ReadonlyMap<string, Rational>;
}

/**
 * The effective routes of a router's table: conditions sorted, shares by version,
 * and nothing after the first route without conditions (it takes every request left).
 */
export function effectiveRoutes(index: PhaseIndex, routes: readonly ComputedRoute[]): RouteShares[] {
  const out: RouteShares[] = [];
  for (const r of routes) {
    out.push({ source: r.source, field: r.field, conditions: sortConditions(r.conditions), shares: versionShares(index, r) });
    if (r.conditions.length === 0) break;
  }
  return out;
}

/** The declared routes in the same form: weight / sum of the route's weights, per version. */
export function declaredRoutes(routes: readonly DeclaredRoute[]): RouteShares[] {
  return routes.map((r, i) => {
    const total = r.backends.reduce((n, b) => n + b.weight, 0);
    const shares = new Map<string, Rational>();
    for (const b of r.backends) {
      if (b.weight <= 0 || total <= 0) continue;
      shares.set(b.version, (shares.get(b.version) ?? Rational.ZERO).plus(Rational.of(b.weight, total)));
    }
    return { field: `routes[${i}]`, conditions: sortConditions(r.conditions), shares };
  });
}

/**
 * Traffic: per phase and declared address, the share of requests each version
 * receives — computed from the manifests with the provider's semantics (replica
 * ratio behind a Service, weights of Istio, Gateway API or ingress-nginx, routes
 * with conditions first) — equals the declared share exactly. Router problems
 * (every weight 0, delegation) are reported for every router, declared or not.
 */
export function checkTraffic(release: string, index: PhaseIndex, declared: DeclaredPhase | undefined, provider?: TrafficProvider): Finding[] {
  const sink = new FindingSink(release, 'traffic');
  for (const router of routersOf(index)) {
    for (const p of routingOf(index, router).problems) sink.add(index.name, objectRef(p.object ?? router), p.field, p.message);
  }
  for (const a of declared?.addresses ?? []) {
    const address = findAddress(index, a.name, provider);
    if (!address) {
      sink.add(index.name, `${addressKind(provider)}/${a.name}`, '', `declared as an address of this phase, but the phase has no ${addressKind(provider)} of that name`);
      continue;
    }
    const want = declaredRoutes(a.routes);
    for (const table of routingOf(index, address).tables) {
      const got = effectiveRoutes(index, table.routes);
      const where = table.label ? `${table.label}: ` : '';
      const n = Math.max(got.length, want.length);
      for (let i = 0; i < n; i++) {
        const g = got[i];
        const w = want[i];
        const at = g ?? got[got.length - 1];
        const field = at?.field ?? '';
        const object = objectRef(at?.source ?? address);
        if (!g) {
          sink.add(index.name, object, field, `${where}has no route ${i + 1}; declared ${describeRoute(w)}`);
        } else if (!w) {
          sink.add(index.name, object, field, `${where}route ${i + 1} (${describeRoute(g)}) is not declared`);
        } else if (!sameConditions(g.conditions, w.conditions)) {
          sink.add(index.name, object, field, `${where}route ${i + 1} applies ${describeConditions(g.conditions)}; declared ${describeConditions(w.conditions)}`);
        } else if (!sameShares(g.shares, w.shares)) {
          sink.add(index.name, object, field, `${where}${describeConditions(g.conditions)} sends ${describeShares(g.shares)}; declared ${describeShares(w.shares)}`);
        }
      }
    }
  }
  return sink.findings;
}

function addressKind(provider?: TrafficProvider): string {
  return { service: 'Service', istio: 'VirtualService', 'gateway-api': 'HTTPRoute', nginx: 'Ingress' }[provider ?? 'service'];
}

export function sortConditions(conditions: readonly RouteCondition[]): RouteCondition[] {
  const key = (c: RouteCondition) => `${c.header}\u0000${c.match}\u0000${c.value}`;
  return [...conditions].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function sameConditions(a: readonly RouteCondition[], b: readonly RouteCondition[]): boolean {
  return a.length === b.length && a.every((c, i) => c.header === b[i].header && c.match === b[i].match && c.value === b[i].value);
}

function sameShares(a: ReadonlyMap<string, Rational>, b: ReadonlyMap<string, Rational>): boolean {
  return a.size === b.size && [...a].every(([v, s]) => b.get(v)?.equals(s) === true);
}

/** `requests with cookie ~ ".*logged_in.*"`, `all other requests`. */
export function describeConditions(conditions: readonly RouteCondition[]): string {
  if (!conditions.length) return 'every other request';
  const op = { exact: '=', prefix: '^=', regex: '~' } as const;
  return `requests with ${conditions.map((c) => `${c.header} ${op[c.match] ?? c.match} ${JSON.stringify(c.value)}`).join(' and ')}`;
}

/** `2/3 (66.7%) to 1.0.0 and 1/3 (33.3%) to 1.1.0`. */
export function describeShares(shares: ReadonlyMap<string, Rational>): string {
  if (!shares.size) return 'nothing anywhere';
  return orderedShares(shares)
    .map(([v, s]) => (s.equals(Rational.ONE) ? `everything to ${v}` : `${s} (${s.toPercent()}) to ${v}`))
    .join(' and ');
}

export function orderedShares(shares: ReadonlyMap<string, Rational>): Array<[string, Rational]> {
  return [...shares].sort((a, b) => b[1].toNumber() - a[1].toNumber() || (a[0] < b[0] ? -1 : 1));
}

function describeRoute(r: RouteShares): string {
  return `${describeConditions(r.conditions)}: ${describeShares(r.shares)}`;
}
