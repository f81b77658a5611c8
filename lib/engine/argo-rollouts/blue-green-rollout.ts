import { GatewayPlan, routedVersions } from '../../model/gateway-plan';
import { DeclaredAddress, DeclaredStep } from '../../model/release';
import { ResolvedGate } from '../../render/gate-job';
import { analysesOf, checkPods, GatewayRolloutInput, GatewayStrategy, RolloutPair } from './gateway-input';
import { ArgoRouting } from './traffic-routing';

const FEATURE = '(engine argo-rollouts, feature blueGreen)';

/**
 * Whether a Gateway's release is blue-green: every phase sends every request to one
 * version (no weights between versions, no conditions). The new version then only ever
 * runs dark (the preview) until all requests move to it at once (the promotion).
 */
export function isBlueGreen(plan: GatewayPlan): boolean {
  return plan.phases.every((p) => p.routes.length === 0 && p.weights.filter((w) => w.weight > 0).length === 1);
}

/**
 * The blue-green strategy of a Gateway's Rollout. The phases are: the first (the stable
 * version alone), one preview (the new version dark, with `previewReplicaCount` pods when
 * the phase gives it fewer than the replicas, behind `previewService`), then the promotion
 * (every request to the new version: the controller points `activeService` at the new
 * ReplicaSet) and, optionally, phases that remove the old version (which the controller
 * scales down `scaleDownDelaySeconds` after the promotion). The preview's gates are the
 * `prePromotionAnalysis`; without any, a person promotes (`autoPromotionEnabled: false`,
 * `kubectl argo rollouts promote`). The promotion's gates are the `postPromotionAnalysis`,
 * run while the old ReplicaSet still has its pods. The folders `stable` and `rollback` hold the
 * same Services and AnalysisTemplates but a strategy that promotes the stable version at
 * once (no pause, no analysis): applied after a promotion, `rollback` is a new blue-green
 * update to the old version, which must not wait for a person nor measure the new one.
 *
 * Refused: more than one preview phase (a blue-green Rollout has one preview), a phase that
 * sends requests back to the stable version after the promotion, gates of phases after
 * the promotion phase, pod counts the controller does not keep.
 */
export function blueGreenStrategy(g: GatewayRolloutInput, routing: ArgoRouting, pair: RolloutPair): GatewayStrategy {
  const { check, plan } = g;
  const stable = pair.stable.version;
  const canary = pair.canary.version;
  const replicas = pair.stable.replicas;
  const promotionAt = plan.phases.findIndex((p) => routedVersions(p).has(canary));
  const previews = plan.phases.slice(1, promotionAt);
  if (previews.length > 1) {
    check.fail(
      previews[1].field,
      previews[1].name,
      `one phase between the first and the promotion ${FEATURE}: a blue-green Rollout has one preview (the new ReplicaSet behind previewService, its prePromotionAnalysis, then the promotion); ` +
        `merge "${previews[0].name}" and "${previews[1].name}" into one dark phase, or give ${JSON.stringify(canary)} a share in one of them (canary steps)`,
    );
  }
  const preview = previews[0];
  const after = plan.phases.slice(promotionAt);
  const promotion = after[0];
  for (const p of after.slice(1)) {
    if (!routedVersions(p).has(canary)) {
      check.fail(p.field, p.name, `a phase that sends every request to ${JSON.stringify(canary)} after the promotion "${promotion.name}" ${FEATURE}: once promoted, the Rollout returns to ${JSON.stringify(stable)} only by an abort (apply the rollback folder)`);
    }
    if (g.gates.phases.includes(p.name)) {
      check.fail(`gates.${p.name}`, p.name, `gates of the preview "${preview.name}" (prePromotionAnalysis) or of the promotion "${promotion.name}" (postPromotionAnalysis) only ${FEATURE}: the Rollout runs no analysis after these`);
    }
  }
  checkPods(g, preview, stable, replicas, 'the active ReplicaSet keeps the Rollout\'s replicas until the promotion', FEATURE);
  const previewPods = preview.deployed.find((d) => d.version === canary)!.replicas;
  if (previewPods > replicas) {
    check.fail(`${preview.field}.replicas.${canary}`, previewPods, `at most ${replicas} pods of ${JSON.stringify(canary)} in the preview (engine argo-rollouts, feature previewReplicaCount): the preview runs previewReplicaCount pods, never more than the Rollout's replicas`);
  }
  for (const p of after) {
    checkPods(g, p, canary, replicas, 'the promoted ReplicaSet runs the Rollout\'s replicas', FEATURE);
    if (p.deployed.some((d) => d.version === stable)) checkPods(g, p, stable, replicas, 'the old ReplicaSet keeps its pods until the controller scales it down (scaleDownDelaySeconds)', FEATURE);
  }

  // The canary strategy's canaryService, and a CanaryApp's preview Service: the name fits whatever the app's name.
  const previewService = routing.canaryService;
  const active = routing.activeService;
  const delay = g.options.scaleDownDelaySeconds;
  const templates = (gates: readonly ResolvedGate[]) => (gates.length ? { templates: gates.map((x) => ({ templateName: x.declared.job })) } : undefined);
  const jobs = (gates: readonly ResolvedGate[]) => gates.map((x) => x.declared.job).join(', ');
  const all = (version: string): DeclaredAddress => ({ name: routing.address, minAvailable: g.minAvailable, routes: [{ conditions: [], backends: [{ version, weight: 100 }] }] });
  return {
    blueGreen: true,
    render(chart, walked) {
      const pre = analysesOf(g, chart, preview.name, canary, [previewService]);
      const post = analysesOf(g, chart, promotion.name, canary, [active]);
      // Back to the stable version (rollback, or stable applied again), the Rollout promotes as soon as its
      // pods are ready: no preview pause, no analysis of the new version, whatever the release had reached.
      const strategy = {
        blueGreen: {
          activeService: active,
          previewService,
          autoPromotionEnabled: !walked || pre.length > 0,
          previewReplicaCount: walked && previewPods < replicas ? previewPods : undefined,
          scaleDownDelaySeconds: delay,
          abortScaleDownDelaySeconds: g.options.abortScaleDownDelaySeconds,
          prePromotionAnalysis: walked ? templates(pre) : undefined,
          postPromotionAnalysis: walked ? templates(post) : undefined,
        },
      };
      const steps: DeclaredStep[] = [
        {
          name: preview.name,
          description:
            `preview: ${canary} runs ${previewPods} pods behind ${previewService} without production requests, ${active} keeps every request on ${stable}: ${preview.description}; ` +
            (pre.length ? `then the analyses ${jobs(pre)} (prePromotionAnalysis), then the promotion` : 'then a pause until `kubectl argo rollouts promote` (autoPromotionEnabled: false)'),
          addresses: [all(stable)],
          ...(pre.length ? { gates: pre.map((x) => x.declared) } : { pause: {} }),
        },
        {
          name: promotion.name,
          description:
            `promotion: ${canary} scaled to ${replicas} pods, then ${active} sends it every request: ${promotion.description}; ` +
            `${post.length ? `then the analyses ${jobs(post)} (postPromotionAnalysis; a failure switches back to ${stable}), ` : ''}${stable} scaled down ${delay} s later (scaleDownDelaySeconds)`,
          addresses: [all(canary)],
          ...(post.length ? { gates: post.map((x) => x.declared) } : {}),
        },
      ];
      return { strategy, steps };
    },
    describeRelease: () => `the Rollout runs ${canary}: Argo Rollouts brings it up behind ${previewService}, then promotes it: ${active} sends it every request`,
  };
}

