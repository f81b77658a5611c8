import { RouteCondition } from '../../model/release';
import { K8sObject, Labels, objectRef } from '../loading/manifest';
import { Rational } from './rational';

/**
 * What a router does with requests, read from the manifests with the semantics of
 * its provider (routes.ts and routes-*.ts). The checks that care about traffic
 * (shares by version, wiring of destinations, capacity of addresses) all work on
 * this one model.
 */

/** Where a router sends requests: a Service, possibly narrowed to a subset of its pods. */
export interface Destination {
  /** The router object and the field that names the destination. */
  readonly router: K8sObject;
  readonly field: string;
  /** The Service, when the phase has it. */
  readonly service?: K8sObject;
  /** As written in the router: a Service name or a mesh host. */
  readonly serviceName: string;
  readonly namespace: string;
  /** Service port the router sends to, when it names one. */
  readonly port?: number | string;
  /** Istio subset: its name, and its labels when a DestinationRule defines it. */
  readonly subset?: { readonly name: string; readonly labels?: Labels; readonly rule?: K8sObject };
  /** Set when the destination is not a Service (e.g. an HTTPRoute backendRef of another kind). */
  readonly unsupported?: string;
}

/** One route: requests that meet all conditions go to the destinations, in the given shares. */
export interface ComputedRoute {
  /** The object holding the route, when it is not the address itself (an ingress-nginx canary Ingress). */
  readonly source?: K8sObject;
  readonly field: string;
  readonly conditions: readonly RouteCondition[];
  /** Shares add up to 1, or the list is empty (the route answers by itself, e.g. a redirect). */
  readonly destinations: ReadonlyArray<{ readonly destination: Destination; readonly share: Rational }>;
}

/** The routes of one address (for an Ingress, of one host and path). */
export interface RouteTable {
  /** '' or `host/path` for Ingresses. */
  readonly label: string;
  /** In order of evaluation: the first route whose conditions hold takes the request. */
  readonly routes: readonly ComputedRoute[];
}

export interface RoutingProblem {
  readonly object?: K8sObject;
  readonly field: string;
  readonly message: string;
}

export interface AddressRouting {
  /** The object that is the address: a Service, VirtualService, HTTPRoute or Ingress. */
  readonly address: K8sObject;
  readonly tables: readonly RouteTable[];
  /** Problems of the router itself (e.g. every weight is 0), with the field (and object, when not the address) that holds them. */
  readonly problems: ReadonlyArray<RoutingProblem>;
}

/** Shares from weights: weight / sum; a lone destination takes everything (Istio, Gateway API). */
export function sharesFromWeights(given: readonly number[]): Rational[] | undefined {
  // A weight that is not a whole number ≥ 0 is a schema error (reported there); it counts 0 here.
  const weights = given.map((w) => (Number.isInteger(w) && w > 0 ? w : 0));
  if (weights.length === 1 && weights[0] > 0) return [Rational.ONE];
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  return weights.map((w) => Rational.of(w, total));
}

/** Key under which shares going to no pod at all are reported. */
export const NO_PODS = '(no pods)';

export function describeDestination(d: Destination): string {
  const svc = d.service ? objectRef(d.service) : `Service/${d.serviceName}`;
  return d.subset ? `${svc} subset ${d.subset.name}` : svc;
}

export function isNginxCanary(o: K8sObject): boolean {
  return o.kind === 'Ingress' && o.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true';
}
