import { DeclaredRoute, RouteCondition } from '../../lib';
import { Doc, selects } from './manifests';

/**
 * An independent reading of a Gateway phase's manifests: who routes where, found by
 * following names, selectors and labels the way the cluster would. Used to check the
 * wiring and that release.json declares exactly what the manifests do.
 */

const VERSION = 'app.kubernetes.io/version';

const of = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);
const named = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

/** Deployments whose pods carry every label of the selector. */
function podsOf(docs: Doc[], selector: Record<string, string>): Doc[] {
  return of(docs, 'Deployment').filter((d) => selects(selector, d.spec.template.metadata.labels));
}

/** The version of the pods a selector reaches: exactly one, or a problem. */
function versionOf(docs: Doc[], selector: Record<string, string>, what: string, problems: string[]): string {
  const pods = podsOf(docs, selector);
  const versions = [...new Set(pods.map((d) => d.spec.template.metadata.labels[VERSION]))];
  if (versions.length !== 1) problems.push(`${what} reaches the pods of ${versions.length} versions (${versions.join(', ')}), not one`);
  return versions[0];
}

function servicePort(docs: Doc[], serviceName: string, port: number, what: string, problems: string[]): Doc | undefined {
  const service = named(docs, 'Service', serviceName);
  if (!service) {
    problems.push(`${what} names Service ${serviceName}, which this phase does not have`);
    return undefined;
  }
  if (!service.spec.ports.some((p: any) => p.port === port)) problems.push(`${what} uses port ${port}, which Service ${serviceName} does not expose`);
  return service;
}

/** Everything that would not work in the phase: dangling names, selectors that select nothing, bad weights. */
export function wiringProblems(docs: Doc[]): string[] {
  const problems: string[] = [];
  for (const d of of(docs, 'Deployment')) {
    if (!selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) problems.push(`Deployment ${d.metadata.name}: its selector does not select its own pods`);
    const others = of(docs, 'Deployment').filter((o) => o !== d && selects(d.spec.selector.matchLabels, o.spec.template.metadata.labels));
    if (others.length) problems.push(`Deployment ${d.metadata.name}: its selector also selects the pods of ${others.map((o) => o.metadata.name).join(', ')}`);
  }
  for (const s of of(docs, 'Service')) {
    const pods = podsOf(docs, s.spec.selector);
    if (!pods.length) problems.push(`Service ${s.metadata.name} selects no pods`);
    for (const p of s.spec.ports) {
      for (const d of pods) {
        if (!d.spec.template.spec.containers.some((c: any) => c.ports?.some((cp: any) => cp.name === p.targetPort))) {
          problems.push(`Service ${s.metadata.name}: pods of ${d.metadata.name} have no port named ${p.targetPort}`);
        }
      }
    }
  }
  realise(docs, problems);
  return problems;
}

/** The routes the manifests realise, in order; backends sorted by version. Problems are collected on the way. */
export function realisedRoutes(docs: Doc[]): DeclaredRoute[] {
  const problems: string[] = [];
  const routes = realise(docs, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  return routes;
}

function realise(docs: Doc[], problems: string[]): DeclaredRoute[] {
  const vs = of(docs, 'VirtualService')[0];
  if (vs) return istio(docs, vs, problems);
  const route = of(docs, 'HTTPRoute')[0];
  if (route) return gatewayApi(docs, route, problems);
  if (of(docs, 'Ingress').length) return nginx(docs, problems);
  const service = of(docs, 'Service')[0];
  return [{ conditions: [], backends: sorted(podsOf(docs, service.spec.selector).map((d) => ({ version: d.spec.template.metadata.labels[VERSION], weight: d.spec.replicas }))) }];
}

function istio(docs: Doc[], vs: Doc, problems: string[]): DeclaredRoute[] {
  const dr = of(docs, 'DestinationRule')[0];
  const service = of(docs, 'Service').find((s) => dr && `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local` === dr.spec.host || s.metadata.name === dr?.spec.host);
  if (!dr || !service) {
    problems.push('VirtualService without a DestinationRule and a Service for its host');
    return [];
  }
  for (const g of vs.spec.gateways ?? []) if (!named(docs, 'Gateway', g)) problems.push(`VirtualService ${vs.metadata.name} is bound to Gateway ${g}, which this phase does not have`);
  return vs.spec.http.map((h: any, i: number) => {
    const what = `VirtualService ${vs.metadata.name} http[${i}]`;
    const dests = h.route.map((r: any) => {
      const d = r.destination;
      if (d.host !== dr.spec.host) problems.push(`${what}: host ${d.host} is not the DestinationRule's ${dr.spec.host}`);
      const subset = dr.spec.subsets.find((s: any) => s.name === d.subset);
      if (!subset) problems.push(`${what}: subset ${d.subset} is not in DestinationRule ${dr.metadata.name}`);
      if (d.port) servicePort(docs, service.metadata.name, d.port.number, what, problems);
      const version = versionOf(docs, { ...service.spec.selector, ...subset?.labels }, `${what} subset ${d.subset}`, problems);
      return { version, weight: r.weight ?? 100 };
    });
    if (dests.length > 1 && dests.reduce((n: number, d: any) => n + d.weight, 0) !== 100) problems.push(`${what}: weights do not sum to 100`);
    const headers = h.match?.[0]?.headers ?? {};
    const conditions: RouteCondition[] = Object.entries(headers).map(([header, m]: [string, any]) => {
      const [match, value] = Object.entries(m)[0] as [RouteCondition['match'], string];
      return { header, match, value };
    });
    return { conditions: byHeader(conditions), backends: sorted(dests) };
  });
}

function gatewayApi(docs: Doc[], route: Doc, problems: string[]): DeclaredRoute[] {
  return route.spec.rules.map((rule: any, i: number) => {
    const what = `HTTPRoute ${route.metadata.name} rules[${i}]`;
    const backends = rule.backendRefs.map((b: any) => {
      const service = servicePort(docs, b.name, b.port, what, problems);
      const version = service ? versionOf(docs, service.spec.selector, `${what} ${b.name}`, problems) : '?';
      return { version, weight: rule.backendRefs.length === 1 ? 100 : b.weight ?? 1 };
    });
    const conditions: RouteCondition[] = (rule.matches?.[0]?.headers ?? []).map((h: any) => ({
      header: h.name,
      match: h.type === 'RegularExpression' ? 'regex' : 'exact',
      value: h.value,
    }));
    return { conditions: byHeader(conditions), backends: sorted(backends) };
  });
}

function nginx(docs: Doc[], problems: string[]): DeclaredRoute[] {
  const ingresses = of(docs, 'Ingress');
  const a = (d: Doc, k: string) => d.metadata.annotations?.[`nginx.ingress.kubernetes.io/${k}`];
  const primary = ingresses.filter((d) => a(d, 'canary') !== 'true');
  const canary = ingresses.filter((d) => a(d, 'canary') === 'true');
  if (primary.length !== 1 || canary.length > 1) {
    problems.push(`${primary.length} primary and ${canary.length} canary Ingresses, expected 1 and at most 1`);
    return [];
  }
  const versionBehind = (d: Doc) => {
    const path = d.spec.rules[0].http.paths[0];
    const b = path.backend.service;
    const service = servicePort(docs, b.name, b.port.number, `Ingress ${d.metadata.name}`, problems);
    return service ? versionOf(docs, service.spec.selector, `Ingress ${d.metadata.name}`, problems) : '?';
  };
  const p = versionBehind(primary[0]);
  if (!canary.length) return [{ conditions: [], backends: [{ version: p, weight: 100 }] }];
  const c = canary[0];
  if (JSON.stringify(c.spec.rules.map((r: any) => [r.host, r.http.paths.map((x: any) => x.path)])) !== JSON.stringify(primary[0].spec.rules.map((r: any) => [r.host, r.http.paths.map((x: any) => x.path)]))) {
    problems.push('the canary Ingress does not have the host and path of the primary one');
  }
  const cv = versionBehind(c);
  const weight = Number(a(c, 'canary-weight') ?? 0);
  const routes: DeclaredRoute[] = [];
  const header = a(c, 'canary-by-header');
  if (header) {
    const value = a(c, 'canary-by-header-value');
    const condition: RouteCondition = value !== undefined ? { header, match: 'exact', value } : { header, match: 'regex', value: a(c, 'canary-by-header-pattern') ?? '' };
    routes.push({ conditions: [condition], backends: [{ version: cv, weight: 100 }] });
  }
  const cookie = a(c, 'canary-by-cookie');
  if (cookie) {
    // `always` goes to the canary, `never` to the primary whatever the weight.
    const cookieIs = (v: string): RouteCondition => ({ header: 'cookie', match: 'regex', value: `(.*;\\s*)?${cookie.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=${v}(;.*)?` });
    routes.push({ conditions: [cookieIs('always')], backends: [{ version: cv, weight: 100 }] });
    routes.push({ conditions: [cookieIs('never')], backends: [{ version: p, weight: 100 }] });
  }
  routes.push({ conditions: [], backends: sorted([{ version: p, weight: 100 - weight }, { version: cv, weight }].filter((b) => b.weight > 0)) });
  return routes;
}

function sorted<T extends { version: string }>(backends: T[]): T[] {
  return [...backends].sort((x, y) => (x.version < y.version ? -1 : x.version > y.version ? 1 : 0));
}

/** Declared routes with backends sorted by version and conditions (which all must hold) by header, as realisedRoutes gives them. */
export function normalised(routes: readonly DeclaredRoute[]): DeclaredRoute[] {
  return routes.map((r) => ({ conditions: byHeader(r.conditions), backends: sorted([...r.backends]) }));
}

function byHeader(conditions: readonly RouteCondition[]): RouteCondition[] {
  return [...conditions].sort((x, y) => (x.header < y.header ? -1 : x.header > y.header ? 1 : 0));
}
