import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { Engine, Gate, Gateway, GatewayPhase, GatewayProps, Release } from '../../../lib';
import { Case, ConstructSpec, invalid } from '../support/spec';
import { PROMETHEUS, ROUTED_GATEWAY, routedGateway } from './argo-rollouts';
import { any, some } from './primitives';

// Blue-green releases on Argo Rollouts: a Gateway whose phases each send every request to one
// version. Every one renders a blue-green Rollout that passes the verifier, behind each router;
// each thing a blue-green Rollout cannot be is refused with the field and the feature named.

const blue = Release.to('v1').named('blue');
const preview = (pods: number) => Release.to('v1').withDark('v2').withReplicas({ v2: pods }).named('preview');
const green = Release.to('v2').withDark('v1').named('green');
const done = Release.to('v2').named('done');

/**
 * Any router, 1 to 5 pods per version, a preview of 1 to that many pods, a smoke test or an
 * analysis (or nothing: a person promotes) before the promotion, an analysis after it or not,
 * the old version removed in a last phase or not, any scaleDownDelaySeconds.
 */
const validBlueGreen: fc.Arbitrary<Case<GatewayProps>> = fc
  .record({
    ...ROUTED_GATEWAY,
    previewPods: fc.integer({ min: 1, max: 5 }),
    pre: some<'none' | 'smoke' | 'analysis'>('none', 'smoke', 'analysis'),
    post: fc.boolean(),
    removeOld: fc.boolean(),
    scaleDown: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: undefined }),
  })
  .map(({ previewPods, pre, post, removeOld, scaleDown, ...d }) => {
    const gates: { [phase: string]: Gate[] } = {};
    if (pre !== 'none') gates.preview = [pre === 'smoke' ? Gate.http() : PROMETHEUS];
    if (post) gates.green = [PROMETHEUS];
    return routedGateway(d, {
      phases: [blue, preview(Math.min(previewPods, d.replicas)), green, ...(removeOld ? [done] : [])],
      gates,
      engine: Engine.argoRollouts({ scaleDownDelaySeconds: scaleDown }),
    });
  });

const g = (title: string, field: string, expected: RegExp, patch: (p: GatewayProps) => Partial<GatewayProps> | fc.Arbitrary<Partial<GatewayProps>>) => invalid(validBlueGreen, title, field, expected, patch);
const replicasOf = (p: GatewayProps) => p.versions.v1.replicas!;
const phases = (...list: GatewayPhase[]) => ({ phases: list });

export const argoBlueGreenSpec: ConstructSpec<GatewayProps> = {
  name: 'Gateway on Argo Rollouts, blue-green',
  valid: validBlueGreen,
  invalid: [
    g('two preview phases in a blue-green release on Argo Rollouts', 'phases[2]', /one phase between the first and the promotion \(engine argo-rollouts, feature blueGreen\)/, () =>
      phases(blue, preview(1), Release.to('v1').withDark('v2').named('preview-full'), green),
    ),
    g('a phase back to the stable version after a blue-green promotion on Argo Rollouts', 'phases[3]', /once promoted, the Rollout returns to "v1" only by an abort/, () =>
      phases(blue, preview(1), green, Release.to('v1').withDark('v2').named('back'), Release.to('v2').withDark('v1').named('again')),
    ),
    g('gates of a phase after a blue-green promotion on Argo Rollouts', 'gates.done', /\(postPromotionAnalysis\) only \(engine argo-rollouts, feature blueGreen\)/, (p) => ({
      phases: [blue, preview(1), green, done],
      gates: { ...p.gates, done: [PROMETHEUS] },
    })),
    g('a blue-green preview with more pods than the replicas on Argo Rollouts', 'phases[1].replicas.v2', /in the preview \(engine argo-rollouts, feature previewReplicaCount\)/, (p) => phases(blue, preview(replicasOf(p) + 1), green)),
    g('other active pods during a blue-green preview on Argo Rollouts', 'phases[1].replicas.v1', /the active ReplicaSet keeps the Rollout's replicas until the promotion/, (p) =>
      phases(blue, preview(1).withReplicas({ v1: replicasOf(p) + 1 }), green),
    ),
    g('other pods of the new version once promoted blue-green on Argo Rollouts', 'phases[2].replicas.v2', /the promoted ReplicaSet runs the Rollout's replicas/, (p) => phases(blue, preview(1), green.withReplicas({ v2: replicasOf(p) + 1 }))),
    g('other pods of the old version before its blue-green scale-down on Argo Rollouts', 'phases[2].replicas.v1', /until the controller scales it down \(scaleDownDelaySeconds\)/, (p) =>
      phases(blue, preview(1), green.withReplicas({ v1: replicasOf(p) + 1 })),
    ),
    g('a scaleDownDelaySeconds that is no count of seconds', 'engine.scaleDownDelaySeconds', /an integer from 0 to/, () => any(-1, 1.5, '30s').map((s) => ({ engine: Engine.argoRollouts({ scaleDownDelaySeconds: s }) }))),
  ],
  build: (scope: Construct, c: Case<GatewayProps>) => new Gateway(scope, c.id, c.props),
};
