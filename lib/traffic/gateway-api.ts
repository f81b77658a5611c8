import { Construct } from 'constructs';
import * as gw from '../../imports/gateway.networking.k8s.io';
import { Checks, keysOf } from '../model/checks';
import { GatewayPlanPhase } from '../model/gateway-plan';
import { DeclaredRoute } from '../model/release';
import { anchoredCondition } from '../model/route-match';
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

/** What an HTTPRoute attaches to: usually a Gateway, or a Service for east-west (mesh) routing. */
export interface ParentReference {
  /** Name of the Gateway (or Service) the route attaches to. */
  readonly name: string;
  /** @default - the namespace of the route */
  readonly namespace?: string;
  /** A listener of the Gateway. @default - every listener that allows the route */
  readonly sectionName?: string;
  /** @default - every port */
  readonly port?: number;
  /** @default 'Gateway' */
  readonly kind?: string;
  /** @default 'gateway.networking.k8s.io' ('' for a Service) */
  readonly group?: string;
}

/** Routing by the Gateway API: an HTTPRoute over one Service per version. */
export interface GatewayApiOptions {
  /** The Gateways (or Services) the HTTPRoute attaches to, e.g. [{ name: 'sockshop-gateway' }]. */
  readonly parentRefs: ParentReference[];
  /** @default - every hostname of the parent's listeners */
  readonly hostnames?: string[];
  /** Name of the HTTPRoute, the address in release.json. @default - the Gateway's name */
  readonly routeName?: string;
}

const MAX_RULES = 16;
// Limits of the HTTPRoute schema (gateway.networking.k8s.io/v1).
const MAX_HEADER_MATCHES = 16;
const MAX_BACKENDS = 16;
const MAX_WEIGHT = 1000000;
const MAX_HEADER_VALUE = 4096;
const OPTION_KEYS = keysOf<GatewayApiOptions>({ parentRefs: true, hostnames: true, routeName: true });
const PARENT_KEYS = keysOf<ParentReference>({ name: true, namespace: true, sectionName: true, port: true, kind: true, group: true });
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The Gateway API (gateway.networking.k8s.io/v1): a ClusterIP Service per deployed
 * version and one HTTPRoute whose rules carry the conditions (as header matches) and
 * the weighted `backendRefs`. Cookies are matched by a regular expression on the
 * `Cookie` header. Regular expressions are "implementation-specific" in the Gateway
 * API: they are written anchored, `^(?:...)$`, so that routers that search (NGINX
 * Gateway Fabric) and routers that match whole values (Envoy, Istio) agree.
 */
export class GatewayApiTraffic implements TrafficProviderSpec {
  public readonly kind = 'gateway-api' as const;
  public readonly capabilities: TrafficCapabilities = { conditions: true, weightsArePercentages: false };

  constructor(private readonly options: GatewayApiOptions) {}

  /** The options as given (`bind` checks them), for the engines that route through the same router. @internal */
  public get _options(): GatewayApiOptions {
    return this.options;
  }

  public bind(target: TrafficTarget): TrafficRouter {
    const { check } = target;
    const o = check.object('provider', this.options, 'GatewayApiOptions, an object such as { parentRefs: [{ name: "sockshop-gateway" }] }');
    check.knownKeys('provider', o, OPTION_KEYS, 'GatewayApiOptions');
    const parentRefs = resolveParents(check, o.parentRefs as ParentReference[] | undefined);
    const hostnames = o.hostnames as string[] | undefined;
    if (hostnames !== undefined) {
      if (!Array.isArray(hostnames) || hostnames.length === 0 || hostnames.length > 16) check.fail('provider.hostnames', hostnames, 'from 1 to 16 hostnames, or none to accept those of the parent');
      hostnames.forEach((h, i) => {
        if (!isRouteHostname(h)) {
          check.fail(`provider.hostnames[${i}]`, h, 'a DNS name such as "shop.example.com", or "*." and one (a lone "*" and IP addresses are not allowed)');
        }
      });
      check.unique('provider.hostnames', hostnames);
    }
    const routeName = routeNameOf(target, this.options?.routeName);
    const backend = (phase: GatewayPlanPhase, version: string, weight?: number) => ({
      name: backendName(target, slugOf(phase, version)),
      port: target.port.servicePort,
      weight,
    });

    return {
      address: routeName,

      realise(phase: GatewayPlanPhase): DeclaredRoute[] {
        if (phase.routes.length + 1 > MAX_RULES) {
          check.fail(phase.routes[MAX_RULES - 1].field, phase.routes.length, `at most ${MAX_RULES - 1} conditional routes: an HTTPRoute holds ${MAX_RULES} rules, one of them the weighted route`);
        }
        const released = releasedWeights(phase);
        if (released.length > MAX_BACKENDS) {
          check.fail(`${phase.field}.weights`, released.length, `at most ${MAX_BACKENDS} versions with a weight: an HTTPRoute rule holds ${MAX_BACKENDS} backends`);
        }
        for (const w of released) {
          if (w.weight > MAX_WEIGHT) check.fail(w.field, w.weight, `a weight of at most ${MAX_WEIGHT}, the HTTPRoute's limit (weights are ratios: divide them by a common factor)`);
        }
        phase.routes.forEach((r, j) => {
          if (r.conditions.length > MAX_HEADER_MATCHES) {
            check.fail(`${r.field}.conditions`, r.conditions.length, `at most ${MAX_HEADER_MATCHES} conditions: an HTTPRoute match holds ${MAX_HEADER_MATCHES} headers`);
          }
          r.conditions.map(anchoredCondition).forEach((c, k) => {
            if (c.value.length > MAX_HEADER_VALUE) {
              check.fail(`${r.field}.conditions[${k}].value`, r.conditions[k].value, `a shorter value: the HTTPRoute holds ${MAX_HEADER_VALUE} characters, and this one is written as ${c.value.length} (anchored, and a prefix escaped)`);
            }
          });
          const before = phase.routes[j - 1];
          if (before && r.conditions.length > before.conditions.length) {
            check.fail(
              `${r.field}.conditions`,
              r.conditions.length,
              `at most ${before.conditions.length} condition(s), as many as the route before it: the Gateway API tries the rule with more header matches first, whatever the order, so put this route first`,
            );
          }
        });
        return [
          ...phase.routes.map((r) => ({ conditions: r.conditions.map(anchoredCondition), backends: [{ version: r.version, weight: 100 }] })),
          { conditions: [], backends: releasedWeights(phase).map((w) => ({ version: w.version, weight: w.weight })) },
        ];
      },

      render(scope: Construct, phase: GatewayPlanPhase): void {
        renderVersionServices(scope, target, phase);
        const released = releasedWeights(phase);
        new gw.HttpRoute(scope, 'http-route', {
          metadata: { name: routeName, namespace: target.namespace, labels: { ...target.labels } },
          spec: {
            parentRefs,
            hostnames,
            rules: [
              ...phase.routes.map((r) => ({
                matches: [
                  {
                    headers: r.conditions.map(anchoredCondition).map((c) => ({
                      name: c.header,
                      type: c.match === 'exact' ? gw.HttpRouteSpecRulesMatchesHeadersType.EXACT : gw.HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION,
                      value: c.value,
                    })),
                  },
                ],
                backendRefs: [backend(phase, r.version)],
              })),
              // One backend needs no weight; several share by their weights.
              { backendRefs: released.map((w) => backend(phase, w.version, released.length > 1 ? w.weight : undefined)) },
            ],
          },
        });
      },
    };
  }
}

/** A header condition as the HTTPRoute writes it: Exact, or an anchored RegularExpression (no prefix type exists). */
/** @internal The parent references, checked. */
export function resolveParents(check: Checks, refs: ParentReference[] | undefined): gw.HttpRouteSpecParentRefs[] {
  if (!Array.isArray(refs) || refs.length === 0 || refs.length > 32) {
    check.fail('provider.parentRefs', refs, 'from 1 to 32 parents the route attaches to, e.g. [{ name: "sockshop-gateway" }]');
  }
  const resolved = refs.map((given, i) => {
    const f = `provider.parentRefs[${i}]`;
    const r: ParentReference = check.object(f, given, 'a parent such as { name: "sockshop-gateway" }') as unknown as ParentReference;
    check.knownKeys(f, r, PARENT_KEYS, 'ParentReference');
    const optional = <T>(field: string, value: T | undefined, ok: (v: T) => boolean, expected: string) => {
      if (value !== undefined && !ok(value)) check.fail(`${f}.${field}`, value, expected);
      return value;
    };
    return {
      group: optional('group', r.group, (g) => typeof g === 'string' && GROUP.test(g), 'an API group such as "gateway.networking.k8s.io", or "" for the core group'),
      kind: optional('kind', r.kind, (k) => typeof k === 'string' && KIND.test(k), 'a kind such as "Gateway" or "Service"'),
      name: check.dnsSubdomain(`${f}.name`, r.name),
      namespace: r.namespace === undefined ? undefined : check.dnsLabel(`${f}.namespace`, r.namespace),
      sectionName: optional('sectionName', r.sectionName, (s) => typeof s === 'string' && s.length <= 253 && SECTION_NAME.test(s), 'the name of a listener, a DNS subdomain'),
      port: r.port === undefined ? undefined : check.integer(`${f}.port`, r.port, 1, 65535),
    };
  });
  // The API server refuses two identical parents.
  check.unique((i) => `provider.parentRefs[${i}]`, resolved.map((r) => JSON.stringify([r.group ?? 'gateway.networking.k8s.io', r.kind ?? 'Gateway', r.namespace ?? '', r.name, r.sectionName ?? '', r.port ?? 0])), 'a parent not listed earlier');
  return resolved;
}
