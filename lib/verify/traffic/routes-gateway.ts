import { RouteCondition } from '../../model/release';
import { asArray, asNumber, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { AddressRouting, ComputedRoute, Destination, RoutingProblem, sharesFromWeights } from './route-model';

/**
 * Gateway API HTTPRoute semantics (gateway.networking.k8s.io/v1): every match of
 * every rule competes, ordered by precedence — exact path, then the longest path
 * prefix, then a method match, then the most header matches, then the most query
 * parameter matches, then rule order. A rule without matches matches the path
 * prefix `/`. Each backendRef receives weight / sum of the rule's weights (weight
 * defaults to 1, 0 sends nothing); a rule whose weights are all 0 answers 500.
 */
export function gatewayRouting(index: PhaseIndex, route: K8sObject): AddressRouting {
  const ns = index.namespaceOf(route);
  const problems: RoutingProblem[] = [];
  const candidates: Array<ComputedRoute & { rank: number[] }> = [];
  asArray(get(route, 'spec', 'rules')).forEach((rule, i) => {
    const field = `spec.rules[${i}]`;
    const refs = asArray(get(rule, 'backendRefs'));
    let destinations: ComputedRoute['destinations'] = [];
    if (refs.length) {
      const shares = sharesFromWeights(refs.map((r) => asNumber(get(r, 'weight')) ?? 1));
      if (!shares) problems.push({ field: `${field}.backendRefs`, message: 'every backendRef has weight 0, so the rule answers 500 to every request' });
      else destinations = refs.map((r, j) => ({ destination: gatewayDestination(index, route, ns, r, `${field}.backendRefs[${j}]`), share: shares[j] }));
    }
    const matches = asArray(get(rule, 'matches'));
    const list = matches.length ? matches : [{}];
    list.forEach((m, k) => {
      const { conditions, rank } = gatewayConditions(m);
      candidates.push({ field: matches.length ? `${field}.matches[${k}]` : field, conditions, destinations, rank: [...rank, candidates.length] });
    });
  });
  candidates.sort((a, b) => compareRanks(a.rank, b.rank));
  return { address: route, tables: [{ label: '', routes: candidates.map(({ rank: _rank, ...r }) => r) }], problems };
}

function gatewayDestination(index: PhaseIndex, route: K8sObject, ns: string, ref: unknown, field: string): Destination {
  const group = asString(get(ref, 'group')) ?? '';
  const kind = asString(get(ref, 'kind')) ?? 'Service';
  const name = asString(get(ref, 'name')) ?? '';
  const namespace = asString(get(ref, 'namespace')) ?? ns;
  const port = asNumber(get(ref, 'port'));
  if (group !== '' || kind !== 'Service') return { router: route, field, serviceName: name, namespace, port, unsupported: `${group ? `${group}/` : ''}${kind}` };
  return { router: route, field, service: index.find('Service', name, namespace, ''), serviceName: name, namespace, port };
}

/**
 * The conditions of one HTTPRouteMatch and its precedence key (smaller sorts first).
 * Header names are case-insensitive and compared in lower case.
 */
function gatewayConditions(m: unknown): { conditions: RouteCondition[]; rank: number[] } {
  const conditions: RouteCondition[] = [];
  const pathType = asString(get(m, 'path', 'type')) ?? 'PathPrefix';
  const pathValue = asString(get(m, 'path', 'value')) ?? '/';
  if (pathType === 'Exact') conditions.push({ header: ':path', match: 'exact', value: pathValue });
  else if (pathType === 'RegularExpression') conditions.push({ header: ':path', match: 'regex', value: pathValue });
  else if (pathValue !== '/') conditions.push({ header: ':path', match: 'prefix', value: pathValue });
  const method = asString(get(m, 'method'));
  if (method) conditions.push({ header: ':method', match: 'exact', value: method });
  const headers = asArray(get(m, 'headers'));
  for (const h of headers) {
    const type = asString(get(h, 'type')) === 'RegularExpression' ? 'regex' : 'exact';
    conditions.push({ header: (asString(get(h, 'name')) ?? '').toLowerCase(), match: type, value: asString(get(h, 'value')) ?? '' });
  }
  const query = asArray(get(m, 'queryParams'));
  for (const q of query) {
    const type = asString(get(q, 'type')) === 'RegularExpression' ? 'regex' : 'exact';
    conditions.push({ header: `?${asString(get(q, 'name')) ?? ''}`, match: type, value: asString(get(q, 'value')) ?? '' });
  }
  const rank = [pathType === 'Exact' ? 0 : 1, pathType === 'PathPrefix' ? -pathValue.length : 0, method ? 0 : 1, -headers.length, -query.length];
  return { conditions, rank };
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
