import { k8s } from '../render/k8s';
import { Construct } from 'constructs';
import { keysOf, orDefault } from '../model/checks';
import { GatewayPlanPhase, PlannedRoute } from '../model/gateway-plan';
import { DeclaredRoute } from '../model/release';
import { anchoredCondition, anchoredRegex, cookieRegex, ResolvedMatch } from '../model/route-match';
import {
  backendName,
  isRouteHostname,
  releasedWeights,
  renderVersionServices,
  routeNameOf,
  slugOf,
  TrafficCapabilities,
  TrafficProviderSpec,
  TrafficRouter,
  TrafficTarget,
} from './provider';

/** Where ingress-nginx serves the Gateway. */
export interface NginxOptions {
  /** @default 'nginx' */
  readonly ingressClassName?: string;
  /** @default - every host */
  readonly host?: string;
  /** Path prefix. @default '/' */
  readonly path?: string;
  /**
   * Name of the primary Ingress, the address in release.json; the canary Ingress is
   * `<routeName>-canary`.
   * @default - the Gateway's name
   */
  readonly routeName?: string;
}

const ANNOTATION = 'nginx.ingress.kubernetes.io';
const OPTION_KEYS = keysOf<NginxOptions>({ ingressClassName: true, host: true, path: true, routeName: true });
// What ingress-nginx accepts in a Prefix path when it validates paths (strict-validate-path-type), without '//'.
const PATH = /^\/[A-Za-z0-9\/_-]*$/;
const PATH_SEQUENCES = /\/\//;

/** What the canary Ingress of a phase does. */
interface NginxSplit {
  readonly primary: string;
  readonly canary?: string;
  readonly canaryWeight: number;
  readonly header?: ResolvedMatch;
  readonly cookie?: ResolvedMatch;
}

/**
 * ingress-nginx canary annotations: a primary Ingress sends requests to one version's
 * Service and a second Ingress for the same host and path, marked `canary`, takes the
 * requests that carry its header or cookie, then `canary-weight` percent of the rest.
 * So a phase reaches at most two versions, and every condition leads to the canary.
 */
export class NginxTraffic implements TrafficProviderSpec {
  public readonly kind = 'nginx' as const;
  public readonly capabilities: TrafficCapabilities = {
    conditions: true,
    maxVersions: { count: 2, reason: 'ingress-nginx has one primary and one canary Ingress per host and path (Traffic.istio() and Traffic.gatewayApi() split across more)' },
    weightsArePercentages: true,
  };

  constructor(private readonly options: NginxOptions = {}) {}

  /** The options as given (`bind` checks them), for the engines that route through the same router. @internal */
  public get _options(): NginxOptions {
    return this.options;
  }

  public bind(target: TrafficTarget): TrafficRouter {
    const { check } = target;
    const o: NginxOptions = check.object('provider', this.options, 'NginxOptions, an object such as { host: "shop.example.com" } ({} for the defaults)');
    check.knownKeys('provider', o, OPTION_KEYS, 'NginxOptions');
    const ingressClassName = check.dnsSubdomain('provider.ingressClassName', orDefault(o.ingressClassName, 'nginx'));
    const host = o.host;
    if (host !== undefined && !isRouteHostname(host)) {
      check.fail('provider.host', host, 'a DNS name such as "shop.example.com", or "*." and one (not an IP address)');
    }
    const path = orDefault(o.path, '/');
    if (typeof path !== 'string' || !PATH.test(path) || PATH_SEQUENCES.test(path)) {
      check.fail('provider.path', path, "an absolute path prefix such as '/' or '/api': letters, digits, '/', '_' and '-' (what ingress-nginx accepts when it validates paths), without '//'");
    }
    const routeName = routeNameOf(target, o.routeName);
    const canaryName = `${routeName}-canary`;
    if (canaryName.length > 253) check.fail('provider.routeName', routeName, `at most ${253 - '-canary'.length} characters: the canary Ingress is named <routeName>-canary`);

    const split = (phase: GatewayPlanPhase): NginxSplit => {
      const released = releasedWeights(phase);
      const routes = phase.routes;
      const target0 = routes[0]?.version;
      routes.forEach((r) => {
        if (r.version !== target0) check.fail(`${r.field}.version`, r.version, `${JSON.stringify(target0)}, the version of the first route: every condition leads to the one canary Ingress`);
        if (r.conditions.length !== 1) check.fail(`${r.field}.conditions`, r.conditions.length, 'a single condition per route: ingress-nginx cannot require two at once');
      });
      const header = single(check, routes, false, 'one header condition per phase: the canary Ingress has one canary-by-header');
      const cookie = single(check, routes, true, 'one cookie condition per phase: the canary Ingress has one canary-by-cookie');
      if (cookie?.cookie && cookie.cookie.value !== 'always') {
        const r = routes.find((x) => x.conditions[0] === cookie)!;
        check.fail(`${r.field}.conditions[0].value`, cookie.cookie.value, '"always": ingress-nginx sends a request to the canary when the cookie named by canary-by-cookie is "always"');
      }
      const routed = [...new Set([...released.map((w) => w.version), ...routes.map((r) => r.version)])];
      const ordered = phase.deployed.map((d) => d.version).filter((v) => routed.includes(v));
      if (ordered.length === 1) return { primary: ordered[0], canaryWeight: 0 };
      // The canary is where the conditions lead; without conditions, the later of the two versions.
      const canary = target0 ?? ordered[1];
      const primary = ordered.find((v) => v !== canary)!;
      const canaryWeight = released.find((w) => w.version === canary)?.weight ?? 0;
      return { primary, canary, canaryWeight, header, cookie };
    };

    const ingress = (scope: Construct, id: string, name: string, service: string, annotations?: { [k: string]: string }) =>
      new k8s.KubeIngress(scope, id, {
        metadata: { name, namespace: target.namespace, labels: target.labels, annotations },
        spec: {
          ingressClassName,
          rules: [
            {
              host,
              http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: service, port: { number: target.port.servicePort } } } }] },
            },
          ],
        },
      });

    return {
      address: routeName,

      realise(phase: GatewayPlanPhase): DeclaredRoute[] {
        const s = split(phase);
        if (!s.canary) return [{ conditions: [], backends: [{ version: s.primary, weight: 100 }] }];
        const routes: DeclaredRoute[] = [];
        // ingress-nginx tries the header, then the cookie, then the weight.
        if (s.header) routes.push({ conditions: [anchoredCondition(s.header)], backends: [{ version: s.canary, weight: 100 }] });
        if (s.cookie?.cookie) {
          // canary-by-cookie also sends the value `never` to the primary version, whatever the weight.
          const cookieIs = (value: string) => [{ header: 'cookie', match: 'regex' as const, value: cookieRegex(s.cookie!.cookie!.name, value) }];
          routes.push({ conditions: cookieIs('always'), backends: [{ version: s.canary, weight: 100 }] });
          routes.push({ conditions: cookieIs('never'), backends: [{ version: s.primary, weight: 100 }] });
        }
        const backends = [
          { version: s.primary, weight: 100 - s.canaryWeight },
          { version: s.canary, weight: s.canaryWeight },
        ].filter((b) => b.weight > 0);
        routes.push({ conditions: [], backends });
        return routes;
      },

      render(scope: Construct, phase: GatewayPlanPhase): void {
        const s = split(phase);
        renderVersionServices(scope, target, phase);
        ingress(scope, 'ingress', routeName, backendName(target, slugOf(phase, s.primary)));
        if (!s.canary) return;
        const annotations: { [k: string]: string } = {
          [`${ANNOTATION}/canary`]: 'true',
          [`${ANNOTATION}/canary-weight`]: String(s.canaryWeight),
        };
        if (s.header) {
          annotations[`${ANNOTATION}/canary-by-header`] = s.header.header;
          if (s.header.match === 'exact') annotations[`${ANNOTATION}/canary-by-header-value`] = s.header.value;
          else annotations[`${ANNOTATION}/canary-by-header-pattern`] = anchoredRegex(s.header);
        }
        if (s.cookie?.cookie) annotations[`${ANNOTATION}/canary-by-cookie`] = s.cookie.cookie.name;
        ingress(scope, 'canary-ingress', canaryName, backendName(target, slugOf(phase, s.canary)), annotations);
      },
    };
  }
}

/** The one condition of a kind (header, or cookie by name) among the routes, if any. */
function single(check: TrafficTarget['check'], routes: readonly PlannedRoute[], cookie: boolean, expected: string): ResolvedMatch | undefined {
  const found = routes.filter((r) => Boolean(r.conditions[0].cookie) === cookie);
  if (found.length > 1) check.fail(found[1].field, found.length, expected);
  return found[0]?.conditions[0];
}

/** How ingress-nginx matches a header condition: exact value, or a PCRE search made to match the whole value. */
