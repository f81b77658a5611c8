import { TrafficProvider } from '../model/release';
import { GatewayApiOptions, GatewayApiTraffic } from './gateway-api';
import { IstioOptions, IstioTraffic } from './istio';
import { NginxOptions, NginxTraffic } from './nginx';
import { checkCapabilities, TrafficCapabilities, TrafficProviderSpec, TrafficRouter, TrafficTarget } from './provider';
import { ServiceTraffic } from './service';

/** How a Gateway's requests reach its versions. */
export class Traffic {
  /**
   * Plain Kubernetes, no router: one Service selects the released versions and weights
   * are realised by pod counts (exactly, or an error says which counts would work).
   * Cannot route by request content.
   */
  public static service(): Traffic {
    return new Traffic(new ServiceTraffic());
  }

  /** Istio: DestinationRule subsets per version and a VirtualService; optionally an ingress Gateway. */
  public static istio(options: IstioOptions = {}): Traffic {
    return new Traffic(new IstioTraffic(options));
  }

  /** The Gateway API: a Service per version and an HTTPRoute attached to `parentRefs`. */
  public static gatewayApi(options: GatewayApiOptions): Traffic {
    return new Traffic(new GatewayApiTraffic(options));
  }

  /** ingress-nginx canary annotations: a primary and a canary Ingress, at most two versions. */
  public static nginx(options: NginxOptions = {}): Traffic {
    return new Traffic(new NginxTraffic(options));
  }

  private constructor(private readonly spec: TrafficProviderSpec) {}

  /** The provider's name in release.json. */
  public get kind(): TrafficProvider {
    return this.spec.kind;
  }

  /** The provider's own description, options as given (checked when bound). @internal */
  public get _spec(): TrafficProviderSpec {
    return this.spec;
  }

  /** What the provider can express. */
  public get capabilities(): TrafficCapabilities {
    return this.spec.capabilities;
  }

  /**
   * The options the provider was made with, unchecked: an engine that routes with its
   * own controller (Flagger) reads them after `_bind` has checked them.
   * @internal
   */
  public get _options(): unknown {
    return (this.spec as { options?: unknown }).options ?? {};
  }

  /**
   * The provider bound to a Gateway; every phase is checked against what the provider
   * can express (conditions, versions, percentages) before the provider's own checks.
   * @internal
   */
  public _bind(target: TrafficTarget): TrafficRouter {
    const router = this.spec.bind(target);
    const { kind, capabilities } = this.spec;
    return {
      address: router.address,
      realise: (phase) => {
        checkCapabilities(target.check, kind, capabilities, phase);
        return router.realise(phase);
      },
      render: (scope, phase) => router.render(scope, phase),
    };
  }
}
