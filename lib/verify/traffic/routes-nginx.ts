import { cookieRegex } from '../../model/route-match';
import { annotationsOf, asArray, asNumber, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { Rational } from './rational';
import { AddressRouting, ComputedRoute, Destination, isNginxCanary, RouteTable, RoutingProblem } from './route-model';

const PREFIX = 'nginx.ingress.kubernetes.io/';

/**
 * ingress-nginx canary semantics: a second Ingress for the same host and path,
 * annotated `canary: "true"`, takes requests by these rules, in this order:
 * `canary-by-header` (with `canary-by-header-value` or `-pattern`: a matching
 * value goes to the canary; without: `always` goes to the canary and `never` to
 * the main Ingress), then `canary-by-cookie` (`always` / `never`), then
 * `canary-weight` out of `canary-weight-total` (default 100) for everything else.
 * One table per host and path of the main Ingress.
 */
export function nginxRouting(index: PhaseIndex, ingress: K8sObject): AddressRouting {
  const ns = index.namespaceOf(ingress);
  const problems: RoutingProblem[] = [];
  const canaries = index.ofKind('Ingress', 'networking.k8s.io').filter((o) => isNginxCanary(o) && index.namespaceOf(o) === ns);
  const tables: RouteTable[] = [];
  for (const entry of ingressPaths(ingress)) {
    const main = ingressDestination(index, ingress, ns, entry.backend, entry.field);
    const canaryIngress = canaries.find((c) => ingressPaths(c).some((p) => p.host === entry.host && p.path === entry.path));
    const label = `${entry.host || '*'}${entry.path}`;
    if (!canaryIngress) {
      tables.push({ label, routes: [{ field: entry.field, conditions: [], destinations: [{ destination: main, share: Rational.ONE }] }] });
      continue;
    }
    const canaryEntry = ingressPaths(canaryIngress).find((p) => p.host === entry.host && p.path === entry.path)!;
    const canary = ingressDestination(index, canaryIngress, ns, canaryEntry.backend, canaryEntry.field);
    const a = annotationsOf(canaryIngress);
    const at = (key: string) => `metadata.annotations["${PREFIX}${key}"]`;
    const to = (d: Destination) => [{ destination: d, share: Rational.ONE }];
    const routes: ComputedRoute[] = [];
    const header = a[`${PREFIX}canary-by-header`];
    if (header) {
      const h = header.toLowerCase();
      const value = a[`${PREFIX}canary-by-header-value`];
      const pattern = a[`${PREFIX}canary-by-header-pattern`];
      if (value) routes.push({ source: canaryIngress, field: at('canary-by-header-value'), conditions: [{ header: h, match: 'exact', value }], destinations: to(canary) });
      else if (pattern) routes.push({ source: canaryIngress, field: at('canary-by-header-pattern'), conditions: [{ header: h, match: 'regex', value: pattern }], destinations: to(canary) });
      else {
        routes.push({ source: canaryIngress, field: at('canary-by-header'), conditions: [{ header: h, match: 'exact', value: 'always' }], destinations: to(canary) });
        routes.push({ source: canaryIngress, field: at('canary-by-header'), conditions: [{ header: h, match: 'exact', value: 'never' }], destinations: to(main) });
      }
    }
    const cookie = a[`${PREFIX}canary-by-cookie`];
    if (cookie) {
      // The cookie anywhere in the Cookie header, as a regular expression on the whole value.
      const cookieIs = (v: string) => ({ header: 'cookie', match: 'regex' as const, value: cookieRegex(cookie, v) });
      routes.push({ source: canaryIngress, field: at('canary-by-cookie'), conditions: [cookieIs('always')], destinations: to(canary) });
      routes.push({ source: canaryIngress, field: at('canary-by-cookie'), conditions: [cookieIs('never')], destinations: to(main) });
    }
    const problem = (field: string, message: string) => problems.push({ object: canaryIngress, field, message });
    const weight = intAnnotation(a, 'canary-weight', 0, at, problem);
    const total = intAnnotation(a, 'canary-weight-total', 100, at, problem);
    const w = Math.max(0, Math.min(weight, total));
    const destinations = total > 0 ? [{ destination: main, share: Rational.of(total - w, total) }, { destination: canary, share: Rational.of(w, total) }].filter((d) => !d.share.isZero()) : to(main);
    routes.push({ source: canaryIngress, field: at('canary-weight'), conditions: [], destinations });
    tables.push({ label, routes });
  }
  return { address: ingress, tables, problems };
}

interface IngressPath {
  readonly host: string;
  readonly path: string;
  readonly backend: unknown;
  readonly field: string;
}

function ingressPaths(ingress: K8sObject): IngressPath[] {
  const out: IngressPath[] = [];
  asArray(get(ingress, 'spec', 'rules')).forEach((rule, i) => {
    const host = asString(get(rule, 'host')) ?? '';
    asArray(get(rule, 'http', 'paths')).forEach((p, j) => {
      out.push({ host, path: asString(get(p, 'path')) ?? '/', backend: get(p, 'backend'), field: `spec.rules[${i}].http.paths[${j}].backend` });
    });
  });
  const fallback = get(ingress, 'spec', 'defaultBackend');
  if (fallback !== undefined) out.push({ host: '', path: '(default)', backend: fallback, field: 'spec.defaultBackend' });
  return out;
}

function ingressDestination(index: PhaseIndex, ingress: K8sObject, ns: string, backend: unknown, field: string): Destination {
  const name = asString(get(backend, 'service', 'name'));
  if (!name) return { router: ingress, field, serviceName: '', namespace: ns, unsupported: 'resource backend' };
  const port = asNumber(get(backend, 'service', 'port', 'number')) ?? asString(get(backend, 'service', 'port', 'name'));
  return { router: ingress, field: `${field}.service`, service: index.find('Service', name, ns, ''), serviceName: name, namespace: ns, port };
}

function intAnnotation(a: { [k: string]: string }, key: string, fallback: number, at: (k: string) => string, problem: (field: string, message: string) => void): number {
  const raw = a[`${PREFIX}${key}`];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    problem(at(key), `${JSON.stringify(raw)} is not a whole number`);
    return fallback;
  }
  return Number(raw);
}
