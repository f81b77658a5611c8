import { Testing } from 'cdk8s';
import { Engine, Gate, Gateway, GatewayProps, loadOutput, Match, Release, renderApp, ServiceType, Traffic } from '../../../lib';
import { planRelease } from '../../../lib/plan/plan';
import { renderPlanTable } from '../../../lib/plan/table';
import { validateSchema } from '../../../lib/verify/schema/schema';
import { configError } from '../../support/errors';
import { find, phasesOf } from '../../support/manifests';
import { verifyApp } from '../../properties/support/verify';

const PROM = { address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result <= 0.05', count: 1, intervalSeconds: 30 };
const WEIGHTED = [
  Release.to('v1').named('v1'),
  Release.to('v1').withDark('v2').named('v2-dark'),
  Release.split({ v1: 75, v2: 25 }).named('canary-25'),
  Release.split({ v1: 50, v2: 50 }).named('canary-50'),
  Release.to('v2').withDark('v1').named('v2'),
];
const AB = [WEIGHTED[0], WEIGHTED[1], Release.to('v1').when(Match.header('x-beta', 'yes'), 'v2').named('beta'), WEIGHTED[4]];
const GATEWAY_API = Traffic.gatewayApi({ parentRefs: [{ name: 'edge', namespace: 'gateways' }], hostnames: ['shop.example.com'] });

function onFlagger(props: Partial<GatewayProps> = {}) {
  const app = Testing.app();
  const release = new Gateway(app, 'shop', {
    namespace: 'shop',
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 3 } },
    phases: WEIGHTED,
    provider: Traffic.istio(),
    engine: Engine.flagger(),
    ...props,
  });
  return { app, release, phases: phasesOf(release) };
}
const canaryOf = (phases: ReturnType<typeof onFlagger>['phases'], folder = 'release') => find(phases.get(folder)!, 'Canary', 'shop');
const kinds = (docs: Array<{ kind: string; metadata: { name: string } }>) => docs.map((d) => `${d.kind}/${d.metadata.name}`);

describe('a Gateway on Flagger', () => {
  test('three folders: one Deployment runs v1, then v2, then v1 again; no Service or route of ours', () => {
    const { release, phases } = onFlagger();
    expect([...phases.keys()]).toEqual(['stable', 'release', 'rollback']);
    for (const docs of phases.values()) expect(kinds(docs)).toEqual(['Namespace/shop', 'Deployment/shop', 'Canary/shop']);
    const deployment = (p: string) => find(phases.get(p)!, 'Deployment', 'shop');
    expect(['stable', 'release', 'rollback'].map((p) => deployment(p).spec.template.spec.containers[0].image)).toEqual(['acme/shop:1.0.0', 'acme/shop:2.0.0', 'acme/shop:1.0.0']);
    expect(deployment('release').spec.template.metadata.labels).toEqual(expect.objectContaining({ version: 'v2', 'app.kubernetes.io/version': 'v2' }));
    // The selector never holds the version: the same Deployment runs one version after the other.
    expect(deployment('release').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop' });
    expect(deployment('release').spec.replicas).toBe(3);
    expect(release.declaration.engine).toBe('flagger');
    expect(release.declaration.phases.map((p) => [p.name, p.addresses[0].routes[0].backends])).toEqual([
      ['stable', [{ version: 'v1', weight: 100 }]],
      ['release', [{ version: 'v2', weight: 100 }]],
      ['rollback', [{ version: 'v1', weight: 100 }]],
    ]);
  });

  test('the weighted phases are the stepWeights; the dark phase only deploys; no gate: a person approves', () => {
    const { release, phases } = onFlagger();
    const spec = canaryOf(phases).spec;
    expect(spec).toMatchObject({
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
      service: { name: 'shop', port: 80, targetPort: 'http', portName: 'http' },
      analysis: { interval: '60s', threshold: 1, stepWeights: [25, 50], webhooks: [{ name: 'promotion', type: 'confirm-promotion', url: 'http://flagger-loadtester.shop/gate/check' }] },
    });
    expect(spec.autoscalerRef).toBeUndefined();
    expect(spec.analysis.match).toBeUndefined();
    expect(release.declaration.steps!.map((s) => [s.name, s.addresses[0].routes, s.pause])).toEqual([
      ['canary-25', [{ conditions: [], backends: [{ version: 'v1', weight: 75 }, { version: 'v2', weight: 25 }] }], { seconds: 60 }],
      ['canary-50', [{ conditions: [], backends: [{ version: 'v1', weight: 50 }, { version: 'v2', weight: 50 }] }], {}],
    ]);
  });

  test('gates: the dark phase smoke-tests the canary Service before any request, a Prometheus gate at each weight is a MetricTemplate', () => {
    const gates = { 'v2-dark': [Gate.http({ path: '/ready', intervalSeconds: 30 })], 'canary-25': [Gate.prometheus(PROM)], 'canary-50': [Gate.prometheus(PROM)] };
    const { release, phases } = onFlagger({ gates });
    const docs = phases.get('release')!;
    const analysis = canaryOf(phases).spec.analysis;
    expect(analysis.interval).toBe('30s');
    expect(analysis.webhooks.map((w: { name: string; type: string }) => [w.name, w.type])).toEqual([['smoke', 'pre-rollout']]);
    expect(analysis.webhooks[0].metadata.cmd).toContain("URL='http://shop-canary:80/ready'");
    expect(analysis.metrics).toEqual([{ name: 'analysis', interval: '30s', templateRef: { name: 'shop-analysis', namespace: 'shop' }, thresholdRange: { max: 0.05 } }]);
    expect(find(docs, 'MetricTemplate', 'shop-analysis').spec.query).toContain('version="v2"');
    expect(release.declaration.steps!.map((s) => s.gates!.map((g) => g.name))).toEqual([['analysis'], ['analysis']]);
  });

  test('an autoscaled Gateway: the HPA scales the Deployment, which sets no replicas; the Canary names it for the primary', () => {
    const { phases } = onFlagger({ autoscaling: { maxReplicas: 6 } });
    const docs = phases.get('release')!;
    const hpa = find(docs, 'HorizontalPodAutoscaler', 'shop');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, minReplicas: 3, maxReplicas: 6 });
    expect(find(docs, 'Deployment', 'shop').spec.replicas).toBeUndefined();
    expect(canaryOf(phases).spec.autoscalerRef).toEqual({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'shop' });
  });

  test.each<[string, Traffic, object]>([
    ['Istio takes the condition as written', Traffic.istio(), { 'x-beta': { exact: 'yes' } }],
    ['the Gateway API as its HTTPRoute takes it', GATEWAY_API, { 'x-beta': { exact: 'yes' } }],
    ['ingress-nginx as canary-by-header', Traffic.nginx({ host: 'shop.example.com' }), { 'x-beta': { exact: 'yes' } }],
  ])('a phase routed by conditions is an A/B test: %s', (_t, provider, headers) => {
    const { release, phases } = onFlagger({ provider, phases: AB });
    const analysis = canaryOf(phases).spec.analysis;
    expect(analysis.match).toEqual([{ headers }]);
    expect(analysis.iterations).toBe(1);
    expect(analysis.stepWeights).toBeUndefined();
    expect(release.declaration.steps!.map((s) => [s.name, s.addresses[0].routes[0]])).toEqual([['beta', { conditions: [expect.objectContaining({ header: 'x-beta' })], backends: [{ version: 'v2', weight: 100 }] }]]);
  });

  test('A/B: a prefix is an anchored regex on the Gateway API; a cookie a cookie name on ingress-nginx', () => {
    const prefixed = [AB[0], AB[1], Release.to('v1').when(Match.headerPrefix('x-group', 'beta-'), 'v2').named('beta'), AB[3]];
    expect(canaryOf(onFlagger({ provider: GATEWAY_API, phases: prefixed }).phases).spec.analysis.match).toEqual([{ headers: { 'x-group': { regex: '^beta-.*$' } } }]);
    const cookie = [AB[0], AB[1], Release.to('v1').when(Match.cookie('beta', 'always'), 'v2').named('beta'), AB[3]];
    expect(canaryOf(onFlagger({ provider: Traffic.nginx(), phases: cookie }).phases).spec.analysis.match).toEqual([{ headers: { cookie: { exact: 'beta' } } }]);
  });

  test('the Gateway API: gatewayRefs and hosts of the HTTPRoute Flagger writes; NGINX: the Ingress Flagger clones', () => {
    expect(canaryOf(onFlagger({ provider: GATEWAY_API }).phases).spec).toMatchObject({ provider: 'gatewayapi:v1', service: { gatewayRefs: [{ name: 'edge', namespace: 'gateways' }], hosts: ['shop.example.com'] } });
    const nginx = onFlagger({ provider: Traffic.nginx({ host: 'shop.example.com' }) }).phases;
    expect(canaryOf(nginx).spec).toMatchObject({ provider: 'nginx', ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' } });
    expect(find(nginx.get('release')!, 'Ingress', 'shop').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { number: 80 } });
  });

  test('the engine may name the router instead of the Gateway', () => {
    const { phases } = onFlagger({ provider: undefined, engine: Engine.flagger({ provider: GATEWAY_API }) });
    expect(canaryOf(phases).spec.provider).toBe('gatewayapi:v1');
  });

  const gated = { gates: { 'canary-25': [Gate.prometheus(PROM)], 'canary-50': [Gate.prometheus(PROM)] } };
  test.each<[string, Partial<GatewayProps>]>([
    ['Istio, weights', {}],
    ['Istio, A/B, autoscaled', { phases: AB, autoscaling: { maxReplicas: 6 }, gates: {} }],
    ['the Gateway API, weights', { provider: GATEWAY_API }],
    ['the Gateway API, A/B', { provider: GATEWAY_API, phases: AB, gates: {} }],
    ['NGINX, weights', { provider: Traffic.nginx({ host: 'shop.example.com' }) }],
    ['NGINX, A/B', { provider: Traffic.nginx({ host: 'shop.example.com' }), phases: AB, gates: {} }],
  ])('%s: every document is valid against the upstream schemas and verify finds nothing', (_t, props) => {
    const { app, phases } = onFlagger({ ...gated, ...props });
    const issues = [...phases].flatMap(([p, docs]) => docs.flatMap((d) => validateSchema(d).map((i) => `${p}: ${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`)));
    expect(issues).toEqual([]);
    expect(verifyApp(app)).toEqual([]);
  });

  const three = { versions: { v1: { image: 'acme/shop:1.0.0' }, v2: { image: 'acme/shop:2.0.0' }, v3: { image: 'acme/shop:3.0.0' } } };
  test.each<[string, Partial<GatewayProps>, string, RegExp]>([
    ['no router', { provider: Traffic.service() }, 'provider', /feature provider.*blue\/green/],
    ['no router anywhere', { provider: undefined }, 'engine.provider', /feature provider.*blue\/green/],
    ['two routers', { engine: Engine.flagger({ provider: Traffic.nginx() }) }, 'engine.provider', /Traffic.istio\(\).*feature provider/],
    ['three versions', { ...three, phases: [Release.to('v1'), Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 25, v3: 25 }), Release.to('v3').withDark('v1', 'v2')] }, 'versions', /at most two versions.*feature Gateway phases/],
    ['a first phase that splits', { phases: [Release.split({ v1: 50, v2: 50 }), Release.to('v2').withDark('v1')] }, 'phases[0]', /first phase that runs one version alone.*feature Gateway phases/],
    ['a release that ends on the stable version', { phases: WEIGHTED.slice(0, 4) }, 'phases[3]', /last phase that sends every request to "v2".*feature Gateway phases/],
    ['a share that is no whole percent', { provider: GATEWAY_API, phases: [WEIGHTED[0], WEIGHTED[1], Release.split({ v1: 2, v2: 1 }).named('third'), WEIGHTED[4]] }, 'phases[2].weights', /feature stepWeights.*33\.333% is not one/],
    ['weights and a condition route in one release', { phases: [WEIGHTED[0], WEIGHTED[1], WEIGHTED[2], AB[2], WEIGHTED[4]] }, 'phases[2].weights', /feature A\/B testing.*not both/],
    ['a condition route besides a share', { phases: [WEIGHTED[0], WEIGHTED[1], Release.split({ v1: 90, v2: 10 }).when(Match.header('x-beta', 'yes'), 'v2').named('mixed'), WEIGHTED[4]] }, 'phases[2].when[0]', /feature A\/B testing.*matching requests only/],
    ['a condition route to the stable version', { phases: [WEIGHTED[0], WEIGHTED[1], Release.to('v2').when(Match.header('x-old', '1'), 'v1').named('old'), WEIGHTED[4]] }, 'phases[2].when[0].version', /feature A\/B testing.*canary only/],
    ['two condition routes in a phase', { phases: [AB[0], AB[1], Release.to('v1').when(Match.header('x-beta', 'yes'), 'v2').when(Match.header('x-qa', 'yes'), 'v2').named('beta'), AB[3]] }, 'phases[2].when[1]', /feature A\/B testing.*one route/],
    ['a dark phase after a weight', { phases: [WEIGHTED[0], WEIGHTED[1], WEIGHTED[2], Release.to('v1').withDark('v2').named('dark-again'), WEIGHTED[4]] }, 'phases[3]', /feature dark phase/],
    ['no phase that gives the new version requests', { phases: [WEIGHTED[0], WEIGHTED[1], WEIGHTED[4]] }, 'phases', /feature analysis/],
    ['versions with different replicas', { versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 2 } } }, 'versions.v2', /feature replicas.*one Deployment/],
    ['other pods in a phase', { phases: [WEIGHTED[0], Release.to('v1').withDark('v2').withReplicas({ v2: 1 }).named('v2-dark'), WEIGHTED[2], WEIGHTED[4]] }, 'phases[1].replicas.v2', /feature replicas/],
    ['a gate of the first phase', { gates: { v1: [Gate.prometheus(PROM)] } }, 'gates.v1', /first created/],
    ['a gate of the last phase', { gates: { v2: [Gate.prometheus(PROM)] } }, 'gates.v2', /promotes by itself/],
    ['different gates at two weights', { gates: { 'canary-25': [Gate.prometheus(PROM)] } }, 'phases[3].weights', /feature per-step analysis/],
    ['a job gate', { gates: { 'v2-dark': [Gate.job({ image: 'acme/e2e:1', command: ['run'] })] } }, 'gates.v2-dark[0]', /feature job gates/],
    ['a route name of its own', { provider: Traffic.istio({ routeName: 'front' }) }, 'engine.provider.routeName', /feature provider/],
    ['an address Service of another type', { serviceType: ServiceType.LOAD_BALANCER }, 'serviceType', /feature service type/],
    ['annotations on the address Service', { addressService: { annotations: { 'example.com/lb': 'internal' } } }, 'addressService', /feature service exposure/],
  ])('refuses %s, naming the engine and the feature', (_t, props, field, expected) => {
    const e = configError(() => onFlagger(props));
    expect([e.path, e.field]).toEqual(['shop', field]);
    expect(e.expected).toMatch(/engine flagger/);
    expect(e.expected).toMatch(expected);
  });
});

test('plan shows the steps Flagger walks once release is applied: the A/B test and what ends it', () => {
  const { app } = onFlagger({ phases: AB });
  const plan = planRelease(loadOutput(renderApp(app))[0]);
  expect(plan.engine).toBe('flagger');
  expect(plan.steps!.map((s) => [s.name, s.traffic[0].routes.map((r) => [r.conditions.length, r.versions.map((v) => `${v.version} ${v.percent}`)]), s.then])).toEqual([
    ['beta', [[1, ['v2 100']], [0, ['v1 100']]], 'pause'],
  ]);
  expect(renderPlanTable(plan)).toContain('Once release is applied, flagger walks these steps, then promotes:');
});
