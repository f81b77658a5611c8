import { Testing } from 'cdk8s';
import { Engine, Gate, Gateway, GatewayProps, Match, Release, StagedRelease, Traffic } from '../../lib';
import { GATEWAY_API_PLUGIN } from '../../lib/engine/argo-rollouts/traffic-routing';
import { validateSchema } from '../../lib/verify/schema/schema';
import { configError } from '../support/errors';
import { exampleFiles, releaseOf } from '../support/examples';
import { find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const PROMETHEUS = 'http://prometheus.monitoring:9090';
const analysis = Gate.prometheus({ address: PROMETHEUS, query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result < 0.05' });

const PHASES = [
  Release.to('v1').named('v1'),
  Release.to('v1').withDark('v2').named('v2-dark'),
  Release.split({ v1: 75, v2: 25 }).named('canary-25'),
  Release.to('v1').when(Match.cookieRegex('.*beta.*'), 'v2').named('beta'),
  Release.to('v2').withDark('v1').named('v2'),
];

function onArgo(props: Partial<GatewayProps> = {}) {
  const app = Testing.app();
  const release = new Gateway(app, 'shop', {
    namespace: 'shop',
    ports: [{ name: 'http', containerPort: 8080 }],
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 3 } },
    phases: PHASES,
    provider: Traffic.istio(),
    engine: Engine.argoRollouts(),
    ...props,
  });
  return { app, release, phases: phasesOf(release) };
}

const rollout = (phases: ReturnType<typeof onArgo>['phases'], folder: string) => find(phases.get(folder)!, 'Rollout', 'shop');

describe('a Gateway on Argo Rollouts', () => {
  test('three folders: the Rollout runs v1, then v2, then v1 again; no Deployment', () => {
    const { release, phases } = onArgo();
    expect([...phases.keys()]).toEqual(['stable', 'release', 'rollback']);
    const image = (p: string) => rollout(phases, p).spec.template.spec.containers[0].image;
    expect(['stable', 'release', 'rollback'].map(image)).toEqual(['acme/shop:1.0.0', 'acme/shop:2.0.0', 'acme/shop:1.0.0']);
    expect(rollout(phases, 'release').spec.template.metadata.labels).toEqual(expect.objectContaining({ version: 'v2', 'app.kubernetes.io/version': 'v2' }));
    for (const docs of phases.values()) expect(docs.filter((d) => d.kind === 'Deployment')).toEqual([]);
    expect(release.declaration.engine).toBe('argo-rollouts');
    expect(release.declaration.steps!.map((s) => s.name)).toEqual(['v2-dark', 'canary-25', 'beta']);
  });

  test('each phase between the first and the last is a step giving its pods, its share and its header routes', () => {
    const { phases } = onArgo();
    expect(rollout(phases, 'release').spec.strategy.canary.steps).toEqual([
      { setCanaryScale: { replicas: 3 } },
      { pause: {} },
      { setWeight: 25 },
      { pause: {} },
      { setWeight: 0 },
      { setHeaderRoute: { name: 'beta-0', match: [{ headerName: 'cookie', headerValue: { regex: '.*beta.*' } }] } },
      { pause: {} },
    ]);
  });

  test('the declared steps say how the router splits requests, as the phases do', () => {
    const { release } = onArgo();
    const routes = release.declaration.steps!.map((s) => s.addresses[0].routes);
    expect(routes).toEqual([
      [{ conditions: [], backends: [{ version: 'v1', weight: 100 }] }],
      [{ conditions: [], backends: [{ version: 'v1', weight: 75 }, { version: 'v2', weight: 25 }] }],
      [
        { conditions: [{ header: 'cookie', match: 'regex', value: '.*beta.*' }], backends: [{ version: 'v2', weight: 100 }] },
        { conditions: [], backends: [{ version: 'v1', weight: 100 }] },
      ],
    ]);
    expect(release.declaration.steps![0].description).toMatch(/^setCanaryScale 3 \(pods: v1 3, v2 3\)/);
  });

  test('Istio: subset-level splitting over the subsets stable and canary, the route primary at 100/0', () => {
    const { phases } = onArgo();
    const docs = phases.get('release')!;
    const canary = rollout(phases, 'release').spec.strategy.canary;
    expect(canary.trafficRouting).toEqual({
      istio: { virtualService: { name: 'shop', routes: ['primary'] }, destinationRule: { name: 'shop', canarySubsetName: 'canary', stableSubsetName: 'stable' } },
      managedRoutes: [{ name: 'beta-0' }],
    });
    expect(canary.canaryService).toBe('shop-canary');
    expect(find(docs, 'DestinationRule', 'shop').spec.subsets.map((s: { name: string }) => s.name)).toEqual(['canary', 'stable']);
    const http = find(docs, 'VirtualService', 'shop').spec.http;
    expect(http).toEqual([{ name: 'primary', route: [expect.objectContaining({ weight: 100, destination: expect.objectContaining({ subset: 'stable' }) }), expect.objectContaining({ weight: 0, destination: expect.objectContaining({ subset: 'canary' }) })] }]);
  });

  test('the Gateway API: the plugin over an HTTPRoute with a stable and a canary Service, regexes anchored', () => {
    const { phases } = onArgo({ provider: Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }) });
    const canary = rollout(phases, 'release').spec.strategy.canary;
    expect([canary.stableService, canary.canaryService]).toEqual(['shop-stable', 'shop-canary']);
    expect(canary.trafficRouting.plugins[GATEWAY_API_PLUGIN]).toEqual({ httpRoutes: [{ name: 'shop', useHeaderRoutes: true }], namespace: 'shop' });
    expect(canary.steps[5].setHeaderRoute.match[0].headerValue).toEqual({ regex: '^(?:.*beta.*)$' });
    const route = find(phases.get('stable')!, 'HTTPRoute', 'shop');
    expect(route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight])).toEqual([['shop-stable', 100], ['shop-canary', 0]]);
  });

  test('NGINX: the stableIngress over the stable Service; the controller writes the canary Ingress', () => {
    const { phases } = onArgo({ provider: Traffic.nginx({ host: 'shop.example.com' }), phases: [PHASES[0], PHASES[1], PHASES[2], PHASES[4]] });
    const canary = rollout(phases, 'release').spec.strategy.canary;
    expect(canary.trafficRouting).toEqual({ nginx: { stableIngress: 'shop' } });
    const ingresses = phases.get('release')!.filter((d) => d.kind === 'Ingress');
    expect(ingresses.map((i) => [i.metadata.name, i.spec.rules[0].http.paths[0].backend.service.name])).toEqual([['shop', 'shop-stable']]);
  });

  test('gates become analysis steps; the dark step smoke-tests the canaryService', () => {
    const { phases } = onArgo({ gates: { 'v2-dark': [Gate.http({ path: '/' })], 'canary-25': [analysis] } });
    const docs = phases.get('release')!;
    const steps = rollout(phases, 'release').spec.strategy.canary.steps;
    expect(steps.filter((s: object) => 'analysis' in s).map((s: any) => s.analysis.templates[0].templateName)).toEqual(['shop-smoke-v2-dark-v2', 'shop-analysis-canary-25-v2']);
    const smoke = find(docs, 'AnalysisTemplate', 'shop-smoke-v2-dark-v2');
    expect(JSON.stringify(smoke.spec.metrics[0].provider.job)).toContain('shop-canary');
    expect(find(docs, 'AnalysisTemplate', 'shop-analysis-canary-25-v2').spec.metrics[0].provider.prometheus.query).toContain('version="v2"');
  });

  test('an autoscaler names the Rollout, which then sets no replicas', () => {
    const { phases } = onArgo({ autoscaling: { maxReplicas: 6 } });
    const hpa = find(phases.get('release')!, 'HorizontalPodAutoscaler', 'shop');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(rollout(phases, 'release').spec.replicas).toBeUndefined();
  });

  test.each([
    ['Istio', {}],
    ['the Gateway API', { provider: Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }) }],
    ['NGINX', { provider: Traffic.nginx(), phases: [PHASES[0], PHASES[1], PHASES[2], PHASES[4]] }],
  ] as Array<[string, Partial<GatewayProps>]>)('every folder passes verify with %s', (_t, props) => {
    const { app } = onArgo({ gates: { 'canary-25': [analysis] }, ...props });
    expect(verifyApp(app)).toEqual([]);
  });

  const three = { versions: { v1: { image: 'acme/shop:1.0.0' }, v2: { image: 'acme/shop:2.0.0' }, v3: { image: 'acme/shop:3.0.0' } } };
  test.each([
    ['a Gateway without a router', { provider: Traffic.service() }, 'provider', /with Engine.argoRollouts\(\).*CanaryApp/],
    ['three versions', { ...three, phases: [Release.to('v1'), Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 25, v3: 25 }), Release.to('v3').withDark('v1', 'v2')] }, 'versions', /at most two versions/],
    ['a first phase that splits', { phases: [Release.split({ v1: 50, v2: 50 }), Release.to('v2').withDark('v1')] }, 'phases[0]', /first phase that runs one version alone/],
    ['a release that ends on the stable version', { phases: PHASES.slice(0, 3) }, 'phases[2]', /last phase that sends every request to "v2"/],
    ['a share that is no whole percentage', { provider: Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }), phases: [PHASES[0], PHASES[1], Release.split({ v1: 2, v2: 1 }).named('third'), PHASES[4]] }, 'phases[2].weights', /whole percentage.*33\.33%/],
    ['a condition route with NGINX', { provider: Traffic.nginx() }, 'phases[3].when[0]', /no setHeaderRoute for this router/],
    ['a condition that leads to the stable version', { phases: [PHASES[0], PHASES[1], Release.to('v2').when(Match.header('x-old', '1'), 'v1').withReplicas({ v1: 3 }).named('old'), PHASES[4]] }, 'phases[2].when[0].version', /setHeaderRoute sends the requests that match to the canary ReplicaSet only/],
    ['a gate of the first phase', { gates: { v1: [analysis] } }, 'gates.v1', /no analysis when a Rollout is first created/],
    ['a gate of the last phase', { gates: { v2: [analysis] } }, 'gates.v2', /promotes by itself/],
    ['versions with different replicas', { versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 2 } } }, 'versions.v2', /one replica count/],
    ['fewer stable pods during a step', { phases: [PHASES[0], Release.to('v1').withDark('v2').withReplicas({ v1: 2 }).named('v2-dark'), PHASES[4]] }, 'phases[1].replicas.v1', /keeps the Rollout's replicas/],
  ] as Array<[string, Partial<GatewayProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => onArgo(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });
});

test('a StagedRelease refuses an engine, naming its two-tier smoke upgrade', () => {
  const e = configError(() => new StagedRelease(Testing.app(), 'staged', { engine: Engine.argoRollouts() } as never));
  expect([e.field, e.expected]).toEqual(['engine', expect.stringMatching(/no engine on a StagedRelease.*two-tier smoke upgrade/)]);
});

describe('the sockshop-argo example, as synthesized', () => {
  const release = releaseOf(exampleFiles(), 'sockshop-argo');

  test('every document of every folder is valid against the upstream schemas', () => {
    const issues = [...release.phases].flatMap(([p, docs]) => docs.flatMap((d) => validateSchema(d).map((i) => `${p}: ${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`)));
    expect(issues).toEqual([]);
  });

  test("the controller walks sockshop's phases: v2 dark and smoke-tested, 10%, signed-in users, Chrome, each analysed", () => {
    const rolloutOf = find(release.phases.get('release')!, 'Rollout', 'front-end');
    expect(rolloutOf.spec.strategy).toMatchSnapshot();
    expect(release.declaration.steps!.map((s) => `${s.name}: ${s.description}`)).toMatchSnapshot();
  });
});
