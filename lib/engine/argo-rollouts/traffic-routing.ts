import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Checks, orDefault } from '../../model/checks';
import { k8s } from '../../render/k8s';
import { ResolvedPort } from '../../render/pod-blueprint';
import { ResolvedExposure } from '../../render/service-exposure';
import { renderService, ServiceType } from '../../render/workload';
import { GatewayApiOptions, GatewayApiTraffic, resolveParents } from '../../traffic/gateway-api';
import { IstioApiVersion, IstioOptions, IstioTraffic, KINDS, resolveIngress } from '../../traffic/istio';
import { NginxOptions, NginxTraffic } from '../../traffic/nginx';
import { routeNameOf, TrafficTarget } from '../../traffic/provider';
import { Traffic } from '../../traffic/traffic';

/** The name under which Argo Rollouts' Gateway API plugin is registered in `argo-rollouts-config`. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** The routing a Rollout hands its controller, and the objects it routes through. */
export interface ArgoRouting {
  /** The address in release.json: the VirtualService, HTTPRoute or Ingress. */
  readonly address: string;
  /** Argo's `stableService`, when the router splits between two Services. */
  readonly stableService?: string;
  /** Argo's `canaryService`: selects the canary pods only during a rollout (smoke tests use it). */
  readonly canaryService: string;
  /** Whether the router can send requests that meet conditions to the canary (`setHeaderRoute`). */
  readonly headerRoutes: boolean;
  /** `spec.strategy.canary.trafficRouting`, with the managed routes of the header steps. */
  trafficRouting(managedRoutes: readonly string[]): { [key: string]: unknown };
  /**
   * Blue-green's `activeService`: the address Service with Istio, else `<name>-active`,
   * the one Service the router sends every request to.
   */
  readonly activeService: string;
  /**
   * Services and router objects, the same in every folder: the controller owns the weights.
   * With `blueGreen`, the router sends every request to the active Service, whose selector
   * the controller switches at the promotion; the canary Service is the preview Service,
   * and the subsets and weights are not written.
   */
  render(chart: Chart, blueGreen?: boolean): void;
}

/**
 * How a Gateway's provider maps to Argo Rollouts' traffic routing:
 * - Istio: subset-level splitting. One DestinationRule with the subsets `stable` and
 *   `canary` (Argo adds each ReplicaSet's pod-template-hash to them), one VirtualService
 *   whose route `primary` sends 100 to `stable` and 0 to `canary`: the controller sets the
 *   weights and adds the header routes;
 * - the Gateway API: Argo's Gateway API plugin, an HTTPRoute over a stable and a canary
 *   Service (the controller must be configured with the plugin, see docs/engines.md);
 * - ingress-nginx: the `stableIngress` over the stable Service; the controller writes the
 *   canary Ingress with the canary annotations itself. It has no `setHeaderRoute`.
 * `Traffic.service()` has no router: use a CanaryApp, whose Rollout splits by pod counts.
 * A blue-green Rollout has no traffic routing: each router sends every request to the
 * active Service.
 */
export function argoRouting(check: Checks, target: TrafficTarget, traffic: Traffic): ArgoRouting {
  const spec = traffic._spec;
  const canaryService = `${target.name}-canary`;
  const stableService = `${target.name}-stable`;
  const activeService = `${target.name}-active`;
  if (spec instanceof IstioTraffic) return istioRouting(target, spec._options, canaryService);
  if (spec instanceof GatewayApiTraffic) return gatewayApiRouting(target, spec._options, stableService, canaryService, activeService);
  if (spec instanceof NginxTraffic) return nginxRouting(target, spec._options, stableService, canaryService, activeService);
  return refuseWithoutRouter(check, traffic);
}

/** A Gateway on Argo Rollouts needs a router; checked before the phases, whose pod-count rules would speak first. */
export function refuseWithoutRouter(check: Checks, traffic: Traffic): never {
  return check.fail(
    'provider',
    traffic.kind,
    'Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx() with Engine.argoRollouts(): a Gateway on Argo Rollouts splits requests by router weights; ' +
      'without a router, release one version after another with a CanaryApp on Engine.argoRollouts() (replica-based weights)',
  );
}

/** A ClusterIP Service over every pod of the app: Argo adds the ReplicaSet's hash to its selector during a rollout. */
function rolloutService(chart: Chart, id: string, target: TrafficTarget, name: string): void {
  renderService(chart, id, {
    name,
    namespace: target.namespace,
    labels: { ...target.labels },
    selector: { ...target.appSelector },
    type: ServiceType.CLUSTER_IP,
    ports: [clusterPort(target.port)],
  });
}

/** The two Services behind a Gateway API or NGINX router: the one it routes to (stable, or blue-green's active) and the canary (blue-green's preview). */
function rolloutServices(chart: Chart, target: TrafficTarget, routed: string, canary: string): string {
  rolloutService(chart, 'stable-service', target, routed);
  rolloutService(chart, 'canary-service', target, canary);
  return routed;
}

function clusterPort(p: ResolvedPort): ResolvedPort {
  return { ...p, nodePort: undefined };
}

function istioRouting(target: TrafficTarget, o: IstioOptions, canaryService: string): ArgoRouting {
  const kinds = KINDS[orDefault(o.apiVersion, IstioApiVersion.V1)];
  const inject = orDefault(o.injectNamespace, target.namespace !== undefined);
  const ingress = o.ingress === undefined ? undefined : resolveIngress(target, o.ingress);
  const host = target.namespace ? `${target.name}.${target.namespace}.svc.cluster.local` : target.name;
  const routeName = routeNameOf(target, o.routeName);
  const meta = (name: string) => ({ name, namespace: target.namespace, labels: { ...target.labels } });
  const destination = (subset: string) => ({ host, subset, port: { number: target.port.servicePort } });
  return {
    address: routeName,
    canaryService,
    activeService: target.name,
    headerRoutes: true,
    trafficRouting: (managedRoutes) => ({
      istio: {
        virtualService: { name: routeName, routes: ['primary'] },
        destinationRule: { name: target.name, canarySubsetName: 'canary', stableSubsetName: 'stable' },
      },
      managedRoutes: managedRoutes.length ? managedRoutes.map((name) => ({ name })) : undefined,
    }),
    render(chart, blueGreen) {
      if (inject) {
        const ns = new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: target.namespace!, labels: { 'istio-injection': 'enabled' } } });
        ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      renderService(chart, 'service', {
        name: target.name,
        namespace: target.namespace,
        labels: { ...target.labels },
        selector: { ...target.appSelector },
        type: target.serviceType,
        ports: [target.port],
        exposure: target.exposure as ResolvedExposure | undefined,
      });
      rolloutService(chart, 'canary-service', target, canaryService);
      if (!blueGreen) {
        new kinds.destinationRule(chart, 'destination-rule', {
          metadata: meta(target.name),
          spec: { host, subsets: ['canary', 'stable'].map((name) => ({ name, labels: { ...target.appSelector } })) },
        });
      }
      new kinds.virtualService(chart, 'virtual-service', {
        metadata: meta(routeName),
        spec: {
          hosts: ingress ? ingress.hosts : [host],
          gateways: ingress ? [ingress.name] : undefined,
          http: [
            blueGreen
              ? { name: 'primary', route: [{ destination: { host, port: { number: target.port.servicePort } } }] }
              : { name: 'primary', route: [{ destination: destination('stable'), weight: 100 }, { destination: destination('canary'), weight: 0 }] },
          ],
        },
      });
      if (ingress) {
        new kinds.gateway(chart, 'gateway', {
          metadata: meta(ingress.name),
          spec: { selector: ingress.selector, servers: [{ port: { number: ingress.port, name: 'http', protocol: 'HTTP' }, hosts: ingress.hosts }] },
        });
      }
    },
  };
}

function gatewayApiRouting(target: TrafficTarget, o: GatewayApiOptions, stableService: string, canaryService: string, activeService: string): ArgoRouting {
  const routeName = routeNameOf(target, o.routeName);
  const parentRefs = resolveParents(target.check, o.parentRefs);
  const backend = (name: string, weight: number) => ({ name, port: target.port.servicePort, weight });
  return {
    address: routeName,
    stableService,
    canaryService,
    activeService,
    headerRoutes: true,
    trafficRouting: (managedRoutes) => ({
      plugins: {
        [GATEWAY_API_PLUGIN]: {
          // The plugin adds the header routes to this HTTPRoute as rules of their own.
          httpRoutes: [{ name: routeName, useHeaderRoutes: managedRoutes.length ? true : undefined }],
          namespace: target.namespace,
        },
      },
      managedRoutes: managedRoutes.length ? managedRoutes.map((name) => ({ name })) : undefined,
    }),
    render(chart, blueGreen) {
      const routed = rolloutServices(chart, target, blueGreen ? activeService : stableService, canaryService);
      new ApiObject(chart, 'http-route', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: routeName, namespace: target.namespace, labels: { ...target.labels } },
        spec: { parentRefs, hostnames: o.hostnames, rules: [{ backendRefs: blueGreen ? [backend(routed, 100)] : [backend(routed, 100), backend(canaryService, 0)] }] },
      });
    },
  };
}

function nginxRouting(target: TrafficTarget, o: NginxOptions, stableService: string, canaryService: string, activeService: string): ArgoRouting {
  const routeName = routeNameOf(target, o.routeName);
  return {
    address: routeName,
    stableService,
    canaryService,
    activeService,
    headerRoutes: false,
    trafficRouting: () => ({ nginx: { stableIngress: routeName } }),
    render(chart, blueGreen) {
      const routed = rolloutServices(chart, target, blueGreen ? activeService : stableService, canaryService);
      new k8s.KubeIngress(chart, 'ingress', {
        metadata: { name: routeName, namespace: target.namespace, labels: { ...target.labels } },
        spec: {
          ingressClassName: orDefault(o.ingressClassName, 'nginx'),
          rules: [
            {
              host: o.host,
              http: { paths: [{ path: orDefault(o.path, '/'), pathType: 'Prefix', backend: { service: { name: routed, port: { number: target.port.servicePort } } } }] },
            },
          ],
        },
      });
    },
  };
}
