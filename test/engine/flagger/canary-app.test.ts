import { App, Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, CanaryStep, Engine, Gate, renderApp, ServiceType, Traffic } from '../../../lib';
import { configError } from '../../support/errors';
import { exampleFiles, releaseOf } from '../../support/examples';
import { phasesOf } from '../../support/manifests';

const PROM = { address: 'http://prom.monitoring:9090', query: 'sum(rate(errors[1m]))', successCondition: 'result <= 0.01', count: 1, intervalSeconds: 30 };
const base: CanaryAppProps = {
  namespace: 'web',
  stableImage: 'acme/shop:1.0.0',
  canaryImage: 'acme/shop:1.1.0',
  replicas: 4,
  steps: [CanaryStep.weight(25), CanaryStep.weight(50)],
  ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
  engine: Engine.flagger({ provider: Traffic.nginx({ host: 'shop.example.com' }) }),
};
const shop = (props: Partial<CanaryAppProps> = {}) => new CanaryApp(Testing.app(), 'shop', { ...base, ...props });
const kinds = (docs: Array<{ kind: string; metadata: { name: string } }>) => docs.map((d) => `${d.kind}/${d.metadata.name}`);

describe('a CanaryApp on Flagger', () => {
  test('three folders of the same objects, the Deployment running the stable, new, stable version; no Service of ours', () => {
    const phases = phasesOf(shop());
    expect([...phases.keys()]).toEqual(['stable', 'release', 'rollback']);
    for (const docs of phases.values()) expect(kinds(docs)).toEqual(['Ingress/shop', 'PodDisruptionBudget/shop', 'Deployment/shop', 'Canary/shop']);
    const image = (phase: string) => phases.get(phase)!.find((d) => d.kind === 'Deployment')!.spec.template.spec.containers[0].image;
    expect(['stable', 'release', 'rollback'].map(image)).toEqual(['acme/shop:1.0.0', 'acme/shop:1.1.0', 'acme/shop:1.0.0']);
    const strip = (phase: string) => JSON.stringify(phases.get(phase)!.filter((d) => d.kind !== 'Deployment'));
    expect(strip('release')).toBe(strip('stable'));
  });

  test('the Canary targets the Deployment, clones the Ingress (whose backend is the Service Flagger writes), walks the shares', () => {
    const docs = phasesOf(shop()).get('release')!;
    const canary = docs.find((d) => d.kind === 'Canary')!;
    expect(canary.spec).toMatchObject({
      provider: 'nginx',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
      ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' },
      service: { name: 'shop', port: 80, targetPort: 'http', portName: 'http' },
      analysis: { interval: '60s', threshold: 1, stepWeights: [25, 50] },
    });
    const ingress = docs.find((d) => d.kind === 'Ingress')!;
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { number: 80 } });
    // The budget guards the pods that serve: Flagger's primary ones.
    expect(docs.find((d) => d.kind === 'PodDisruptionBudget')!.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop-primary' });
  });

  test('without gates a person approves the promotion through the loadtester; release.json says so', () => {
    const app = shop();
    const canary = phasesOf(app).get('release')!.find((d) => d.kind === 'Canary')!;
    expect(canary.spec.analysis.webhooks).toEqual([{ name: 'promotion', type: 'confirm-promotion', url: 'http://flagger-loadtester.web/gate/check' }]);
    const d = app.declaration;
    expect([d.engine, d.provider, d.transitions]).toEqual(['flagger', 'nginx', [['stable', 'release'], ['release', 'rollback']]]);
    expect(d.steps!.map((s) => [s.name, s.addresses[0].routes[0].backends, s.pause])).toEqual([
      ['canary-25', [{ version: '1.0.0', weight: 75 }, { version: '1.1.0', weight: 25 }], { seconds: 60 }],
      ['canary-50', [{ version: '1.0.0', weight: 50 }, { version: '1.1.0', weight: 50 }], {}],
    ]);
  });

  test('gates: a MetricTemplate per Prometheus gate, the smoke test of the dark phase before any request', () => {
    const gates = { dark: [Gate.http({ path: '/ready', intervalSeconds: 30 })], 'canary-25': [Gate.prometheus(PROM)], 'canary-50': [Gate.prometheus(PROM)] };
    const docs = phasesOf(shop({ gates })).get('release')!;
    expect(kinds(docs)).toContain('MetricTemplate/shop-analysis');
    const analysis = docs.find((d) => d.kind === 'Canary')!.spec.analysis;
    expect(analysis.webhooks.map((w: { name: string; type: string }) => [w.name, w.type])).toEqual([['smoke', 'pre-rollout']]);
    expect(analysis.webhooks[0].metadata.cmd).toContain("URL='http://shop-canary:80/ready'");
    expect(analysis.metrics).toEqual([{ name: 'analysis', interval: '30s', templateRef: { name: 'shop-analysis', namespace: 'web' }, thresholdRange: { max: 0.01 } }]);
  });

  test('Istio with an ingress gateway: the Gateway object, the VirtualService Flagger writes bound to it and the mesh', () => {
    const docs = phasesOf(shop({ engine: Engine.flagger({ provider: Traffic.istio({ ingress: { hosts: ['shop.example.com'] } }) }) })).get('stable')!;
    expect(kinds(docs)).toEqual(['Namespace/web', 'Gateway/shop-gateway', 'PodDisruptionBudget/shop', 'Deployment/shop', 'Canary/shop']);
    expect(docs.find((d) => d.kind === 'Canary')!.spec.service).toMatchObject({ gateways: ['shop-gateway', 'mesh'], hosts: ['shop.example.com'] });
  });

  test('the Gateway API: the parentRefs and hostnames as the HTTPRoute Flagger writes takes them; nothing of ours to route', () => {
    const provider = Traffic.gatewayApi({ parentRefs: [{ name: 'edge', namespace: 'gateways', sectionName: 'http' }], hostnames: ['shop.example.com'] });
    const docs = phasesOf(shop({ engine: Engine.flagger({ provider }) })).get('stable')!;
    expect(kinds(docs)).toEqual(['PodDisruptionBudget/shop', 'Deployment/shop', 'Canary/shop']);
    expect(docs.find((d) => d.kind === 'Canary')!.spec).toMatchObject({
      provider: 'gatewayapi:v1',
      service: { gatewayRefs: [{ name: 'edge', namespace: 'gateways', sectionName: 'http' }], hosts: ['shop.example.com'] },
    });
  });

  test.each<[string, Partial<CanaryAppProps>, string, RegExp]>([
    ['no router (blue/green only)', { engine: Engine.flagger({ provider: Traffic.service() }) }, 'engine.provider', /feature provider.*blue\/green/],
    ['a share that is not a whole percent', { replicas: 3, steps: [CanaryStep.replicas(1)] }, 'steps[0]', /feature stepWeights.*33.333% is not one/],
    ['a Service of another type', { service: { type: ServiceType.LOAD_BALANCER } }, 'service.type', /feature service type/],
    ['a gate of the promote phase', { gates: { promote: [Gate.http()] } }, 'gates.promote', /promotes by itself/],
    ['a job gate', { gates: { dark: [Gate.job({ image: 'acme/e2e:1', command: ['run'] })] } }, 'gates.dark[0]', /feature job gates/],
    ['a route name of its own', { engine: Engine.flagger({ provider: Traffic.istio({ routeName: 'front' }) }) }, 'engine.provider.routeName', /feature provider/],
    ['different gates at two weights', { gates: { 'canary-25': [Gate.prometheus(PROM)] } }, 'steps[1]', /feature per-step analysis/],
    ['an HTTP gate without a namespace to find the loadtester in', { namespace: undefined, gates: { dark: [Gate.http()] } }, 'engine.loadtesterUrl', /feature loadtester webhooks/],
    ['no gate (a person approves the promotion) without a namespace to find the loadtester in', { namespace: undefined }, 'engine.loadtesterUrl', /feature loadtester webhooks/],
  ])('%s is refused, naming the engine and the feature', (_, props, field, expected) => {
    const e = configError(() => shop(props));
    expect([e.path, e.field]).toEqual(['shop', field]);
    expect(e.expected).toMatch(/flagger/);
    expect(e.expected).toMatch(expected);
  });
});

test('the example addressbook-flagger: release.json and the release folder as written', () => {
  const { declaration, manifest } = releaseOf(exampleFiles(), 'addressbook-flagger');
  expect(declaration.steps!.map((s) => [s.name, s.gates!.map((g) => g.name)])).toEqual([['canary-25', ['analysis']], ['canary-50', ['analysis']]]);
  expect(manifest('release')).toMatchSnapshot();
});

test('the release folder of a minimal app, as written to manifest.yaml', () => {
  const app = shop();
  expect(renderApp(app.node.root as App).find((f) => f.path === 'shop/release/manifest.yaml')!.content).toMatchSnapshot();
});
