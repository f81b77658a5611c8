import { RouteCondition } from '../../model/release';
import { asArray, asLabels, asNumber, asString, get, isRecord, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { Rational } from './rational';
import { AddressRouting, ComputedRoute, Destination, RoutingProblem, sharesFromWeights } from './route-model';

/**
 * Istio VirtualService semantics (networking.istio.io, v1alpha3 to v1): `spec.http`
 * routes are tried in order and the first whose `match` holds takes the request (the
 * entries of `match` are alternatives, the fields inside one entry must all hold).
 * A lone destination receives everything; otherwise each receives weight / sum of
 * weights (a missing weight counts 0). A `subset` narrows the host's pods to the
 * labels the DestinationRule of that host gives the subset.
 */
export function istioRouting(index: PhaseIndex, vs: K8sObject): AddressRouting {
  const ns = index.namespaceOf(vs);
  const problems: RoutingProblem[] = [];
  const routes: ComputedRoute[] = [];
  asArray(get(vs, 'spec', 'http')).forEach((http, i) => {
    const field = `spec.http[${i}]`;
    if (get(http, 'delegate') !== undefined) {
      problems.push({ field: `${field}.delegate`, message: 'delegated routes are not followed: their traffic cannot be verified' });
      return;
    }
    const entries = asArray(get(http, 'route'));
    let destinations: ComputedRoute['destinations'] = [];
    if (entries.length) {
      const weights = entries.map((e) => asNumber(get(e, 'weight')) ?? 0);
      const shares = entries.length === 1 ? [Rational.ONE] : sharesFromWeights(weights);
      if (!shares) {
        problems.push({ field: `${field}.route`, message: 'every destination has weight 0, so the route sends requests nowhere' });
      } else {
        destinations = entries.map((e, j) => ({ destination: istioDestination(index, vs, ns, get(e, 'destination'), `${field}.route[${j}].destination`), share: shares[j] }));
      }
    }
    const matches = asArray(get(http, 'match'));
    if (!matches.length) routes.push({ field, conditions: [], destinations });
    matches.forEach((m, k) => routes.push({ field: `${field}.match[${k}]`, conditions: istioConditions(m), destinations }));
  });
  return { address: vs, tables: [{ label: '', routes }], problems };
}

function istioDestination(index: PhaseIndex, vs: K8sObject, ns: string, raw: unknown, field: string): Destination {
  const host = asString(get(raw, 'host')) ?? '';
  const service = index.serviceForHost(host, ns);
  const port = asNumber(get(raw, 'port', 'number'));
  const subsetName = asString(get(raw, 'subset'));
  const base = { router: vs, field, service, serviceName: host, namespace: service ? index.namespaceOf(service) : ns, port };
  if (!subsetName) return base;
  for (const rule of index.ofKind('DestinationRule', 'networking.istio.io')) {
    const ruleHost = asString(get(rule, 'spec', 'host')) ?? '';
    const sameHost = service ? index.serviceForHost(ruleHost, index.namespaceOf(rule)) === service : ruleHost === host;
    if (!sameHost) continue;
    const subset = asArray(get(rule, 'spec', 'subsets')).find((s) => get(s, 'name') === subsetName);
    if (subset) return { ...base, subset: { name: subsetName, labels: asLabels(get(subset, 'labels')), rule } };
  }
  return { ...base, subset: { name: subsetName } };
}

/** The conditions of one `match` entry, as header conditions (pseudo-headers for the URI, method...). */
export function istioConditions(match: unknown): RouteCondition[] {
  if (!isRecord(match)) return [];
  const out: RouteCondition[] = [];
  const stringMatch = (header: string, m: unknown) => {
    for (const kind of ['exact', 'prefix', 'regex'] as const) {
      const value = get(m, kind);
      if (typeof value === 'string') out.push({ header, match: kind, value });
    }
  };
  for (const [key, value] of Object.entries(match)) {
    if (key === 'headers' && isRecord(value)) for (const [h, m] of Object.entries(value)) stringMatch(h.toLowerCase(), m);
    else if (key === 'uri') {
      if (!(get(value, 'prefix') === '/' && Object.keys(value as object).length === 1)) stringMatch(':path', value);
    } else if (key === 'method' || key === 'authority' || key === 'scheme') stringMatch(`:${key}`, value);
    else if (key === 'queryParams' && isRecord(value)) for (const [q, m] of Object.entries(value)) stringMatch(`?${q}`, m);
    else if (key === 'withoutHeaders' && isRecord(value)) for (const [h, m] of Object.entries(value)) stringMatch(`!${h.toLowerCase()}`, m);
    else if (key !== 'name') out.push({ header: `@${key}`, match: 'exact', value: JSON.stringify(value) });
  }
  return out;
}
