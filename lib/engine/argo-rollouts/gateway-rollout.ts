import { Chart } from 'cdk8s';
import { Labels } from '../../model/labels';
import { DeclaredPhase } from '../../model/release';
import { renderAutoscaler } from '../../render/autoscaling';
import { renderConfigMaps } from '../../render/released-config';
import { checkOneWorkload, gatewayReleaseShape } from '../gateway-shape';
import { ARGO_API_VERSION } from './analysis-template';
import { blueGreenStrategy, isBlueGreen } from './blue-green-rollout';
import { EngineDeclaration } from './canary-rollout';
import { canaryStrategy, refuseGates } from './gateway-canary-steps';
import { ENGINE, GatewayRolloutInput, GatewayStrategy, RolloutPair, RolloutVersion } from './gateway-input';
import { renderRollout } from './rollout';
import { argoRouting } from './traffic-routing';

/**
 * A Gateway on Argo Rollouts: one Rollout whose template is the stable version (folders
 * `stable`, `rollback`) or the new one (`release`). Its strategy is blue-green when every
 * phase sends every request to one version (no weights, no conditions: see
 * blue-green-rollout.ts), else canary steps (gateway-canary-steps.ts).
 *
 * What a Rollout cannot be is refused: more than two versions, a first phase other than
 * one version alone, a last phase other than the new version alone (the controller
 * promotes after the last step), versions with different replica counts.
 */
export function renderGatewayOnArgo(g: GatewayRolloutInput, addPhase: (name: string) => Chart): EngineDeclaration {
  const { check, plan, target } = g;
  const routing = argoRouting(check, target, g.provider);
  const first = plan.phases[0];
  const { stable, canary } = gatewayReleaseShape(check, plan, {
    engine: `with ${ENGINE}`,
    twoVersions: 'a Rollout runs a stable and a canary ReplicaSet, never a third version at once',
    firstPhase: "it is the Rollout's stable ReplicaSet",
    secondVersion: 'a Rollout with one version has nothing to walk',
    lastPhase: 'the controller promotes the new version after the last step, and a release that ends elsewhere is an abort (apply the rollback folder)',
  });
  if (g.gates.phases.includes(first.name)) refuseGates(g, first.name, 'Argo Rollouts runs no analysis when a Rollout is first created');
  const byVersion = new Map(g.versions.map((v) => [v.version, v]));
  const pair: RolloutPair = { stable: byVersion.get(stable)!, canary: byVersion.get(canary)! };
  checkOneWorkload(check, pair.stable, pair.canary, (v) => `the replicas and autoscaling of ${JSON.stringify(v)} with ${ENGINE}: one Rollout runs both versions and has one replica count (and one autoscaler)`);
  const strategy: GatewayStrategy = isBlueGreen(plan) ? blueGreenStrategy(g, routing, pair) : canaryStrategy(g, routing, pair);

  const rendered = (folder: string, run: RolloutVersion, configsOf: readonly RolloutVersion[]) => {
    const walked = run === pair.canary;
    const chart = addPhase(folder);
    for (const v of new Set(configsOf)) renderConfigMaps(chart, v.blueprint.config, { namespace: target.namespace, labels: target.labels });
    routing.render(chart, strategy.blueGreen);
    const { strategy: spec, steps } = strategy.render(chart, walked);
    renderRollout(chart, {
      name: target.name,
      namespace: target.namespace,
      labels: target.labels,
      options: g.options,
      replicas: run.autoscaling ? undefined : run.replicas,
      minReadySeconds: g.rollingUpdate.minReadySeconds,
      selector: { ...target.appSelector },
      podLabels: { ...run.blueprint.podLabels, ...target.labels, [Labels.VERSION]: run.version, [target.versionLabel]: run.version },
      podAnnotations: run.blueprint.podAnnotations,
      podSpec: run.blueprint.podSpec(run.image, { ...target.appSelector }),
      strategy: spec,
      overrides: run.blueprint.overrides.deployment,
    });
    if (run.autoscaling) {
      renderAutoscaler(chart, 'autoscaler', {
        name: target.name,
        namespace: target.namespace,
        labels: target.labels,
        target: { apiVersion: ARGO_API_VERSION, kind: 'Rollout', name: target.name },
        minReplicas: run.autoscaling.minReplicas ?? run.replicas,
        autoscaling: run.autoscaling,
      });
    }
    return steps;
  };

  rendered('stable', pair.stable, [pair.stable]);
  const steps = rendered('release', pair.canary, [pair.stable, pair.canary]);
  rendered('rollback', pair.stable, [pair.stable, pair.canary]);
  const all = (name: string, version: string, description: string): DeclaredPhase => ({
    name,
    description,
    addresses: [{ name: routing.address, minAvailable: g.minAvailable, routes: [{ conditions: [], backends: [{ version, weight: 100 }] }] }],
  });
  return {
    phases: [
      all('stable', stable, `every request to ${stable} (the Rollout's stable ReplicaSet)`),
      all('release', canary, strategy.describeRelease(steps)),
      all(
        'rollback',
        stable,
        strategy.blueGreen
          ? `the Rollout runs ${stable} again: during a rollout Argo Rollouts keeps or puts the active Service back on the stable ReplicaSet at once (a preview ReplicaSet is scaled up to every replica, then removed scaleDownDelaySeconds later); after a completed release ${stable} comes back as a new preview, promoted without a pause or analysis`
          : `the Rollout runs ${stable} again: during a rollout Argo Rollouts sends every request back to the stable ReplicaSet at once, skipping the remaining steps; after a completed release it walks the steps with ${stable} as the canary`,
      ),
    ],
    steps,
    transitions: [
      ['stable', 'release'],
      ['release', 'rollback'],
    ],
  };
}
