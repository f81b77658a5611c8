import { ApiObject, ApiObjectMetadata, JsonPatch } from 'cdk8s';
import { k8s } from '../render/k8s';
import { Construct } from 'constructs';
import * as istio from '../../imports/networking.istio.io';
import { keysOf, orDefault } from '../model/checks';
import { GatewayPlanPhase, routedVersions } from '../model/gateway-plan';
import { DeclaredRoute } from '../model/release';
import { ResolvedMatch } from '../model/route-match';
import {
  addressSelector,
  renderAddressService,
  releasedWeights,
  routeNameOf,
  slugOf,
  TrafficCapabilities,
  TrafficProviderSpec,
  TrafficRouter,
  TrafficTarget,
} from './provider';

/** API version of the Istio networking objects. */
export enum IstioApiVersion {
  /** Served by Istio 1.22 and later (May 2024); the version Istio stores. */
  V1 = 'networking.istio.io/v1',
  /** Served by Istio 1.5 and later, for meshes older than 1.22. Same fields as v1. */
  V1BETA1 = 'networking.istio.io/v1beta1',
}

/** An Istio ingress Gateway in front of the VirtualService. */
export interface IstioIngressOptions {
  /** @default - `<name>-gateway` */
  readonly gatewayName?: string;
  /** Hosts the ingress accepts. @default ['*'] */
  readonly hosts?: string[];
  /** HTTP port of the ingress gateway. @default 80 */
  readonly port?: number;
  /** Labels of the ingress gateway pods. @default { istio: 'ingressgateway' } */
  readonly selector?: { [key: string]: string };
}

/** Routing by Istio: DestinationRule subsets per version, a VirtualService for the routes. */
export interface IstioOptions {
  /**
   * `networking.istio.io/v1` needs Istio 1.22 or later; choose V1BETA1 for older meshes.
   * @default IstioApiVersion.V1
   */
  readonly apiVersion?: IstioApiVersion;
  /**
   * Also route requests that enter through an ingress gateway: renders an Istio
   * `Gateway` and binds the VirtualService to it (instead of the mesh).
   * @default - requests from inside the mesh only
   */
  readonly ingress?: IstioIngressOptions;
  /**
   * Renders the Gateway's namespace with the label `istio-injection: enabled`, so that its
   * pods get a sidecar. The namespace carries no release label and is never pruned. With
   * the Pod Security "restricted" level enforced on the namespace, the sidecar needs the
   * Istio CNI plugin (its init container needs NET_ADMIN otherwise).
   * @default - true when the Gateway has a namespace
   */
  readonly injectNamespace?: boolean;
  /**
   * Name of the VirtualService, the address in release.json (e.g. `sockshop` for the
   * front-end of the sockshop use case). The DestinationRule keeps the Gateway's name.
   * @default - the Gateway's name
   */
  readonly routeName?: string;
}

// HTTP routes only apply to ports Istio knows to carry HTTP: https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
const HTTP_PORT_NAME = /^(http|http2|grpc|grpc-web)(-.*)?$/;
const ISTIO_HOST = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
// Istio ignores header conditions on these keys: https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
const IGNORED_HEADERS = ['uri', 'scheme', 'method', 'authority'];
const OPTION_KEYS = keysOf<IstioOptions>({ apiVersion: true, ingress: true, injectNamespace: true, routeName: true });
const INGRESS_KEYS = keysOf<IstioIngressOptions>({ gatewayName: true, hosts: true, port: true, selector: true });

type IstioKind = new (scope: Construct, id: string, props: { metadata?: ApiObjectMetadata; spec?: any }) => ApiObject;
/** The Istio kinds of each API version. @internal */
export const KINDS: { [v in IstioApiVersion]: { destinationRule: IstioKind; virtualService: IstioKind; gateway: IstioKind } } = {
  [IstioApiVersion.V1]: { destinationRule: istio.DestinationRule, virtualService: istio.VirtualService, gateway: istio.Gateway },
  [IstioApiVersion.V1BETA1]: { destinationRule: istio.DestinationRuleV1Beta1, virtualService: istio.VirtualServiceV1Beta1, gateway: istio.GatewayV1Beta1 },
};

/**
 * Istio: a DestinationRule names one subset per deployed version (by its version label)
 * and the VirtualService sends requests to subsets: the conditional routes first, in
 * order, then the weighted route (integer weights summing to 100).
 *
 * The endpoints of a subset are the pods of the address Service that carry its labels,
 * so the Service selects every version the VirtualService may send requests to, and no
 * other: a client that bypasses the VirtualService (no sidecar, through the ClusterIP or
 * the NodePort; or, with `ingress`, any client not coming through the ingress gateway)
 * is spread by kube-proxy over the pods the Service selects, in the ratio of their
 * replicas. The Service selects the versions that receive requests in the phase or in
 * the phase before it: `kubectl apply` writes Services before VirtualServices, so a
 * version being released joins the Service before the routes reach it, and a version
 * being drained stays in it for one more phase while the routers catch up. A version
 * deployed dark is not selected.
 *
 * A Service selector is a plain label match: one version (name and version labels) or
 * every version (name label alone). A phase that must select several versions but not
 * all, because it also runs a dark one, is refused, as with `Traffic.service()`: the
 * dark version would receive the requests of clients outside the mesh.
 *
 * Going back from the phase that first routes to a version to the phase where it was
 * dark takes it out of the Service in the same apply that takes it out of the routes:
 * for the moment Istio needs to push the routes, requests still sent to it find no
 * endpoint (503).
 */
export class IstioTraffic implements TrafficProviderSpec {
  public readonly kind = 'istio' as const;
  public readonly capabilities: TrafficCapabilities = { conditions: true, weightsArePercentages: true };

  constructor(private readonly options: IstioOptions = {}) {}

  /** The options as given (`bind` checks them), for the engines that route through the same router. @internal */
  public get _options(): IstioOptions {
    return this.options;
  }

  public bind(target: TrafficTarget): TrafficRouter {
    const { check } = target;
    const o: IstioOptions = check.object('provider', this.options, 'IstioOptions, an object such as { ingress: { hosts: ["shop.example.com"] } }');
    check.knownKeys('provider', o, OPTION_KEYS, 'IstioOptions');
    const kinds = KINDS[check.oneOf('provider.apiVersion', orDefault(o.apiVersion, IstioApiVersion.V1), Object.values(IstioApiVersion))];
    if (!HTTP_PORT_NAME.test(target.port.name)) {
      check.fail('ports[0].name', target.port.name, 'a port name that tells Istio the port carries HTTP ("http" or "http-<suffix>", "http2", "grpc"), so that it routes requests by header and weight');
    }
    const inject = o.injectNamespace === undefined ? target.namespace !== undefined : check.boolean('provider.injectNamespace', o.injectNamespace);
    if (inject && target.namespace === undefined) check.fail('provider.injectNamespace', true, 'a namespace on the Gateway (namespace: "production"): the injection label goes on it');
    const ingress = o.ingress === undefined ? undefined : resolveIngress(target, o.ingress);
    const host = target.namespace ? `${target.name}.${target.namespace}.svc.cluster.local` : target.name;
    const routeName = routeNameOf(target, o.routeName);
    const meta = (name: string) => ({ name, namespace: target.namespace, labels: { ...target.labels } });

    const destination = (phase: GatewayPlanPhase, version: string) => ({ host, subset: slugOf(phase, version), port: { number: target.port.servicePort } });

    // The versions that receive requests, and those still draining from the phase before.
    const selected = (phase: GatewayPlanPhase) => {
      const routed = routedVersions(phase);
      return phase.deployed.map((d) => d.version).filter((v) => routed.has(v) || phase.draining.includes(v));
    };

    return {
      address: routeName,

      realise(phase: GatewayPlanPhase): DeclaredRoute[] {
        for (const r of phase.routes) {
          r.conditions.forEach((c, k) => {
            if (IGNORED_HEADERS.includes(c.header)) {
              check.fail(`${r.field}.conditions[${k}].header`, c.header, `a header other than ${IGNORED_HEADERS.join(', ')}: Istio ignores conditions on those, so the route would take every request`);
            }
          });
        }
        const versions = selected(phase);
        if (!addressSelector(target, phase, versions)) {
          const dark = phase.deployed.map((d) => d.version).filter((v) => !versions.includes(v));
          check.fail(
            phase.field,
            dark,
            `no version deployed without requests while the address Service selects several (${versions.join(', ')}: they receive requests in this phase or the one before): ` +
              'a Service selects one version by its label or all of them, and clients that bypass the VirtualService would reach the dark version ' +
              '(deploy it in a later phase; Traffic.gatewayApi() and Traffic.nginx() give each version a Service of its own)',
          );
        }
        return [
          ...phase.routes.map((r) => ({ conditions: r.conditions.map(plain), backends: [{ version: r.version, weight: 100 }] })),
          { conditions: [], backends: releasedWeights(phase).map((w) => ({ version: w.version, weight: w.weight })) },
        ];
      },

      render(scope: Construct, phase: GatewayPlanPhase): void {
        if (inject) {
          const ns = new k8s.KubeNamespace(scope, 'namespace', { metadata: { name: target.namespace!, labels: { 'istio-injection': 'enabled' } } });
          // A Namespace is cluster-scoped; the phase chart would give it a namespace of its own.
          ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
        }
        renderAddressService(scope, target, phase, selected(phase));
        new kinds.destinationRule(scope, 'destination-rule', {
          metadata: meta(target.name),
          spec: { host, subsets: phase.deployed.map((d) => ({ name: d.slug, labels: { [target.versionLabel]: d.version } })) },
        });
        const released = releasedWeights(phase);
        new kinds.virtualService(scope, 'virtual-service', {
          metadata: meta(routeName),
          spec: {
            hosts: ingress ? ingress.hosts : [host],
            gateways: ingress ? [ingress.name] : undefined,
            http: [
              ...phase.routes.map((r) => ({
                match: [{ headers: Object.fromEntries(r.conditions.map((c) => [c.header, { [c.match]: c.value }])) }],
                route: [{ destination: destination(phase, r.version) }],
              })),
              {
                // One destination needs no weight (as in the sockshop VirtualService).
                route: released.map((w) => ({ destination: destination(phase, w.version), weight: released.length > 1 ? w.weight : undefined })),
              },
            ],
          },
        });
        if (ingress) {
          new kinds.gateway(scope, 'gateway', {
            metadata: meta(ingress.name),
            spec: { selector: ingress.selector, servers: [{ port: { number: ingress.port, name: 'http', protocol: 'HTTP' }, hosts: ingress.hosts }] },
          });
        }
      },
    };
  }
}

/** @internal The ingress options, checked. */
export function resolveIngress(target: TrafficTarget, given: IstioIngressOptions) {
  const { check } = target;
  const o: IstioIngressOptions = check.object('provider.ingress', given, 'IstioIngressOptions, an object such as { hosts: ["shop.example.com"] } ({} for the defaults)');
  check.knownKeys('provider.ingress', o, INGRESS_KEYS, 'IstioIngressOptions');
  const name = check.dnsSubdomain('provider.ingress.gatewayName', orDefault(o.gatewayName, `${target.name}-gateway`));
  const hosts = orDefault(o.hosts, ['*']);
  if (!Array.isArray(hosts) || hosts.length === 0) check.fail('provider.ingress.hosts', hosts, 'at least one host, e.g. ["*"] or ["shop.example.com"]');
  hosts.forEach((h, i) => {
    if (typeof h !== 'string' || h.length > 253 || !ISTIO_HOST.test(h)) check.fail(`provider.ingress.hosts[${i}]`, h, 'a DNS name, "*" or "*." and a DNS name');
  });
  check.unique('provider.ingress.hosts', hosts);
  const port = check.integer('provider.ingress.port', orDefault(o.port, 80), 1, 65535);
  const selector = check.labels('provider.ingress.selector', orDefault(o.selector, { istio: 'ingressgateway' }));
  if (Object.keys(selector).length === 0) check.fail('provider.ingress.selector', o.selector, 'the labels of the ingress gateway pods, e.g. { istio: "ingressgateway" }');
  return { name, hosts, port, selector };
}

function plain(m: ResolvedMatch) {
  return { header: m.header, match: m.match, value: m.value };
}
