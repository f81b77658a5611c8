import * as fc from 'fast-check';
import {
  ContainerOptions,
  EnvValue,
  Gateway,
  GatewayPhase,
  GatewayProps,
  GatewayVersionOptions,
  IstioApiVersion,
  Match,
  Probe,
  Release,
  RollingUpdateOptions,
  ServiceType,
  Traffic,
} from '../../../lib';
import { Case, ConstructSpec, InvalidClass, invalid } from '../support/spec';
import { Construct } from 'constructs';
import { containerOptionClasses, containerOptions } from './container-options';
import { gateInvalids, withValidGates } from './gates';
import { any, dns1035Label, dnsLabel, dnsSubdomain, dropUndefined, labelKey, labelValue, MAYBE_SECRET, pinnedImage, some, without } from './primitives';

/**
 * Valid Gateway inputs for every provider: a plain Service, Istio (v1 and v1beta1, with
 * or without an ingress gateway), the Gateway API and ingress-nginx; phases that split
 * by weight, deploy versions dark and route by request conditions, each one a step a
 * pipeline can take from the one before.
 */

export type ProviderKind = 'service' | 'istio' | 'gateway-api' | 'nginx';

/** One phase as generated: what it routes, by weight and by condition, and what runs dark. */
export interface PhaseSpec {
  /** Versions of the default route with their weights (> 0). */
  readonly weights: ReadonlyMap<string, number>;
  /** Deployed versions with no request. */
  readonly dark: readonly string[];
  /** Conditional routes, in order. */
  readonly routes: ReadonlyArray<{ readonly matches: readonly Match[]; readonly version: string }>;
  /** Pods of every deployed version in this phase. */
  readonly pods: ReadonlyMap<string, number>;
}

interface VersionSpec {
  readonly version: string;
  readonly slug: string;
  readonly replicas: number;
  readonly givenReplicas?: number;
}


/** Version labels: short, in the shapes releases use (`v2`, `1.0.3`, `2024.1_rc`), and any label value. */
const versionLabel = fc.oneof(
  fc.integer({ min: 1, max: 99 }).map((n) => `v${n}`),
  fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
  labelValue(12),
);

function versions(): fc.Arbitrary<VersionSpec[]> {
  return fc
    .uniqueArray(versionLabel, { minLength: 1, maxLength: 4, selector: (v) => slugOf(v) })
    .chain((labels) =>
      fc.tuple(...labels.map((version) => fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }).map((given): VersionSpec => ({ version, slug: slugOf(version), replicas: given ?? 2, givenReplicas: given })))),
    );
}

const slugOf = (v: string) => v.toLowerCase().replace(/[._]/g, '-');

/** A non-empty subset of `from`, at most `max` long, in the order of `from`. */
function subset<T>(from: readonly T[], min: number, max = from.length): fc.Arbitrary<T[]> {
  if (from.length === 0) return fc.constant([]);
  return fc.uniqueArray(fc.integer({ min: 0, max: from.length - 1 }), { minLength: Math.min(min, from.length), maxLength: Math.min(max, from.length) }).map((is) => from.filter((_, i) => is.includes(i)));
}

/** Positive integers summing to `total`. */
function partition(n: number, total: number): fc.Arbitrary<number[]> {
  if (n === 1) return fc.constant([total]);
  return fc.uniqueArray(fc.integer({ min: 1, max: total - 1 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    return [...sorted, total].map((c, i) => c - (i ? sorted[i - 1] : 0));
  });
}

// Header values as a client sends them: visible ASCII with spaces inside, and strings YAML would misread unquoted.
const headerValue = fc.oneof(
  fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/),
  some('yes', 'on', 'off', 'null', '1_000', '0o17', '1e3', '2024-01-15', '12:30', 'application/vnd.sava.v1+json', 'a: b', '#x', 'true'),
);
const headerName = fc.oneof(some('accept', 'user-agent', 'x-canary', 'X-Version', 'x-user_group', 'content-type'), fc.stringMatching(/^x-[a-z0-9]{1,10}$/));
const regex = some('.*Chrome.*', '.*(iPhone|Android).*', 'v[0-9]+', '[a-f0-9]{8}', 'beta|canary', '.*\\.example\\.com', '(?:a|b)+c?', 'x\\x41+');
const cookieName = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const cookieValue = fc.stringMatching(/^[A-Za-z0-9_.!#$%&'*+^`|~-]{1,12}$/);

/** One condition; `header` conditions use the header given, cookie conditions the `cookie` header. */
function condition(header: string): fc.Arbitrary<Match> {
  return fc.oneof(
    headerValue.map((v) => Match.header(header, v)),
    headerValue.map((v) => Match.headerPrefix(header, v)),
    regex.map((r) => Match.headerRegex(header, r)),
  );
}
const cookieCondition = fc.oneof(regex.map((r) => Match.cookieRegex(r)), fc.tuple(cookieName, cookieValue).map(([n, v]) => Match.cookie(n, v)));

/** The conditions of one route: different headers, at most one about cookies. */
function conditions(min: number, max: number): fc.Arbitrary<Match[]> {
  return fc
    .tuple(fc.uniqueArray(headerName, { minLength: min, maxLength: max, selector: (h) => h.toLowerCase() }), fc.boolean())
    .chain(([headers, withCookie]) => {
      const all = headers.map(condition);
      if (withCookie && headers.length > min) all[all.length - 1] = cookieCondition;
      return fc.tuple(...all);
    });
}

/**
 * Routes of one phase to the versions in `targets`. nginx takes one header and one
 * cookie condition at most, one per route, all to the canary; the Gateway API tries a
 * route with more header matches first, so routes there have fewer and fewer.
 */
function routes(kind: ProviderKind, targets: readonly string[]): fc.Arbitrary<PhaseSpec['routes']> {
  if (!targets.length || kind === 'service') return fc.constant([]);
  const target = some(...targets);
  if (kind === 'nginx') {
    return fc
      .record({
        header: fc.option(fc.tuple(headerName, fc.oneof(headerValue.map((v) => (h: string) => Match.header(h, v)), headerValue.map((v) => (h: string) => Match.headerPrefix(h, v)), regex.map((r) => (h: string) => Match.headerRegex(h, r)), regex.map((r) => () => Match.userAgentRegex(r)), regex.map((r) => () => Match.cookieRegex(r)))), { nil: undefined }),
        cookie: fc.option(cookieName, { nil: undefined }),
        cookieFirst: fc.boolean(),
      })
      .map(({ header, cookie, cookieFirst }) => {
        const version = targets[0];
        const list = [
          ...(header ? [{ matches: [header[1](header[0])], version }] : []),
          ...(cookie ? [{ matches: [Match.cookie(cookie, 'always')], version }] : []),
        ];
        return cookieFirst ? list.reverse() : list;
      });
  }
  return fc
    .array(fc.tuple(target, fc.integer({ min: 1, max: 3 })), { maxLength: 3 })
    .map((rs) => (kind === 'gateway-api' ? [...rs].sort((a, b) => b[1] - a[1]) : rs))
    .chain((rs) => fc.tuple(...rs.map(([version, n]) => conditions(n, n).map((matches) => ({ matches, version })))));
}

/** The next phase after `prev` (the first one when undefined): every step one a pipeline can take. */
function nextPhase(kind: ProviderKind, vs: readonly VersionSpec[], prev?: PhaseSpec): fc.Arbitrary<PhaseSpec> {
  const all = vs.map((v) => v.version);
  const prevRouted = prev ? routedOf(prev) : [];
  // A version receives requests only once it ran in the phase before.
  const candidates = prev ? all.filter((v) => prev.pods.has(v)) : all;
  // One Service selects one version, or all of them: a split keeps every version routed before.
  const widen = (r: string[]) => (kind === 'service' && r.length > 1 ? all.filter((v) => r.includes(v) || prevRouted.includes(v)) : r);
  return subset(candidates, 1, kind === 'nginx' ? 2 : candidates.length)
    .map(widen)
    .chain((routed) =>
      fc
        .record({
          // The versions of the default route; the others of `routed` get requests by condition only.
          weighted: kind === 'service' ? fc.constant(routed) : subset(routed, 1),
          canary: some(...routed),
          extraDark: subset(all.filter((v) => !routed.includes(v)), 0),
          podsMultiplier: fc.integer({ min: 1, max: 3 }),
        })
        .chain(({ weighted, canary, extraDark, podsMultiplier }) => {
          const conditionOnly = routed.filter((v) => !weighted.includes(v));
          // ingress-nginx sends every condition to its one canary Ingress.
          const targets = kind === 'nginx' ? [conditionOnly[0] ?? canary] : routed;
          // A version that took requests stays one more phase, dark; no dark version beside a Service's split.
          // Istio's address Service selects the routed and the draining versions: one of them, or all deployed.
          const draining = all.filter((v) => !routed.includes(v) && prevRouted.includes(v));
          const dark =
            kind === 'service' && routed.length > 1
              ? []
              : kind === 'istio' && routed.length + draining.length > 1
                ? draining
                : all.filter((v) => !routed.includes(v) && (prevRouted.includes(v) || extraDark.includes(v)));
          const deployed = all.filter((v) => routed.includes(v) || dark.includes(v));
          return fc
            .record({
              weights: kind === 'service' ? fc.constant([]) : kind === 'gateway-api' ? fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: weighted.length, maxLength: weighted.length }) : partition(weighted.length, 100),
              pods: fc.tuple(...deployed.map(() => fc.integer({ min: 1, max: 4 }))),
              routes: conditionOnly.length ? routesTo(kind, conditionOnly, targets) : routes(kind, targets),
            })
            .map(({ weights, pods, routes: rs }): PhaseSpec => {
              const podsOf = new Map(deployed.map((v, i) => [v, pods[i]]));
              // With a plain Service, weights are pod counts (in some ratio).
              const w = new Map(weighted.map((v, i) => [v, kind === 'service' ? podsOf.get(v)! * podsMultiplier : weights[i]]));
              return { weights: w, dark, routes: rs, pods: podsOf };
            });
        }),
    );
}

/** Routes that reach every version of `must` at least once (versions routed by condition only). */
function routesTo(kind: ProviderKind, must: readonly string[], targets: readonly string[]): fc.Arbitrary<PhaseSpec['routes']> {
  return routes(kind, targets).chain((rs) => {
    const missing = must.filter((v) => !rs.some((r) => r.version === v));
    if (!missing.length) return fc.constant(rs);
    if (kind === 'nginx') return fc.constant([{ matches: [Match.header('x-canary', 'always')], version: missing[0] }]);
    return fc.tuple(...missing.map((v) => conditions(1, 1).map((matches) => ({ matches, version: v })))).map((extra) => (kind === 'gateway-api' ? [...rs, ...extra] : [...extra, ...rs]));
  });
}

const routedOf = (p: PhaseSpec) => [...new Set([...p.weights.keys(), ...p.routes.map((r) => r.version)])];

function phases(kind: ProviderKind, vs: readonly VersionSpec[]): fc.Arbitrary<PhaseSpec[]> {
  const grow = (n: number, acc: PhaseSpec[]): fc.Arbitrary<PhaseSpec[]> => (n === 0 ? fc.constant(acc) : nextPhase(kind, vs, acc[acc.length - 1]).chain((p) => grow(n - 1, [...acc, p])));
  return fc.integer({ min: 1, max: 5 }).chain((n) => grow(n, []));
}

/** The GatewayPhase of a spec: by Release.to or Release.split, with dark versions by weight 0 or withDark. */
function toPhase(p: PhaseSpec, vs: readonly VersionSpec[], darkByWeight: boolean, name: string | undefined, description: string | undefined): GatewayPhase {
  const weights = Object.fromEntries(p.weights);
  const [only] = p.weights.keys();
  let phase: GatewayPhase;
  if (darkByWeight && p.dark.length) phase = Release.split({ ...weights, ...Object.fromEntries(p.dark.map((v) => [v, 0])) });
  else phase = p.weights.size === 1 && p.weights.get(only) === 100 ? Release.to(only) : Release.split(weights);
  if (!darkByWeight && p.dark.length) phase = phase.withDark(...p.dark);
  for (const r of p.routes) phase = phase.when(r.matches.length === 1 ? r.matches[0] : [...r.matches], r.version);
  const replicas = Object.fromEntries([...p.pods].filter(([v, n]) => vs.find((x) => x.version === v)!.replicas !== n));
  if (Object.keys(replicas).length) phase = phase.withReplicas(replicas);
  if (name !== undefined) phase = phase.named(name);
  if (description !== undefined) phase = phase.describedAs(description);
  return phase;
}

/** The name a phase gets when it is not named, as the Gateway derives it (versions in the order of their keys). */
function defaultName(p: PhaseSpec, vs: readonly VersionSpec[], darkByWeight: boolean): string {
  const slug = (v: string) => vs.find((x) => x.version === v)!.slug;
  const keyOrder = (list: readonly string[]) => Object.keys(Object.fromEntries(list.map((v) => [v, 0])));
  const released = keyOrder(vs.map((v) => v.version)).filter((v) => p.weights.has(v));
  let name = released.length === 1 ? slug(released[0]) : `split-${released.map((v) => p.weights.get(v)).join('-')}`;
  if (p.routes.length) name += `-when-${[...new Set(p.routes.map((r) => slug(r.version)))].join('-')}`;
  const dark = darkByWeight ? keyOrder([...p.weights.keys(), ...p.dark]).filter((v) => p.dark.includes(v)) : p.dark;
  if (dark.length) name += `-dark-${dark.map(slug).join('-')}`;
  return name;
}

/** Fewest ready pods receiving requests in every phase and during every transition (both ways). */
export function keepableMinAvailable(specs: readonly PhaseSpec[]): number {
  const routedPods = (p: PhaseSpec) => routedOf(p).reduce((n, v) => n + p.pods.get(v)!, 0);
  const during = (from: PhaseSpec, to: PhaseSpec) => routedOf(to).reduce((n, v) => n + Math.min(from.pods.get(v) ?? 0, to.pods.get(v)!), 0);
  const floors = specs.map(routedPods);
  specs.slice(1).forEach((p, i) => floors.push(during(specs[i], p), during(p, specs[i])));
  return Math.min(...floors);
}

function provider(kind: ProviderKind, namespaced: boolean): fc.Arbitrary<{ traffic: Traffic | undefined; serviceTypes: boolean }> {
  switch (kind) {
    case 'service':
      return some({ traffic: undefined, serviceTypes: true }, { traffic: Traffic.service(), serviceTypes: true });
    case 'istio':
      return fc
        .record(
          {
            apiVersion: some(IstioApiVersion.V1, IstioApiVersion.V1BETA1),
            ingress: fc.record(
              { gatewayName: dnsSubdomain(), hosts: fc.uniqueArray(fc.oneof(fc.constant('*'), dnsSubdomain(), dnsSubdomain().map((h) => `*.${h}`)), { minLength: 1, maxLength: 3 }), port: fc.integer({ min: 1, max: 65535 }), selector: fc.dictionary(labelKey(), labelValue(), { minKeys: 1, maxKeys: 2 }) },
              { requiredKeys: [] },
            ),
            injectNamespace: namespaced ? fc.boolean() : fc.constant(false),
          },
          { requiredKeys: [] },
        )
        .map((o) => ({ traffic: Traffic.istio(o), serviceTypes: true }));
    case 'gateway-api':
      return fc
        .record(
          {
            parentRefs: fc.uniqueArray(
              fc.record({ name: dnsSubdomain(), namespace: dnsLabel(63), sectionName: dnsSubdomain(), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['name'] }),
              { minLength: 1, maxLength: 3, selector: (r) => JSON.stringify([r.name, r.namespace ?? '', r.sectionName ?? '', r.port ?? 0]) },
            ),
            hostnames: fc.uniqueArray(fc.oneof(dnsSubdomain(), dnsSubdomain().map((h) => `*.${h}`)), { minLength: 1, maxLength: 3 }).filter((hs) => hs.every((h) => !/^[0-9.]+$/.test(h.replace(/^\*\./, '')))),
          },
          { requiredKeys: ['parentRefs'] },
        )
        .map((o) => ({ traffic: Traffic.gatewayApi(o), serviceTypes: false }));
    case 'nginx':
      return fc
        .record(
          {
            ingressClassName: dnsSubdomain(),
            host: fc.oneof(dnsSubdomain(), dnsSubdomain().map((h) => `*.${h}`)).filter((h) => !/^[0-9.]+$/.test(h)),
            path: fc.oneof(fc.constant('/'), fc.stringMatching(/^(\/[A-Za-z0-9_-]{1,8}){1,3}\/?$/)),
          },
          { requiredKeys: [] },
        )
        .map((o) => ({ traffic: Traffic.nginx(o), serviceTypes: false }));
  }
}

const amount = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));
const rollingUpdate: fc.Arbitrary<RollingUpdateOptions> = fc
  .record({ maxSurge: amount, maxUnavailable: amount, minReadySeconds: fc.integer({ min: 0, max: 600 }) }, { requiredKeys: [] })
  .filter((r) => !([0, '0%'].includes(r.maxSurge ?? 1) && [0, '0%'].includes(r.maxUnavailable ?? 0)));

/**
 * A version's own variables. Built once, not per generated case: fast-check prepares each
 * string arbitrary when it is made, which cost more than drawing from it.
 */
const versionEnv = fc.dictionary(
  fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/).filter((n) => !MAYBE_SECRET.test(n)),
  fc.string({ maxLength: 8 }).map((x) => EnvValue.fromValue(x)),
  { maxKeys: 2 },
);

/**
 * Per-version options: the image, and now and then pods, variables, labels or ports of
 * its own (`firstPort` set when the Gateway's probes leave ports free: a version's first
 * port keeps the Gateway's name, on a container port of its own).
 */
function versionOptions(vs: readonly VersionSpec[], label: string, firstPort?: string): fc.Arbitrary<{ [version: string]: GatewayVersionOptions }> {
  const ownPorts = firstPort === undefined ? fc.constant(undefined) : fc.option(fc.integer({ min: 1, max: 65535 }).map((containerPort) => [{ name: firstPort, containerPort }]), { nil: undefined, freq: 2 });
  return fc
    .uniqueArray(pinnedImage(), { minLength: vs.length, maxLength: vs.length })
    .chain((images) =>
      fc.tuple(
        ...vs.map((v, i) =>
          fc
            .record(
              {
                env: versionEnv,
                podLabels: fc.dictionary(labelKey().filter((k) => k !== label), labelValue(), { maxKeys: 2 }),
                ports: ownPorts,
              },
              { requiredKeys: [] },
            )
            .map((own): GatewayVersionOptions => ({ image: images[i], ...(v.givenReplicas !== undefined ? { replicas: v.givenReplicas } : {}), ...dropUndefined(own) })),
        ),
      ),
    )
    .map((options) => Object.fromEntries(vs.map((v, i) => [v.version, options[i]])));
}

/** Valid Gateway inputs. */
const ungatedGateway: fc.Arbitrary<Case<GatewayProps>> = fc
  .record({
    kind: some<ProviderKind>('service', 'istio', 'gateway-api', 'nginx'),
    id: dns1035Label(40),
    name: fc.option(dns1035Label(40), { nil: undefined }),
    namespace: fc.option(dnsLabel(63), { nil: undefined }),
    versionLabel: fc.option(labelKey(), { nil: undefined }),
    vs: versions(),
  })
  .chain((r) =>
    fc
      .record({
        provider: provider(r.kind, r.namespace !== undefined),
        specs: phases(r.kind, r.vs),
        serviceType: fc.option(some(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER), { nil: undefined }),
      })
      .chain(({ provider: p, specs, serviceType }) => {
        const type = p.serviceTypes ? serviceType : undefined;
        const label = r.versionLabel ?? 'version';
        return containerOptions({ nodePorts: type !== undefined && type !== ServiceType.CLUSTER_IP, firstPortOnly: true, httpFirstPort: r.kind === 'istio' })
          .chain((generated) => fc.boolean().map((probesByDefault) => (probesByDefault ? { ...generated, readinessProbe: undefined, livenessProbe: undefined, startupProbe: undefined } : generated)))
          .chain((options) => {
            const free = options.readinessProbe === undefined && options.livenessProbe === undefined && options.startupProbe === undefined && options.ports?.[0]?.nodePort === undefined;
            return versionOptions(r.vs, label, free ? (options.ports?.[0]?.name ?? 'http') : undefined).map((versions) => ({ options, versions }));
          })
          .chain(({ options, versions }) => fc
          .record({
            options: fc.constant(options),
            versions: fc.constant(versions),
            darkByWeight: fc.array(fc.boolean(), { minLength: specs.length, maxLength: specs.length }),
            names: fc.array(fc.option(dnsLabel(20), { nil: undefined, freq: 3 }), { minLength: specs.length, maxLength: specs.length }),
            descriptions: fc.array(fc.option(fc.stringMatching(/^[A-Za-z0-9][ -~]{0,30}$/), { nil: undefined, freq: 4 }), { minLength: specs.length, maxLength: specs.length }),
            port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
            // With a router only: Traffic.service() shares by pod counts (refusals are unit-tested). The minimum stays the replicas, which minAvailable was drawn for.
            autoscaling: r.kind === 'service' ? fc.constant(undefined) : fc.option(fc.record({ maxReplicas: fc.constant(10000), cpuUtilization: fc.integer({ min: 1, max: 1000 }), memoryUtilization: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: ['maxReplicas'] }), { nil: undefined }),
            rollingUpdate: fc.option(rollingUpdate, { nil: undefined }),
            minAvailable: fc.option(fc.integer({ min: 1, max: keepableMinAvailable(specs) }), { nil: undefined }),
          })
          .map((o): Case<GatewayProps> => {
            const used = new Set<string>();
            const phaseList = specs.map((spec, i) => {
              let name = o.names[i];
              const derived = defaultName(spec, r.vs, o.darkByWeight[i]);
              if (name === undefined && (used.has(derived) || derived.length > 63)) name = `phase-${i}`;
              if (name !== undefined && used.has(name)) name = `phase-${i}`;
              used.add(name ?? derived);
              return toPhase(spec, r.vs, o.darkByWeight[i], name, o.descriptions[i]);
            });
            const podLabels = o.options.podLabels && without(o.options.podLabels, label);
            const props: GatewayProps = {
              ...(o.options as ContainerOptions),
              podLabels,
              name: r.name,
              namespace: r.namespace,
              versionLabel: r.versionLabel,
              serviceType: type,
              provider: p.traffic,
              versions: o.versions,
              phases: phaseList,
              port: o.port,
              rollingUpdate: o.rollingUpdate,
              autoscaling: o.autoscaling,
              minAvailable: o.minAvailable,
            };
            return { id: r.id, props: dropUndefined(props) };
          }));
      }),
  );

const buildGateway = (scope: Construct, c: Case<GatewayProps>) => new Gateway(scope, c.id, c.props);
/** Valid Gateway inputs, gates on some phases of some of them. */
export const validGateway: fc.Arbitrary<Case<GatewayProps>> = withValidGates(ungatedGateway, buildGateway);

const as = <T>(x: unknown) => x as T;

/**
 * A small valid Gateway to break in one place: versions v1 and v2 (2 pods each), the
 * given provider, and a first phase that routes to v1 with v2 dark.
 */
function base(kind: ProviderKind | undefined = undefined): fc.Arbitrary<Case<GatewayProps>> {
  const providers: { [k in ProviderKind]: () => Traffic } = {
    service: () => Traffic.service(),
    istio: () => Traffic.istio(),
    'gateway-api': () => Traffic.gatewayApi({ parentRefs: [{ name: 'shop-gateway' }] }),
    nginx: () => Traffic.nginx(),
  };
  return fc
    .record({ id: dns1035Label(30), images: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }), kind: kind ? fc.constant(kind) : some<ProviderKind>('service', 'istio', 'gateway-api', 'nginx') })
    .map(({ id, images, kind: k }) => ({
      id,
      props: { provider: providers[k](), versions: { v1: { image: images[0] }, v2: { image: images[1] } }, phases: [Release.to('v1').withDark('v2')] },
    }));
}

/** An invalid class from a small Gateway: `patch` overrides its props. */
function b(title: string, field: string, expected: RegExp, patch: (p: GatewayProps) => fc.Arbitrary<Partial<GatewayProps>> | Partial<GatewayProps>, kind?: ProviderKind): InvalidClass<GatewayProps> {
  return invalid(base(kind), title, field, expected, patch);
}

/** An invalid class from any valid Gateway. */
const v = (title: string, field: string, expected: RegExp, patch: (p: GatewayProps) => fc.Arbitrary<Partial<GatewayProps>> | Partial<GatewayProps>) => invalid(validGateway, title, field, expected, patch);

/** The phases of the small Gateway followed by `next` (so `next` is phases[1]). */
const then = (...next: unknown[]): Partial<GatewayProps> => ({ phases: as<GatewayPhase[]>([Release.to('v1').withDark('v2'), ...next]) });
/** A second phase holding the condition `m`, to v2. */
const withCondition = (m: unknown): Partial<GatewayProps> => then(Release.to('v1').when(as<Match>(m), 'v2'));
const C = 'phases[1].when[0].conditions[0]';
/** A UDP first port, and a TCP one for the readiness probe. */
const udpFirst: Partial<GatewayProps> = { ports: [{ containerPort: 8080, protocol: 'UDP' }, { name: 'probe', containerPort: 9090 }], readinessProbe: Probe.tcpSocket({ port: 9090 }), livenessProbe: undefined };
const THIRD = { image: 'example.org/third:3.0.0' };
const LONG = 'v'.repeat(45);

export const gatewayInvalids: InvalidClass<GatewayProps>[] = [
  {
    title: 'props not an object',
    field: 'props',
    expected: /an object of GatewayProps/,
    cases: fc.tuple(dns1035Label(30), any(null, 'shop', 42, [])).map(([id, props]) => ({ id, props })),
  },
  v('misspelt prop', 'version', /a property of GatewayProps: did you mean "versions"\?/, () => as({ version: { v1: { image: 'acme/shop:1' } } })),
  v('unknown prop', 'hpa', /a property of GatewayProps: one of ports, /, () => as({ hpa: { max: 10 } })),
  v('autoscaler minReplicas above maxReplicas', 'autoscaling.minReplicas', /at most maxReplicas/, () => fc.integer({ min: 2, max: 100 }).map((max) => ({ autoscaling: { minReplicas: max + 1, maxReplicas: max } }))),
  v('autoscaler maxReplicas not an integer from 1 to 10000', 'autoscaling.maxReplicas', /an integer from 1 to 10000/, () => any(0, 10001, 2.5, '10', undefined).map((maxReplicas) => ({ autoscaling: as({ maxReplicas }) }))),
  v('autoscaler utilization target out of range', 'autoscaling.cpuUtilization', /an integer from 1 to 1000/, () => any(0, -5, 1001, 50.5, '70').map((cpuUtilization) => ({ autoscaling: as({ maxReplicas: 10000, cpuUtilization }) }))),
  {
    title: 'construct id (the release name) not a DNS-1123 label',
    field: 'id',
    expected: /DNS-1123 label of at most 63 characters \(the construct id names the release\)/,
    cases: base().chain((c) => any('My Shop', 'Shop', 'shop_1', '-shop', 'x'.repeat(64)).map((id) => ({ id, props: { ...c.props, name: 'shop' } }))),
  },
  v('name not a DNS-1035 label short enough for "-canary"', 'name', /DNS-1035 label of at most 56 characters/, () => any('Shop', '1shop', 'shop_app', '-shop', 'shop.v2', '', 42, null, 'x'.repeat(57)).map((name) => ({ name }))),
  v('namespace not a DNS-1123 label', 'namespace', /DNS-1123 label of at most 63/, () => any('Prod', 'team.a', '', 'x'.repeat(64), 5, null).map((namespace) => ({ namespace }))),
  v('versionLabel not a label key', 'versionLabel', /a label key/, () => any('version label', '-x', 'a/b/c', '', 5, null).map((versionLabel) => ({ versionLabel }))),
  v('versionLabel a key the library sets', 'versionLabel', /a label key other than app.kubernetes.io\/name/, () => any('app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by').map((versionLabel) => ({ versionLabel }))),
  v('pod label with the version label key', 'podLabels.release', /a label key the library does not set/, () => ({ versionLabel: 'release', podLabels: { release: 'beta' } })),
  b('pod label of a version with the version label key', 'versions.v2.podLabels.version', /a label key the library does not set/, (p) => ({ versions: { ...p.versions, v2: { ...p.versions.v2, podLabels: { version: 'x' } } } })),
  v('unknown serviceType', 'serviceType', /one of "ClusterIP", "NodePort", "LoadBalancer"/, () => any('nodeport', 'ExternalName', 3, null).map((serviceType) => ({ serviceType }))),
  b('serviceType other than ClusterIP with the Gateway API or ingress-nginx', 'serviceType', /ServiceType.CLUSTER_IP: with the (gateway-api|nginx) provider/, () =>
    fc.tuple(any(ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER), any(Traffic.nginx(), Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }] }))).map(([serviceType, provider]) => ({ serviceType, provider }))),
  v('provider not made with Traffic', 'provider', /Traffic.service\(\), Traffic.istio\(\)/, () => any('istio', { kind: 'istio' }, null, 1).map((provider) => ({ provider }))),
  b('provider options not an object', 'provider', /an object such as/, () => any(Traffic.istio(as(null)), Traffic.nginx(as('shop.example.com')), Traffic.gatewayApi(as([{ name: 'gw' }]))).map((provider) => ({ provider }))),
  b('misspelt provider option', 'provider.ingres', /a property of IstioOptions: did you mean "ingress"\?/, () => ({ provider: Traffic.istio(as({ ingres: {} })) })),
  b('unknown Istio apiVersion', 'provider.apiVersion', /one of "networking.istio.io\/v1", "networking.istio.io\/v1beta1"/, () => any('v1', 'networking.istio.io/v1alpha3', 1, null).map((apiVersion) => ({ provider: Traffic.istio({ apiVersion }) }))),
  b('injectNamespace not a boolean', 'provider.injectNamespace', /true or false/, () => any('yes', 1, null).map((injectNamespace) => ({ namespace: 'shop', provider: Traffic.istio({ injectNamespace }) }))),
  b('injectNamespace without a namespace', 'provider.injectNamespace', /a namespace on the Gateway/, () => ({ namespace: undefined, provider: Traffic.istio({ injectNamespace: true }) })),
  b('ingress not an object', 'provider.ingress', /an object such as/, () => any(null, true, '*', ['*']).map((ingress) => ({ provider: Traffic.istio({ ingress }) }))),
  b('misspelt ingress option', 'provider.ingress.host', /a property of IstioIngressOptions: did you mean "hosts"\?/, () => ({ provider: Traffic.istio({ ingress: as({ host: ['*'] }) }) })),
  b('ingress host not a DNS name', 'provider.ingress.hosts[0]', /a DNS name, "\*" or "\*\." and a DNS name/, () => any('Shop.example.com', '*.*', 'shop..com', '', 5, 'http://shop').map((h) => ({ provider: Traffic.istio({ ingress: { hosts: [h] } }) }))),
  b('ingress port not an integer from 1 to 65535', 'provider.ingress.port', /integer from 1 to 65535/, () => any(0, 65536, 80.5, '80', null).map((port) => ({ provider: Traffic.istio({ ingress: { port } }) }))),
  b('ingress selector empty', 'provider.ingress.selector', /the labels of the ingress gateway pods/, () => ({ provider: Traffic.istio({ ingress: { selector: {} } }) })),
  b('Istio first port not named for HTTP', 'ports[0].name', /a port name that tells Istio the port carries HTTP/, () => any('web', 'tcp', 'https', 'grpcx').map((name) => ({ ports: [{ name, containerPort: 8080 }] })), 'istio'),
  b('Istio condition on a header Istio ignores', `${C}.header`, /a header other than uri, scheme, method, authority: Istio ignores/, () => any('uri', 'Method', 'authority', 'scheme').map((h) => withCondition(Match.header(h, 'x'))), 'istio'),
  b('Gateway API parentRefs missing, empty or more than 32', 'provider.parentRefs', /from 1 to 32 parents/, () => any(undefined, [], 'gw', Array.from({ length: 33 }, (_, i) => ({ name: `gw${i}` }))).map((parentRefs) => ({ provider: Traffic.gatewayApi(as({ parentRefs })) }))),
  b('Gateway API parent not an object', 'provider.parentRefs[0]', /a parent such as/, () => any(null, 'gw', 1).map((r) => ({ provider: Traffic.gatewayApi({ parentRefs: [r] }) }))),
  b('misspelt parent option', 'provider.parentRefs[0].namespce', /a property of ParentReference: did you mean "namespace"\?/, () => ({ provider: Traffic.gatewayApi({ parentRefs: [as({ name: 'gw', namespce: 'infra' })] }) })),
  b('parent name not a DNS-1123 subdomain', 'provider.parentRefs[0].name', /DNS-1123 subdomain/, () => any('GW', '', 'gw_1', null).map((name) => ({ provider: Traffic.gatewayApi({ parentRefs: [{ name }] }) }))),
  b('parent kind, group or section not valid', 'provider.parentRefs[0].kind', /a kind such as "Gateway"/, () => any('gate way', '', '1Gateway', 5).map((kind) => ({ provider: Traffic.gatewayApi({ parentRefs: [{ name: 'gw', kind }] }) }))),
  b('the same parent twice', 'provider.parentRefs[1]', /a parent not listed earlier/, () => ({ provider: Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }, { name: 'gw', group: 'gateway.networking.k8s.io' }] }) })),
  b('Gateway API hostname not a DNS name, or an IP address', 'provider.hostnames[0]', /a DNS name such as "shop.example.com"/, () => any('*', '10.0.0.1', 'Shop.example.com', 'shop..com', '', 7).map((h) => ({ provider: Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }], hostnames: [h] }) }))),
  b('Gateway API route with more than 16 conditions', 'phases[1].when[0].conditions', /at most 16 conditions/, () => withCondition(Array.from({ length: 17 }, (_, i) => Match.header(`x-h${i}`, 'a'))), 'gateway-api'),
  b('Gateway API route with more conditions than the route before it', 'phases[1].when[1].conditions', /as many as the route before it/, () => then(Release.to('v1').when(Match.header('x-a', '1'), 'v2').when([Match.header('x-b', '1'), Match.header('x-c', '1')], 'v2')), 'gateway-api'),
  b('Gateway API weight above 1000000', 'phases[1].weights.v1', /a weight of at most 1000000/, () => then(Release.split({ v1: 2000000, v2: 1 })), 'gateway-api'),
  b('Gateway API regex too long once anchored', `${C}.value`, /a shorter value: the HTTPRoute holds 4096 characters/, () => withCondition(Match.headerPrefix('x-a', '.'.repeat(3000))), 'gateway-api'),
  b('ingress-nginx ingressClassName not a DNS-1123 subdomain', 'provider.ingressClassName', /DNS-1123 subdomain/, () => any('Nginx', '', 'nginx_public', 3).map((ingressClassName) => ({ provider: Traffic.nginx({ ingressClassName }) }))),
  b('ingress-nginx host not a DNS name, or an IP address', 'provider.host', /a DNS name such as "shop.example.com"/, () => any('10.0.0.1', 'Shop.example.com', '*', '', 7).map((host) => ({ provider: Traffic.nginx({ host }) }))),
  b('ingress-nginx path not an absolute path prefix', 'provider.path', /an absolute path prefix such as/, () => any('api', '', '/a b', '/v1.0', '/a//b', '/*', 5).map((path) => ({ provider: Traffic.nginx({ path }) }))),
  b('ingress-nginx phase routing to more than two versions', 'phases[1]', /at most 2 versions receiving requests in one phase/, (p) => ({
    versions: { ...p.versions, v3: THIRD },
    phases: [Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 25, v3: 25 })],
  }), 'nginx'),
  b('ingress-nginx conditions leading to two versions', 'phases[1].when[1].version', /the version of the first route: every condition leads to the one canary Ingress/, () => then(Release.to('v1').when(Match.header('x-a', '1'), 'v2').when(Match.cookie('c', 'always'), 'v1')), 'nginx'),
  b('ingress-nginx route with two conditions', 'phases[1].when[0].conditions', /a single condition per route/, () => withCondition([Match.header('x-a', '1'), Match.header('x-b', '1')]), 'nginx'),
  b('ingress-nginx cookie value other than "always"', `${C}.value`, /"always": ingress-nginx sends a request to the canary/, () => withCondition(Match.cookie('canary', 'yes')), 'nginx'),
  b('ingress-nginx two header conditions in a phase', 'phases[1].when[1]', /one header condition per phase/, () => then(Release.to('v1').when(Match.header('x-a', '1'), 'v2').when(Match.header('x-b', '1'), 'v2')), 'nginx'),
  b('weights not summing to 100 with Istio or ingress-nginx', 'phases[1].weights', /weights that sum to 100 \(these sum to/, () => fc.tuple(any(Traffic.istio(), Traffic.nginx()), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 })).filter(([, a, c]) => a + c !== 100).map(([provider, a, c]) => ({ provider, ...then(Release.split({ v1: a, v2: c })) }))),
  b('conditions with the plain Service provider', 'phases[1].when[0]', /a phase without conditions: the service provider cannot route by request content/, () => withCondition(Match.header('x-a', '1')), 'service'),
  b('a dark version beside a split with the plain Service provider', 'phases[2]', /no version deployed without requests while several receive them/, (p) => ({
    versions: { ...p.versions, v3: THIRD },
    phases: [Release.to('v1').withDark('v2'), Release.split({ v1: 2, v2: 2 }), Release.split({ v1: 2, v2: 2 }).withDark('v3').named('three')],
  }), 'service'),
  b('weights the pods of a plain Service cannot realise', 'phases[1].weights.v1', /a weight that pod counts realise exactly/, () => then(Release.split({ v1: 90, v2: 10 })), 'service'),
  v('versions not an object or empty', 'versions', /at least one version/, () => any({}, [], null, 'v1', new Map([['v1', { image: 'acme/shop:1' }]])).map((versions) => ({ versions }))),
  b('version not a label value', 'versions key', /a label value/, (p) => any('v 1', '-v1', 'v1.', 'x'.repeat(64), 'ä').map((k) => ({ versions: { [k]: p.versions.v1, v2: p.versions.v2 }, phases: [Release.to(k)] }))),
  b('version too long for the object names', 'versions key', /a version that gives a valid object name/, (p) => ({ name: 'shop', versions: { v1: p.versions.v1, ['v'.repeat(60)]: p.versions.v2 }, phases: [Release.to('v1')] })),
  b('two versions with the same object name', 'versions.1-0-3', /a version whose object name differs from that of "1.0.3"/, (p) => ({ versions: { '1.0.3': p.versions.v1, '1-0-3': p.versions.v2 }, phases: [Release.to('1.0.3')] })),
  b('version options not an object', 'versions.v2', /the options of the version/, (p) => any(null, 'acme/shop:2', [], 2).map((o) => ({ versions: { v1: p.versions.v1, v2: o } }))),
  b('misspelt version option', 'versions.v2.imag', /a property of GatewayVersionOptions: did you mean "image"\?/, (p) => ({ versions: { v1: p.versions.v1, v2: as({ ...p.versions.v2, imag: 'acme/x:1' }) } })),
  b('version image not pinned', 'versions.v2.image', /pinned by a tag or a digest|other than "latest"|an image reference/, (p) => any('acme/shop', 'acme/shop:latest', '', 42, null).map((image) => ({ versions: { v1: p.versions.v1, v2: { image } } }))),
  b('two versions with the same image', 'versions.v2.image', /an image other than that of version "v1"/, (p) => ({ versions: { v1: p.versions.v1, v2: { image: p.versions.v1.image } } })),
  b('version replicas not an integer from 1 to 10000', 'versions.v2.replicas', /integer from 1 to 10000/, (p) => any(0, -1, 1.5, '2', null, 10001).map((replicas) => ({ versions: { v1: p.versions.v1, v2: { ...p.versions.v2, replicas } } }))),
  b("version's first port named otherwise", 'versions.v2.ports[0].name', /the name of the Gateway's first port/, (p) => ({ versions: { v1: p.versions.v1, v2: { ...p.versions.v2, ports: [{ name: 'web', containerPort: 8080 }] } } })),
  b("version's first port with another protocol", 'versions.v2.ports[0].protocol', /the protocol of the Gateway's first port/, (p) => ({ ...udpFirst, versions: { v1: p.versions.v1, v2: { ...p.versions.v2, ports: [{ containerPort: 8080 }, { name: 'probe', containerPort: 9090 }] } } }), 'service'),
  b('nodePort on a port after the first', 'ports[1].nodePort', /no nodePort on a port after the first/, () => ({ serviceType: ServiceType.NODE_PORT, ports: [{ containerPort: 8080 }, { name: 'admin', containerPort: 9090, nodePort: 30090 }] }), 'service'),
  b("nodePort on a version's port", 'versions.v2.ports[0].nodePort', /no nodePort on a version's port/, (p) => ({ serviceType: ServiceType.NODE_PORT, versions: { v1: p.versions.v1, v2: { ...p.versions.v2, ports: [{ containerPort: 8080, nodePort: 30080 }] } } }), 'service'),
  b('nodePort on a ClusterIP address', 'ports[0].nodePort', /no nodePort on a ClusterIP Service/, () => ({ ports: [{ containerPort: 8080, nodePort: 30080 }] })),
  b('UDP address port with a router', 'ports[0].protocol', /"TCP": the (istio|gateway-api|nginx) provider routes HTTP requests/, () =>
    any(Traffic.istio(), Traffic.nginx(), Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }] })).map((provider) => ({ provider, ...udpFirst }))),
  v('port not an integer from 1 to 65535', 'port', /integer from 1 to 65535/, () => any(0, 65536, 80.5, '80', null).map((port) => ({ port }))),
  v('minAvailable not an integer from 1 to 10000', 'minAvailable', /integer from 1 to 10000/, () => any(0, -1, 1.5, '1', null, 10001).map((minAvailable) => ({ minAvailable }))),
  b('minAvailable above the pods that receive requests in a phase', 'minAvailable', /at most 2, the pods that receive requests in phase/, () => ({ minAvailable: 3 })),
  b('minAvailable above the ready pods during a transition', 'minAvailable', /at most 1, the ready pods receiving requests during v1-dark-v2 → v2-dark-v1: routes switch at once/, () => ({
    minAvailable: 3,
    phases: [Release.to('v1').withDark('v2').withReplicas({ v1: 3, v2: 1 }), Release.to('v2').withDark('v1').withReplicas({ v1: 3, v2: 3 })],
  })),
  v('rollingUpdate not an object', 'rollingUpdate', /an object such as/, () => any(null, 1, 'fast', []).map((rollingUpdate) => ({ rollingUpdate }))),
  v('misspelt rollingUpdate option', 'rollingUpdate.maxSurges', /did you mean "maxSurge"\?/, () => ({ rollingUpdate: as({ maxSurges: 1 }) })),
  v('phases empty or not a list', 'phases', /at least one phase/, () => any([], null, 'v1', Release.to('v1')).map((phases) => ({ phases }))),
  b('phase not made with Release', 'phases[1]', /a phase built with Release.to\(version\) or Release.split\(weights\)/, () => any({ weights: { v1: 100 } }, 'v1', null).map((x) => then(x))),
  b('weights not an object, or empty', 'phases[1].weights', /weights by version/, () => any({}, null, [50, 50], 'v1', new Map([['v1', 100]])).map((w) => then(Release.split(as(w))))),
  b('weight not an integer ≥ 0', 'phases[1].weights.v2', /an integer ≥ 0/, () => any(-10, 10.5, NaN, '10', null).map((w) => then(Release.split(as({ v1: 100, v2: w }))))),
  b('weights all zero', 'phases[1].weights', /weights with a positive sum/, () => then(Release.split({ v1: 0, v2: 0 }))),
  b('route to an undeclared version', 'phases[1].weights.v3', /a version declared in versions \("v1", "v2"\)/, () => then(Release.split({ v1: 50, v3: 50 }))),
  b('condition route to an undeclared version', 'phases[1].when[0].version', /a version declared in versions/, () => then(Release.to('v1').when(Match.header('x-a', '1'), 'v3')), 'istio'),
  b('dark version undeclared', 'phases[1].dark[0]', /a version declared in versions/, () => then(Release.to('v1').withDark('v3'))),
  b('dark version that also receives requests', 'phases[1].dark[0]', /a version that receives no request in this phase/, () => then(Release.to('v1').withDark('v1'))),
  b('route without conditions', 'phases[1].when[0].conditions', /at least one condition/, () => withCondition([]), 'istio'),
  b('condition not made with Match', C, /a condition built with Match.header/, () => any({ header: 'x-a', value: '1' }, 'x-a=1', null).map(withCondition), 'istio'),
  b('header name not an HTTP token', `${C}.header`, /an HTTP header name/, () => any('x a', 'x:a', '', 'é', ':authority').map((h) => withCondition(Match.header(h, '1'))), 'istio'),
  b('header value empty or longer than 4096', `${C}.value`, /a non-empty (value|regular expression) of at most 4096/, () => any('', 'x'.repeat(4097), null, 5).map((x) => withCondition(Match.header('x-a', as(x)))), 'istio'),
  b('header value with a control character', `${C}.value`, /without control characters/, () => any('a\nb', 'a\u0000', '\u007f', 'a\rb').map((x) => withCondition(Match.headerPrefix('x-a', x))), 'istio'),
  b('header value with spaces a server strips', `${C}.value`, /servers strip them from header values/, () => any(' a', 'a ', '\ta').map((x) => withCondition(Match.header('x-a', x))), 'istio'),
  b('regular expression that does not compile', `${C}.value`, /a regular expression that compiles/, () => any('(Chrome', '[a-', '*x', 'a{2,1}').map((r) => withCondition(Match.userAgentRegex(r))), 'istio'),
  b('regular expression RE2 refuses', `${C}.value`, /a regular expression without (look-around|back-references|the escapes)/, () => any('(?!.*Chrome).*', '(?<=a)b', '(a)\\1', '\\u0041', '\\cA').map((r) => withCondition(Match.headerRegex('x-a', r))), 'istio'),
  b('regular expression JavaScript and RE2 read differently', `${C}.value`, /a regular expression without (the Unicode classes|POSIX classes|the empty classes|named groups)/, () => any('[^]*', 'a[]b', '\\p{L}+', '[\\d\\P{L}]', '[[:alpha:]]+', '[^[:space:]]', '(?<v>beta)').map((r) => withCondition(Match.headerRegex('x-a', r))), 'istio'),
  b('cookie name not a token, or cookie value with a separator', `${C}.cookie`, /a cookie name/, () => any('a;b', 'a b', '', 'a=b').map((n) => withCondition(Match.cookie(n, 'always'))), 'istio'),
  b('the same header twice in a route', 'phases[1].when[0].conditions headers[1]', /a value not used earlier/, () => withCondition([Match.header('x-a', '1'), Match.headerPrefix('X-A', '2')]), 'istio'),
  b('withReplicas not an object', 'phases[1].replicas', /pods by version/, () => any(null, 3, 'v1', [3]).map((r) => then(Release.to('v1').withDark('v2').withReplicas(as(r))))),
  b('withReplicas for a version the phase does not deploy', 'phases[1].replicas.v2', /a version this phase deploys \("v1"\)/, () => then(Release.to('v1').withReplicas({ v2: 2 }))),
  b('withReplicas count not an integer from 1 to 10000', 'phases[1].replicas.v2', /integer from 1 to 10000/, () => any(0, -1, 1.5, '2', null, 10001).map((n) => then(Release.to('v1').withDark('v2').withReplicas(as({ v2: n })).named('more')))),
  b('phase name not a DNS-1123 label', 'phases[1].name', /DNS-1123 label of at most 63/, () => any('Phase 2', 'v1_v2', '', '-a', 'x'.repeat(64), 5, null).map((n) => then(Release.to('v1').withDark('v2').named(as(n))))),
  b('derived phase name too long', 'phases[1].name', /the name derived from the routes is not one: name the phase with .named/, (p) => ({
    name: 'shop',
    versions: { v1: p.versions.v1, [LONG]: p.versions.v2 },
    phases: [Release.to('v1').withDark(LONG), Release.split({ v1: 1000, [LONG]: 1000 }).when(Match.header('x-a', 'b'), LONG)],
  }), 'gateway-api'),
  b('phase name used twice', 'phases[1].name', /a phase name not used by an earlier phase/, () => then(Release.to('v1').withDark('v2'))),
  b('description empty or on several lines', 'phases[1].description', /a non-empty sentence on one line/, () => any('', ' ', 'first\nsecond', 5, null).map((d) => then(Release.to('v1').withDark('v2').named('two').describedAs(as(d))))),
  b('version receiving requests before it ran dark', 'phases[1].weights.v3', /a version that the phase before \("v1"\) already deploys/, (p) => ({
    versions: { ...p.versions, v3: THIRD },
    phases: [Release.to('v1').named('v1'), Release.split({ v1: 50, v3: 50 })],
  }), 'istio'),
  b('version removed while the phase before sent it requests', 'phases[2]', /a phase that keeps "v1" deployed, since "split-50-50" sends it requests/, () => ({ phases: [Release.to('v1').withDark('v2'), Release.split({ v1: 50, v2: 50 }), Release.to('v2')] }), 'istio'),
  // The shared container options, on a small Gateway (CanaryApp's classes try them with every other prop).
  ...containerOptionClasses(base(), '', (p) => p, (p, o) => ({ ...p, ...o })),
];

export const gatewaySpec: ConstructSpec<GatewayProps> = {
  name: 'Gateway',
  valid: validGateway,
  invalid: [...gatewayInvalids, ...gateInvalids(base(), buildGateway, 'v1-dark-v2')],
  build: buildGateway,
};
