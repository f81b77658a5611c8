import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { CanaryApp, CanaryAppProps, CanaryStep, CapacityMode, Engine, FlaggerOptions, Gate, Probe, Traffic } from '../../../lib';
import { Case, ConstructSpec, invalid } from '../support/spec';
import { any, dns1035Label, dnsLabel, pinnedImage, some } from './primitives';

// CanaryApps on Flagger: every router Flagger weighs traffic with, and the shares it can take.
// What it refuses is in flagger.ts, as classes of the CanaryApp spec.

type RoutedKind = 'istio' | 'gateway-api' | 'nginx';
const ROUTERS: { [k in RoutedKind]: () => Traffic } = {
  istio: () => Traffic.istio(),
  'gateway-api': () => Traffic.gatewayApi({ parentRefs: [{ name: 'shop-gateway' }] }),
  nginx: () => Traffic.nginx({ host: 'shop.example.com' }),
};

/** Replica counts whose every pod is a whole percent of them, so that each step is a weight Flagger sets. */
const WHOLE_PERCENT_REPLICAS = [2, 4, 5, 10, 20, 25];

const PROMETHEUS = () =>
  Gate.prometheus({ address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result <= 0.01', count: 1, intervalSeconds: 60 });

/**
 * Any router, 1 to 3 steps of whole percents, with or without a probe, the same Prometheus
 * gate at every weight or none, a smoke test before any request or none; the loadtester
 * found in the release's namespace or given.
 */
const validFlaggerCanary: fc.Arbitrary<Case<CanaryAppProps>> = fc
  .record({
    id: dns1035Label(30),
    images: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }),
    kind: some<RoutedKind>('istio', 'gateway-api', 'nginx'),
    replicas: fc.constantFrom(...WHOLE_PERCENT_REPLICAS),
    namespace: fc.option(dnsLabel(30), { nil: undefined }),
    probe: fc.boolean(),
    metric: fc.boolean(),
    smoke: fc.boolean(),
  })
  .chain((r) =>
    fc.uniqueArray(fc.integer({ min: 1, max: r.replicas - 1 }), { minLength: 1, maxLength: 3 }).map((pods): Case<CanaryAppProps> => {
      const weights = pods.sort((a, b) => a - b).map((c) => (100 * c) / r.replicas);
      return {
        id: r.id,
        props: {
          namespace: r.namespace,
          // Versions short enough for the smoke test's name whatever the images.
          stableVersion: 'v1',
          canaryVersion: 'v2',
          stableImage: r.images[0],
          canaryImage: r.images[1],
          replicas: r.replicas,
          capacity: CapacityMode.CONSTANT,
          steps: weights.map((w) => CanaryStep.weight(w)),
          ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
          readinessProbe: r.probe ? Probe.httpGet('/ready') : undefined,
          gates: {
            ...(r.smoke ? { dark: [Gate.http({ path: '/ready', intervalSeconds: 60 })] } : {}),
            ...(r.metric ? Object.fromEntries(weights.map((w) => [`canary-${w}`, [PROMETHEUS()]])) : {}),
          },
          engine: Engine.flagger({ provider: ROUTERS[r.kind](), loadtesterUrl: r.namespace ? undefined : 'http://flagger-loadtester.test/' }),
        },
      };
    }),
  );

const as = <T>(x: unknown) => x as T;
/** The options a valid case gave Engine.flagger(), to change one of them. */
const optionsOf = (p: CanaryAppProps): FlaggerOptions => (p.engine as unknown as { options: FlaggerOptions }).options;
const f = (title: string, field: string, expected: RegExp, patch: (p: CanaryAppProps) => Partial<CanaryAppProps> | fc.Arbitrary<Partial<CanaryAppProps>>) => invalid(validFlaggerCanary, title, field, expected, patch);

export const flaggerCanarySpec: ConstructSpec<CanaryAppProps> = {
  name: 'CanaryApp on Flagger',
  valid: validFlaggerCanary,
  invalid: [
    f('an unknown option of Flagger', 'engine.analysisInterval', /a property of FlaggerOptions/, (p) => ({ engine: Engine.flagger(as({ ...optionsOf(p), analysisInterval: 60 })) })),
    f('a loadtester address that is no http(s) URL', 'engine.loadtesterUrl', /the http\(s\) address of Flagger's loadtester/, (p) =>
      any('flagger-loadtester.test', 'ftp://loadtester/', 'http://user:pw@loadtester/', 'http://loadtester/?q=1').map((loadtesterUrl) => ({ engine: Engine.flagger({ ...optionsOf(p), loadtesterUrl }) })),
    ),
    f('an analysis interval out of range on Flagger', 'engine.intervalSeconds', /an integer/, (p) => any(0, -60, 1.5).map((intervalSeconds) => ({ engine: Engine.flagger({ ...optionsOf(p), intervalSeconds }) }))),
    f('a progress deadline out of range on Flagger', 'engine.progressDeadlineSeconds', /an integer/, (p) =>
      any(0, -1, 2.5).map((progressDeadlineSeconds) => ({ engine: Engine.flagger({ ...optionsOf(p), progressDeadlineSeconds }) })),
    ),
  ],
  build: (scope: Construct, c: Case<CanaryAppProps>) => new CanaryApp(scope, c.id, c.props),
};
