import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { Engine, Gate, Gateway, GatewayPhase, GatewayProps, Match, Release, ServiceType, Traffic } from '../../../lib';
import { Case, ConstructSpec, invalid } from '../support/spec';
import { any, dns1035Label, pinnedImage, some } from './primitives';

// Gateways on Flagger: every router Flagger drives, weights or one A/B test between a dark
// phase and the promotion; and each thing a Canary cannot be, refused naming engine and feature.

type RoutedKind = 'istio' | 'gateway-api' | 'nginx';
const ROUTERS: { [k in RoutedKind]: () => Traffic } = {
  istio: () => Traffic.istio(),
  'gateway-api': () => Traffic.gatewayApi({ parentRefs: [{ name: 'shop-gateway' }] }),
  nginx: () => Traffic.nginx({ host: 'shop.example.com' }),
};
const PROMETHEUS = () =>
  Gate.prometheus({ address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result <= 0.05', count: 1, intervalSeconds: 60 });
const FIRST = Release.to('v1').named('v1');
const DARK = Release.to('v1').withDark('v2').named('dark');
const LAST = Release.to('v2').withDark('v1').named('v2');

/**
 * Any router, 1 to 5 pods per version (or an autoscaler), v2 dark, then rising shares in
 * whole percents or one header route to v2, the same Prometheus gate at each step or
 * none, a smoke test in the dark phase or none, then v2 alone.
 */
const validFlaggerGateway: fc.Arbitrary<Case<GatewayProps>> = fc
  .record({
    id: dns1035Label(30),
    images: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }),
    kind: some<RoutedKind>('istio', 'gateway-api', 'nginx'),
    replicas: fc.integer({ min: 1, max: 5 }),
    autoscaled: fc.boolean(),
    shares: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }),
    ab: fc.boolean(),
    metric: fc.boolean(),
    smoke: fc.boolean(),
  })
  .map(({ id, images, kind, replicas, autoscaled, shares, ab, metric, smoke }): Case<GatewayProps> => {
    const steps: GatewayPhase[] = ab
      ? [Release.to('v1').when(Match.header('x-beta', 'yes'), 'v2').named('beta')]
      : shares.sort((a, b) => a - b).map((s) => Release.split({ v1: 100 - s, v2: s }).named(`share-${s}`));
    const names = ab ? ['beta'] : shares.map((s) => `share-${s}`);
    return {
      id,
      props: {
        namespace: 'shop',
        ports: [{ name: 'http', containerPort: 8080 }],
        provider: ROUTERS[kind](),
        versions: { v1: { image: images[0], replicas }, v2: { image: images[1], replicas } },
        autoscaling: autoscaled ? { maxReplicas: replicas + 2 } : undefined,
        phases: [FIRST, DARK, ...steps, LAST],
        gates: {
          ...(smoke ? { dark: [Gate.http({ path: '/ready', intervalSeconds: 60 })] } : {}),
          ...(metric ? Object.fromEntries(names.map((n) => [n, [PROMETHEUS()]])) : {}),
        },
        engine: Engine.flagger(),
      },
    };
  });

const FOUR = (third: GatewayPhase): GatewayPhase[] => [FIRST, DARK, third, LAST];
const g = (title: string, field: string, expected: RegExp, patch: (p: GatewayProps) => Partial<GatewayProps> | fc.Arbitrary<Partial<GatewayProps>>) => invalid(validFlaggerGateway, title, field, expected, patch);

export const flaggerGatewaySpec: ConstructSpec<GatewayProps> = {
  name: 'Gateway on Flagger',
  valid: validFlaggerGateway,
  invalid: [
    g('a Gateway without a router on Flagger', 'provider', /engine flagger, feature provider/, () => ({ provider: Traffic.service() })),
    g('a router of the engine other than the Gateway\'s on Flagger', 'engine.provider', /the same router as the release's `provider`.*engine flagger, feature provider/, (p) => ({
      engine: Engine.flagger({ provider: p.provider!.kind === 'nginx' ? ROUTERS.istio() : ROUTERS.nginx() }),
    })),
    g('more than two versions on Flagger', 'versions', /at most two versions in the phases \(engine flagger, feature Gateway phases\)/, (p) => ({
      provider: ROUTERS.istio(),
      gates: undefined,
      versions: { ...p.versions, v3: { image: 'acme/third:3.0.0', replicas: p.versions.v1.replicas } },
      phases: [Release.to('v1'), Release.to('v1').withDark('v2', 'v3').named('dark'), Release.split({ v1: 50, v2: 25, v3: 25 }), Release.to('v3').withDark('v1', 'v2')],
    })),
    g('a first phase that is not one version alone on Flagger', 'phases[0]', /a first phase that runs one version alone \(Release.to\(version\)\) \(engine flagger/, () => ({
      gates: undefined,
      phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1')],
    })),
    g('a release that does not end on the new version alone on Flagger', 'phases[2]', /a last phase that sends every request to "v2".*engine flagger/, () => ({
      gates: undefined,
      phases: FOUR(Release.split({ v1: 50, v2: 50 }).named('half')).slice(0, 3),
    })),
    g('a share that is no whole percent on Flagger', 'phases[2].weights', /engine flagger, feature stepWeights/, () =>
      any(2, 5, 8).map((k) => ({ provider: ROUTERS['gateway-api'](), gates: undefined, phases: FOUR(Release.split({ v1: k, v2: 1 }).named('odd')) })),
    ),
    g('weights and a route by conditions in one release on Flagger', 'phases[2].weights', /engine flagger, feature A\/B testing/, () => ({
      gates: undefined,
      phases: [FIRST, DARK, Release.split({ v1: 90, v2: 10 }).named('share-10'), Release.to('v1').when(Match.header('x-beta', 'yes'), 'v2').named('beta'), LAST],
    })),
    g('a route by conditions beside a share on Flagger', 'phases[2].when[0]', /engine flagger, feature A\/B testing/, () => ({
      gates: undefined,
      phases: FOUR(Release.split({ v1: 90, v2: 10 }).when(Match.header('x-beta', 'yes'), 'v2').named('mixed')),
    })),
    g('a route by conditions to the stable version on Flagger', 'phases[2].when[0].version', /engine flagger, feature A\/B testing/, () => ({
      gates: undefined,
      phases: FOUR(Release.to('v2').when(Match.header('x-old', '1'), 'v1').named('old')),
    })),
    g('two routes by conditions in a phase on Flagger', 'phases[2].when[1]', /engine flagger, feature A\/B testing/, (p) => ({
      provider: p.provider!.kind === 'nginx' ? ROUTERS.istio() : p.provider,
      gates: undefined,
      phases: FOUR(Release.to('v1').when(Match.header('x-beta', 'yes'), 'v2').when(Match.header('x-qa', 'yes'), 'v2').named('beta')),
    })),
    g('a dark phase after a step on Flagger', 'phases[3]', /engine flagger, feature dark phase/, () => ({
      gates: undefined,
      phases: [FIRST, DARK, Release.split({ v1: 90, v2: 10 }).named('share-10'), Release.to('v1').withDark('v2').named('dark-again'), LAST],
    })),
    g('no phase that gives the new version requests on Flagger', 'phases', /engine flagger, feature analysis/, () => ({ gates: undefined, phases: [FIRST, DARK, LAST] })),
    g('versions with different replicas on Flagger', 'versions.v2', /engine flagger, feature replicas/, (p) => ({
      versions: { v1: p.versions.v1, v2: { ...p.versions.v2, replicas: p.versions.v1.replicas! + 1 } },
    })),
    g('pods a phase sets on Flagger', 'phases[1].replicas.v2', /engine flagger, feature replicas/, (p) => ({
      autoscaling: undefined,
      gates: undefined,
      phases: [FIRST, Release.to('v1').withDark('v2').withReplicas({ v2: p.versions.v2.replicas! + 1 }).named('dark'), Release.split({ v1: 50, v2: 50 }).named('half'), LAST],
    })),
    g('a gate of the first phase on Flagger', 'gates.v1', /Flagger runs no analysis when a Canary is first created/, () => ({ gates: { v1: [PROMETHEUS()] } })),
    g('a gate of the last phase on Flagger', 'gates.v2', /Flagger promotes by itself after the last step/, () => ({ gates: { v2: [PROMETHEUS()] } })),
    g('an address Service other than ClusterIP on Flagger', 'serviceType', /engine flagger, feature service type/, () =>
      any(ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER).map((serviceType) => ({ provider: ROUTERS.istio(), serviceType })),
    ),
    g('annotations on the address Service on Flagger', 'addressService', /engine flagger, feature service exposure/, () => ({ provider: ROUTERS.istio(), addressService: { annotations: { 'example.com/lb': 'internal' } } })),
    g('a job gate on Flagger', 'gates.dark[0]', /engine flagger, feature job gates/, () => ({ gates: { dark: [Gate.job({ image: 'acme/e2e:1.0', command: ['run'] })] } })),
  ],
  build: (scope: Construct, c: Case<GatewayProps>) => new Gateway(scope, c.id, c.props),
};
