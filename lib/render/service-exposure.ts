import { Checks, join, keysOf } from '../model/checks';
import { stringMap } from './pod-placement';
import { ServiceType } from './workload';

/** Where a NodePort or LoadBalancer Service sends outside traffic. */
export enum ExternalTrafficPolicy {
  /** Any ready pod of any node: even spread, but the client's address is lost (SNAT). */
  CLUSTER = 'Cluster',
  /** Only pods on the node that received it: keeps the client's address, no second hop. */
  LOCAL = 'Local',
}

/**
 * How a Service is exposed beyond its type: the annotations a cloud's load balancer
 * controller reads (AWS, GCP, Azure are configured that way), and the load balancer's
 * own fields. Applied to the production Service only (not to preview or smoke Services).
 */
export interface ServiceExposureOptions {
  /** Annotations of the Service, e.g. `service.beta.kubernetes.io/aws-load-balancer-type: nlb`. @default - none */
  readonly annotations?: { [key: string]: string };
  /** NodePort and LoadBalancer Services only. @default - Kubernetes' default, ExternalTrafficPolicy.CLUSTER */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Client address ranges (CIDR) the load balancer accepts; LoadBalancer Services only. @default - every address */
  readonly loadBalancerSourceRanges?: string[];
  /** Load balancer implementation, e.g. 'service.k8s.aws/nlb'; LoadBalancer Services only. Immutable once set. @default - the cluster's default */
  readonly loadBalancerClass?: string;
}

/** Exposure options after their checks, as written into a Service. */
export interface ResolvedExposure {
  /** @default - none */
  readonly annotations?: { [key: string]: string };
  /** @default - Kubernetes' default */
  readonly externalTrafficPolicy?: string;
  /** @default - every address */
  readonly loadBalancerSourceRanges?: string[];
  /** @default - the cluster's default */
  readonly loadBalancerClass?: string;
}

export const EXPOSURE_KEYS = keysOf<ServiceExposureOptions>({ annotations: true, externalTrafficPolicy: true, loadBalancerSourceRanges: true, loadBalancerClass: true });
const CIDR = /^(((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(3[0-2]|[12]?[0-9])|[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$/;

/** Checks exposure options (already known to be an object of known keys) against the Service's type. */
export function resolveExposure(check: Checks, field: string, o: ServiceExposureOptions, type: ServiceType): ResolvedExposure {
  const at = (f: string) => join(field, f);
  const onlyFor = (f: keyof ServiceExposureOptions, types: ServiceType[]) => {
    if (o[f] !== undefined && !types.includes(type)) check.fail(at(f), o[f], `no ${f} on a ${type} Service (it applies to ${types.join(' and ')} Services only)`);
  };
  onlyFor('externalTrafficPolicy', [ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER]);
  onlyFor('loadBalancerSourceRanges', [ServiceType.LOAD_BALANCER]);
  onlyFor('loadBalancerClass', [ServiceType.LOAD_BALANCER]);
  const ranges = o.loadBalancerSourceRanges === undefined ? undefined : check.list(at('loadBalancerSourceRanges'), o.loadBalancerSourceRanges, "a non-empty list of CIDRs such as ['203.0.113.0/24']");
  ranges?.forEach((r, i) => (typeof r !== 'string' || !CIDR.test(r)) && check.fail(at(`loadBalancerSourceRanges[${i}]`), r, "a CIDR such as '203.0.113.0/24' or '2001:db8::/32'"));
  return {
    annotations: o.annotations === undefined ? undefined : stringMap(check, at('annotations'), o.annotations, false),
    externalTrafficPolicy: o.externalTrafficPolicy === undefined ? undefined : check.oneOf(at('externalTrafficPolicy'), o.externalTrafficPolicy, Object.values(ExternalTrafficPolicy)),
    loadBalancerSourceRanges: ranges as string[] | undefined,
    loadBalancerClass: o.loadBalancerClass === undefined ? undefined : check.labelKey(at('loadBalancerClass'), o.loadBalancerClass),
  };
}

/** Reads exposure options given as a prop of their own, e.g. a Gateway's `addressService`. */
export function exposureProp(check: Checks, field: string, given: unknown, type: ServiceType): ResolvedExposure | undefined {
  if (given === undefined) return undefined;
  const o = check.object(field, given, 'an object such as { annotations: { ... }, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }') as ServiceExposureOptions;
  check.knownKeys(field, o, EXPOSURE_KEYS, 'ServiceExposureOptions');
  return resolveExposure(check, field, o, type);
}
