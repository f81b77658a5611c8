import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { CanaryApp, CanaryAppProps, CanaryStep, CapacityMode, Engine, Gate, Gateway, GatewayPhase, GatewayProps, Match, Release, Traffic } from '../../../lib';
import { Checks } from '../../../lib/model/checks';
import { defaultVersion, parseImage } from '../../../lib/model/image';
import { Case, ConstructSpec, invalid } from '../support/spec';
import { any, dns1035Label, pinnedImage, some } from './primitives';

// The engine choice: every CanaryApp and Gateway that maps to Argo Rollouts renders and passes the
// verifier, and each thing a Rollout cannot be is refused with the field and the engine named.

export type RoutedKind = 'istio' | 'gateway-api' | 'nginx';
export const ROUTERS: { [k in RoutedKind]: () => Traffic } = {
  istio: () => Traffic.istio(),
  'gateway-api': () => Traffic.gatewayApi({ parentRefs: [{ name: 'shop-gateway' }] }),
  nginx: () => Traffic.nginx(),
};
const as = <T>(x: unknown) => x as T;
export const PROMETHEUS = Gate.prometheus({ address: 'http://prometheus:9090', query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result < 0.05' });

/**
 * Gateways on Argo Rollouts: any router, 1 to 5 pods per version, v2 dark with 1 to that many
 * pods, up to three shares in whole percents, a header route where the router has
 * setHeaderRoute, analyses on some steps, then v2 alone.
 */
/** What every Gateway on Argo Rollouts draws: its id, two images, a router, 1 to 5 pods per version. */
export const ROUTED_GATEWAY = {
  id: dns1035Label(30),
  images: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }),
  kind: some<RoutedKind>('istio', 'gateway-api', 'nginx'),
  replicas: fc.integer({ min: 1, max: 5 }),
};

/** A Gateway on Argo Rollouts from the draws of ROUTED_GATEWAY: v1 and v2 with the same pods, and the phases, gates and engine given. */
export function routedGateway(
  d: { id: string; images: string[]; kind: RoutedKind; replicas: number },
  rest: Pick<GatewayProps, 'phases' | 'gates' | 'engine'>,
): Case<GatewayProps> {
  return {
    id: d.id,
    props: {
      ports: [{ name: 'http', containerPort: 8080 }],
      provider: ROUTERS[d.kind](),
      versions: { v1: { image: d.images[0], replicas: d.replicas }, v2: { image: d.images[1], replicas: d.replicas } },
      ...rest,
    },
  };
}

const validArgoGateway: fc.Arbitrary<Case<GatewayProps>> = fc
  .record({
    ...ROUTED_GATEWAY,
    dark: fc.integer({ min: 1, max: 5 }),
    shares: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }),
    header: fc.boolean(),
    gated: fc.boolean(),
  })
  .map(({ dark, shares, header, gated, ...d }) => {
    const { kind, replicas } = d;
    const middle: GatewayPhase[] = [
      Release.to('v1').withDark('v2').withReplicas({ v2: Math.min(dark, replicas) }).named('dark'),
      ...shares.map((s) => Release.split({ v1: 100 - s, v2: s }).named(`share-${s}`)),
      ...(header && kind !== 'nginx' ? [Release.to('v1').when(Match.header('x-beta', '1'), 'v2').named('beta')] : []),
    ];
    return routedGateway(d, {
      phases: [Release.to('v1').named('v1'), ...middle, Release.to('v2').withDark('v1').named('v2')],
      gates: gated ? { dark: [PROMETHEUS] } : undefined,
      engine: Engine.argoRollouts(),
    });
  });

const FOUR = (third: GatewayPhase): GatewayPhase[] => [Release.to('v1').named('v1'), Release.to('v1').withDark('v2').named('dark'), third, Release.to('v2').withDark('v1').named('v2')];
const g = (title: string, field: string, expected: RegExp, patch: (p: GatewayProps) => Partial<GatewayProps> | fc.Arbitrary<Partial<GatewayProps>>) => invalid(validArgoGateway, title, field, expected, patch);

export const argoGatewaySpec: ConstructSpec<GatewayProps> = {
  name: 'Gateway on Argo Rollouts',
  valid: validArgoGateway,
  invalid: [
    g('a Gateway without a router on Argo Rollouts', 'provider', /Traffic.istio\(\), Traffic.gatewayApi\(\) or Traffic.nginx\(\) with Engine.argoRollouts\(\)/, () => ({ provider: Traffic.service() })),
    g('more than two versions on Argo Rollouts', 'versions', /at most two versions in the phases with Engine.argoRollouts\(\)/, (p) => ({
      provider: ROUTERS.istio(),
      gates: undefined,
      versions: { ...p.versions, v3: { image: 'acme/third:3.0.0', replicas: p.versions.v1.replicas } },
      phases: [Release.to('v1'), Release.to('v1').withDark('v2', 'v3').named('dark'), Release.split({ v1: 50, v2: 25, v3: 25 }), Release.to('v3').withDark('v1', 'v2')],
    })),
    g('a first phase that is not one version alone on Argo Rollouts', 'phases[0]', /a first phase that runs one version alone/, () => ({ gates: undefined, phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1')] })),
    g('a release that does not end on the new version alone on Argo Rollouts', 'phases[2]', /a last phase that sends every request to "v2"/, () => ({ phases: FOUR(Release.to('v1').withDark('v2').named('back')).slice(0, 3) })),
    g('a share that is no whole percent on Argo Rollouts', 'phases[2].weights', /a whole percentage with Engine.argoRollouts\(\)/, () =>
      any(2, 5, 8).map((k) => ({ provider: ROUTERS['gateway-api'](), gates: undefined, phases: FOUR(Release.split({ v1: k, v2: 1 }).named('odd')) })),
    ),
    g('a condition route with NGINX on Argo Rollouts', 'phases[2].when[0]', /no setHeaderRoute for this router/, () => ({ provider: ROUTERS.nginx(), phases: FOUR(Release.to('v1').when(Match.header('x-beta', 'always'), 'v2').named('beta')) })),
    g('a condition route to the stable version on Argo Rollouts', 'phases[2].when[0].version', /setHeaderRoute sends the requests that match to the canary ReplicaSet only/, (p) => ({
      provider: ROUTERS.istio(),
      phases: FOUR(Release.to('v2').when(Match.header('x-old', '1'), 'v1').withReplicas({ v1: p.versions.v1.replicas! }).named('old')),
    })),
    g('a gate of the first phase on Argo Rollouts', 'gates.v1', /Argo Rollouts runs no analysis when a Rollout is first created/, () => ({ gates: { v1: [PROMETHEUS] } })),
    // A release with a share is canary steps: its last phase has no step (blue-green's promotion has one, its postPromotionAnalysis).
    g('a gate of the last phase on Argo Rollouts', 'gates.v2', /Argo Rollouts promotes by itself after the last step/, () => ({ phases: FOUR(Release.split({ v1: 50, v2: 50 }).named('half')), gates: { v2: [PROMETHEUS] } })),
    g('versions with different replicas on Argo Rollouts', 'versions.v2', /one Rollout runs both versions and has one replica count/, (p) => ({
      versions: { v1: p.versions.v1, v2: { ...p.versions.v2, replicas: p.versions.v1.replicas! + 1 } },
    })),
    g('other stable pods during a step on Argo Rollouts', 'phases[2].replicas.v1', /the stable ReplicaSet keeps the Rollout's replicas through every step/, (p) => ({
      phases: FOUR(Release.split({ v1: 50, v2: 50 }).withReplicas({ v1: p.versions.v1.replicas! + 1 }).named('half')),
    })),
    g('an engine that is not one', 'engine', /Engine\.phases\(\), Engine\.argoRollouts\(\) or Engine\.flagger\(\)/, () => any('argo-rollouts', {}, 1).map((e) => ({ engine: as<Engine>(e) }))),
    g('an unknown option of Argo Rollouts', 'engine.revisionHistory', /a property of ArgoRolloutsOptions/, () => ({ engine: Engine.argoRollouts(as({ revisionHistory: 3 })) })),
  ],
  build: (scope: Construct, c: Case<GatewayProps>) => new Gateway(scope, c.id, c.props),
};

/**
 * CanaryApps on Argo Rollouts without a router: every replica count and canary steps with
 * CapacityMode.CONSTANT (the controller's rounding gives each step's counts), or one surge
 * pod on top.
 */
/** The version label a CanaryApp derives from an image: two images with one tag would be one version. */
const versionOf = (image: string) => defaultVersion(parseImage(new Checks('image'), 'image', image));

const validArgoCanary: fc.Arbitrary<Case<CanaryAppProps>> = fc
  .record({ id: dns1035Label(30), images: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2, selector: versionOf }), replicas: fc.integer({ min: 2, max: 12 }), surge: fc.boolean() })
  .chain(({ id, images, replicas, surge }) =>
    (surge ? fc.constant([1]) : fc.uniqueArray(fc.integer({ min: 1, max: replicas - 1 }), { minLength: 1, maxLength: 3 }).map((s) => s.sort((a, b) => a - b))).map((canaries) => ({
      id,
      props: {
        stableImage: images[0],
        canaryImage: images[1],
        replicas,
        capacity: surge ? CapacityMode.SURGE : CapacityMode.CONSTANT,
        steps: canaries.map((n) => CanaryStep.replicas(n)),
        engine: Engine.argoRollouts(),
      },
    })),
  );

const c = (title: string, field: string, expected: RegExp, patch: (p: CanaryAppProps) => Partial<CanaryAppProps> | fc.Arbitrary<Partial<CanaryAppProps>>) => invalid(validArgoCanary, title, field, expected, patch);

export const argoCanarySpec: ConstructSpec<CanaryAppProps> = {
  name: 'CanaryApp on Argo Rollouts',
  valid: validArgoCanary,
  invalid: [
    c('a gate of a phase with no step on Argo Rollouts', 'gates.dark', /gates of canary steps only with Engine.argoRollouts\(\)/, () => ({ gates: { dark: [Gate.http()] } })),
    c('a rolling update that may stop every stable pod on Argo Rollouts', 'rollingUpdate.maxUnavailable', /engine argo-rollouts, feature maxUnavailable/, (p) =>
      any(p.replicas!, p.replicas! + 1, '100%').map((maxUnavailable) => ({ rollingUpdate: { maxSurge: 1, maxUnavailable } })),
    ),
    c('surge pods no replica count gives on Argo Rollouts', 'steps', /steps Argo Rollouts can run without a router/, (p) => ({ capacity: CapacityMode.SURGE, replicas: 3, steps: [CanaryStep.replicas(2)], stableImage: p.stableImage })),
  ],
  build: (scope: Construct, k: Case<CanaryAppProps>) => new CanaryApp(scope, k.id, k.props),
};
