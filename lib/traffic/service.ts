import { Construct } from 'constructs';
import { GatewayPlanPhase } from '../model/gateway-plan';
import { DeclaredRoute } from '../model/release';
import { releasedWeights, renderAddressService, TrafficCapabilities, TrafficProviderSpec, TrafficRouter, TrafficTarget } from './provider';
import { gcd } from '../model/gcd';

/**
 * Plain Kubernetes: one Service selects the released versions and kube-proxy spreads
 * connections evenly over their ready pods, so weights are realised by pod counts.
 * A Service selector is a plain label match: it selects one version (by its version
 * label) or all of them, never "these two but not that one", and it cannot look at
 * requests, so conditions are refused.
 */
export class ServiceTraffic implements TrafficProviderSpec {
  public readonly kind = 'service' as const;
  public readonly capabilities: TrafficCapabilities = { conditions: false, weightsArePercentages: false };

  public bind(target: TrafficTarget): TrafficRouter {
    const { check } = target;
    return {
      address: target.name,

      realise(phase: GatewayPlanPhase): DeclaredRoute[] {
        const released = releasedWeights(phase);
        const dark = phase.deployed.filter((d) => !released.some((w) => w.version === d.version));
        if (released.length > 1 && dark.length) {
          check.fail(
            phase.field,
            dark.map((d) => d.version),
            'no version deployed without requests while several receive them: one Service selects either one version or all of them ' +
              '(remove the dark version from this phase, or use Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx())',
          );
        }
        const pods = (v: string) => phase.deployed.find((d) => d.version === v)!.replicas;
        const weightSum = released.reduce((n, w) => n + w.weight, 0);
        const podSum = released.reduce((n, w) => n + pods(w.version), 0);
        for (const w of released) {
          if (pods(w.version) * weightSum !== w.weight * podSum) {
            const g = released.reduce((a, x) => gcd(a, x.weight), 0);
            const k = Math.max(1, Math.ceil(podSum / (weightSum / g)));
            const suggestion = Object.fromEntries(released.map((x) => [x.version, (x.weight / g) * k]));
            const now = released.map((x) => `${x.version}: ${pods(x.version)} pod${pods(x.version) === 1 ? '' : 's'}`).join(', ');
            check.fail(
              w.field,
              w.weight,
              `a weight that pod counts realise exactly: a Service spreads requests evenly over pods and ${now} give ${w.version} ` +
                `${pods(w.version)}/${podSum} of them, not ${w.weight}/${weightSum}; set pods in the ratio of the weights, ` +
                `e.g. .withReplicas(${JSON.stringify(suggestion)})`,
            );
          }
        }
        return [{ conditions: [], backends: released.map((w) => ({ version: w.version, weight: pods(w.version) })) }];
      },

      render(scope: Construct, phase: GatewayPlanPhase): void {
        // One version: pinned by its label, which also keeps dark versions out; several: all of them (realise refused dark ones).
        renderAddressService(scope, target, phase, releasedWeights(phase).map((w) => w.version));
      },
    };
  }
}

