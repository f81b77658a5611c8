import { TrafficProvider } from '../../model/release';
import { K8sObject } from '../loading/manifest';
import { PhaseIndex, PodWorkload, serviceSelector } from '../loading/phase-index';
import { Rational } from './rational';
import { AddressRouting, ComputedRoute, Destination, isNginxCanary, NO_PODS } from './route-model';
import { gatewayRouting } from './routes-gateway';
import { istioRouting } from './routes-istio';
import { nginxRouting } from './routes-nginx';

export * from './route-model';

/** Kinds that can be an address, tried in this order after the provider's own kind. */
const ADDRESS_KINDS: ReadonlyArray<readonly [TrafficProvider, string, string]> = [
  ['service', 'Service', ''],
  ['istio', 'VirtualService', 'networking.istio.io'],
  ['gateway-api', 'HTTPRoute', 'gateway.networking.k8s.io'],
  ['nginx', 'Ingress', 'networking.k8s.io'],
];

/** Finds the object a declared address names, preferring the kind of the release's provider. */
export function findAddress(index: PhaseIndex, name: string, provider?: TrafficProvider): K8sObject | undefined {
  const kinds = [...ADDRESS_KINDS].sort((a, b) => Number(b[0] === provider) - Number(a[0] === provider));
  for (const [, kind, group] of kinds) {
    const found = index.find(kind, name, index.defaultNamespace, group);
    if (found && !(kind === 'Ingress' && isNginxCanary(found))) return found;
  }
  return undefined;
}

/** The routing of an address object, by its kind. */
export function routingOf(index: PhaseIndex, address: K8sObject): AddressRouting {
  switch (address.kind) {
    case 'VirtualService':
      return istioRouting(index, address);
    case 'HTTPRoute':
      return gatewayRouting(index, address);
    case 'Ingress':
      return nginxRouting(index, address);
    default:
      return serviceRouting(index, address);
  }
}

/** Routers found in a phase with no declaration: every VirtualService, HTTPRoute and non-canary Ingress. */
export function routersOf(index: PhaseIndex): K8sObject[] {
  return index.objects.filter(
    (o) =>
      (o.kind === 'VirtualService' && o.apiVersion.startsWith('networking.istio.io/')) ||
      (o.kind === 'HTTPRoute' && o.apiVersion.startsWith('gateway.networking.k8s.io/')) ||
      (o.kind === 'Ingress' && !isNginxCanary(o)),
  );
}

/** A plain Service: kube-proxy spreads connections evenly over the ready pods it selects. */
function serviceRouting(index: PhaseIndex, service: K8sObject): AddressRouting {
  const destination: Destination = { router: service, field: 'spec.selector', service, serviceName: service.metadata.name, namespace: index.namespaceOf(service) };
  return { address: service, tables: [{ label: '', routes: [{ field: 'spec.selector', conditions: [], destinations: [{ destination, share: Rational.ONE }] }] }], problems: [] };
}

/** The pods a destination reaches: those of its Service that also carry the subset's labels. */
export function podsOfDestination(index: PhaseIndex, d: Destination): PodWorkload[] {
  if (!d.service) return [];
  const selector = serviceSelector(d.service);
  if (!selector || Object.keys(selector).length === 0) return [];
  if (d.subset && !d.subset.labels) return [];
  return index.podsMatching(index.namespaceOf(d.service), selector, d.subset?.labels ?? {});
}

/**
 * The share of a route's requests each version receives: the destination's share
 * times the version's fraction of the destination's replicas.
 */
export function versionShares(index: PhaseIndex, route: ComputedRoute): Map<string, Rational> {
  const out = new Map<string, Rational>();
  const add = (version: string, share: Rational) => out.set(version, (out.get(version) ?? Rational.ZERO).plus(share));
  for (const { destination, share } of route.destinations) {
    if (share.isZero()) continue;
    const pods = podsOfDestination(index, destination).filter((w) => w.replicas > 0);
    const total = pods.reduce((n, w) => n + w.replicas, 0);
    if (total === 0) add(NO_PODS, share);
    else for (const w of pods) add(w.version, share.times(Rational.of(w.replicas, total)));
  }
  return out;
}

