import { Construct } from 'constructs';
import { Checks } from '../model/checks';
import { GatewayPlanPhase, routedVersions } from '../model/gateway-plan';
import { describeMatch } from '../model/route-match';
import { DeclaredRoute, TrafficProvider } from '../model/release';
import { ResolvedPort } from '../render/pod-blueprint';
import type { ResolvedExposure } from '../render/service-exposure';
import { renderService, ServiceType } from '../render/workload';

/** What a provider routes to: the Gateway's address, its versions and their labels. */
export interface TrafficTarget {
  /** Checks that name the Gateway in errors; provider options are reported under `provider.*`. */
  readonly check: Checks;
  /** Name of the stable address and of the application. */
  readonly name: string;
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** Labels of every object the provider renders (name, release, managed-by). */
  readonly labels: { readonly [key: string]: string };
  /** Selects the pods of every version. */
  readonly appSelector: { readonly [key: string]: string };
  /** Key of the label that tells versions apart. */
  readonly versionLabel: string;
  /** The port of the address; `servicePort` is the Gateway's port. */
  readonly port: ResolvedPort;
  /** Type of the address Service, for the providers that have one. */
  readonly serviceType: ServiceType;
  /** Annotations and load balancer fields of the address Service. @default - none */
  readonly exposure?: ResolvedExposure;
}

/** What a provider can express, checked on every phase before anything is rendered. */
export interface TrafficCapabilities {
  /** Whether routes may have conditions. */
  readonly conditions: boolean;
  /** Most versions that receive requests in one phase, and why. @default - no limit */
  readonly maxVersions?: { readonly count: number; readonly reason: string };
  /** Whether the weights are percentages that must sum to 100 (else ratios). */
  readonly weightsArePercentages: boolean;
}

/** A provider bound to one Gateway. */
export interface TrafficRouter {
  /** Name of the object that is the stable address: the Service, VirtualService, HTTPRoute or primary Ingress. */
  readonly address: string;
  /**
   * Checks that the provider can realise the phase, with an error naming the route
   * otherwise, and returns the routes exactly as it realises them.
   */
  realise(phase: GatewayPlanPhase): DeclaredRoute[];
  /** Renders the provider's objects of a phase (the Gateway renders the Deployments). */
  render(scope: Construct, phase: GatewayPlanPhase): void;
}

/** One way of routing a Gateway's traffic: a plain Service, Istio, the Gateway API or ingress-nginx. */
export interface TrafficProviderSpec {
  /** Which provider: the value of `provider` in release.json. */
  readonly kind: TrafficProvider;
  /** What the provider can express: weights, conditions, versions. */
  readonly capabilities: TrafficCapabilities;
  /** Validates the provider's options against the Gateway and binds to it. */
  bind(target: TrafficTarget): TrafficRouter;
}

const CONDITIONAL_PROVIDERS = 'Traffic.istio(), Traffic.gatewayApi() and Traffic.nginx()';

/** The checks every provider shares: conditions, number of versions, percentages. */
export function checkCapabilities(check: Checks, kind: TrafficProvider, caps: TrafficCapabilities, phase: GatewayPlanPhase): void {
  if (!caps.conditions && phase.routes.length) {
    const r = phase.routes[0];
    check.fail(r.field, r.conditions.map(describeMatch).join(' and '), `a phase without conditions: the ${kind} provider cannot route by request content (${CONDITIONAL_PROVIDERS} can)`);
  }
  const routed = routedVersions(phase);
  if (caps.maxVersions && routed.size > caps.maxVersions.count) {
    check.fail(phase.field, [...routed], `at most ${caps.maxVersions.count} versions receiving requests in one phase: ${caps.maxVersions.reason}`);
  }
  if (caps.weightsArePercentages) {
    const sum = phase.weights.reduce((n, w) => n + w.weight, 0);
    if (sum !== 100) {
      const given = Object.fromEntries(phase.weights.filter((w) => w.weight > 0).map((w) => [w.version, w.weight]));
      check.fail(`${phase.field}.weights`, given, `weights that sum to 100 (these sum to ${sum}): the ${kind} provider takes them as percentages`);
    }
  }
}

/** Default-route backends with a share, in the order of the Gateway's versions. */
export function releasedWeights(phase: GatewayPlanPhase) {
  return phase.weights.filter((w) => w.weight > 0);
}

/** Object name of a version's Deployment and Service: `<name>-<version slug>`. */
export function backendName(target: TrafficTarget, slug: string): string {
  return `${target.name}-${slug}`;
}

export function versionSelector(target: TrafficTarget, version: string): { [key: string]: string } {
  return { ...target.appSelector, [target.versionLabel]: version };
}

/**
 * Selector of an address Service that selects `versions` among those the phase deploys:
 * one version by its label, or every deployed version by the name label alone; undefined
 * for several but not all, which a Service's plain label match cannot express.
 */
export function addressSelector(target: TrafficTarget, phase: GatewayPlanPhase, versions: readonly string[]): { [key: string]: string } | undefined {
  if (versions.length === 1) return versionSelector(target, versions[0]);
  return phase.deployed.every((d) => versions.includes(d.version)) ? { ...target.appSelector } : undefined;
}

/** The Service at the Gateway's address (its name and port), selecting the pods of `versions`. */
export function renderAddressService(scope: Construct, target: TrafficTarget, phase: GatewayPlanPhase, versions: readonly string[]): void {
  renderService(scope, 'service', {
    name: target.name,
    namespace: target.namespace,
    labels: target.labels,
    // The provider's realise refused a phase whose versions one Service cannot select.
    selector: addressSelector(target, phase, versions)!,
    type: target.serviceType,
    ports: [target.port],
    exposure: target.exposure,
  });
}

/** Name of the router object (VirtualService, HTTPRoute, primary Ingress): `routeName`, else the Gateway's name. */
export function routeNameOf(target: TrafficTarget, routeName: string | undefined): string {
  return routeName === undefined ? target.name : target.check.dnsSubdomain('provider.routeName', routeName);
}

export function slugOf(phase: GatewayPlanPhase, version: string): string {
  return phase.deployed.find((d) => d.version === version)!.slug;
}

/** One ClusterIP Service per deployed version, for routers that address versions by Service. */
export function renderVersionServices(scope: Construct, target: TrafficTarget, phase: GatewayPlanPhase): void {
  for (const d of phase.deployed) {
    renderService(scope, `service-${d.slug}`, {
      name: backendName(target, d.slug),
      namespace: target.namespace,
      labels: { ...target.labels, [target.versionLabel]: d.version },
      selector: versionSelector(target, d.version),
      type: ServiceType.CLUSTER_IP,
      ports: [{ ...target.port, nodePort: undefined }],
    });
  }
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IP_ADDRESS = /^[0-9]+(\.[0-9]+){3}$/;

/** A hostname as Kubernetes Ingress and the Gateway API accept it: a DNS name, or `*.` and one; never an IP address. */
export function isRouteHostname(h: unknown): h is string {
  return typeof h === 'string' && h.length <= 253 && HOSTNAME.test(h) && !IP_ADDRESS.test(h);
}
