import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../../../imports/networking.istio.io';
import { Checks } from '../../model/checks';
import { k8s } from '../../render/k8s';
import { GatewayApiOptions } from '../../traffic/gateway-api';
import { IstioApiVersion, IstioOptions } from '../../traffic/istio';
import { NginxOptions } from '../../traffic/nginx';
import { TrafficTarget } from '../../traffic/provider';
import { Traffic } from '../../traffic/traffic';
import { FlaggerProvider } from './match';

/** What a Canary says of its router, and the objects of the router Flagger does not create. */
export interface FlaggerRouting {
  readonly provider: FlaggerProvider;
  /** Fields of `spec.service` beyond name and ports. */
  readonly service: { readonly gateways?: string[]; readonly hosts?: string[]; readonly gatewayRefs?: object[] };
  readonly ingressRef?: { readonly apiVersion: string; readonly kind: 'Ingress'; readonly name: string };
  /** Renders what the release owns besides the Canary: the Ingress Flagger clones, an Istio Gateway, the injected namespace. */
  render(scope: Construct): void;
}

const FEATURE = '(engine flagger, feature provider)';

/**
 * The router of a Canary. The provider's own checks run first (`_bind`); what Flagger
 * then writes itself (Services `<name>`, `<name>-primary`, `<name>-canary`, the
 * VirtualService, HTTPRoute or canary Ingress, all named after the Service) leaves no
 * room for a route name of another's, which is refused.
 */
export function flaggerRouting(check: Checks, traffic: Traffic, target: TrafficTarget): FlaggerRouting {
  traffic._bind(target);
  const named = (routeName: string | undefined) => {
    if (routeName !== undefined && routeName !== target.name) {
      check.fail('engine.provider.routeName', routeName, `${JSON.stringify(target.name)}, the Service's name ${FEATURE}: Flagger names the route it writes after the Service`);
    }
  };
  const meta = (name: string) => ({ name, namespace: target.namespace, labels: { ...target.labels } });
  if (traffic.kind === 'nginx') {
    const o = traffic._options as NginxOptions;
    const name = o.routeName ?? target.name;
    return {
      provider: 'nginx',
      service: {},
      ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name },
      render: (scope) =>
        new k8s.KubeIngress(scope, 'ingress', {
          metadata: meta(name),
          spec: {
            ingressClassName: o.ingressClassName ?? 'nginx',
            // Flagger clones this Ingress as <name>-canary, pointed at the Service <service>-canary.
            rules: [{ host: o.host, http: { paths: [{ path: o.path ?? '/', pathType: 'Prefix', backend: { service: { name: target.name, port: { number: target.port.servicePort } } } }] } }],
          },
        }),
    };
  }
  if (traffic.kind === 'gateway-api') {
    const o = traffic._options as GatewayApiOptions;
    named(o.routeName);
    return { provider: 'gatewayapi:v1', service: { gatewayRefs: o.parentRefs.map((p) => ({ ...p })), ...(o.hostnames ? { hosts: [...o.hostnames] } : {}) }, render: () => undefined };
  }
  const o = traffic._options as IstioOptions;
  named(o.routeName);
  const inject = o.injectNamespace ?? target.namespace !== undefined;
  const ingress = o.ingress && { name: o.ingress.gatewayName ?? `${target.name}-gateway`, hosts: o.ingress.hosts ?? ['*'], port: o.ingress.port ?? 80, selector: o.ingress.selector ?? { istio: 'ingressgateway' } };
  return {
    provider: 'istio',
    // With an ingress gateway, the mesh too: Flagger binds the VirtualService to the gateways listed only.
    service: ingress ? { gateways: [ingress.name, 'mesh'], hosts: ingress.hosts } : {},
    render: (scope) => {
      if (inject) {
        const ns = new k8s.KubeNamespace(scope, 'namespace', { metadata: { name: target.namespace!, labels: { 'istio-injection': 'enabled' } } });
        ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
      if (ingress) {
        const Gateway = o.apiVersion === IstioApiVersion.V1BETA1 ? istio.GatewayV1Beta1 : istio.Gateway;
        new Gateway(scope, 'gateway', {
          metadata: meta(ingress.name),
          spec: { selector: ingress.selector, servers: [{ port: { number: ingress.port, name: 'http', protocol: 'HTTP' }, hosts: ingress.hosts }] },
        });
      }
    },
  };
}
