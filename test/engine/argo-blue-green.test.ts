import { Testing } from 'cdk8s';
import { Engine, Gate, Gateway, GatewayProps, loadOutput, renderApp, Release, Traffic } from '../../lib';
import { planRelease } from '../../lib/plan/plan';
import { renderPlanTable } from '../../lib/plan/table';
import { validateSchema } from '../../lib/verify/schema/schema';
import { configError } from '../support/errors';
import { Doc, find, maybeFind, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

// A Gateway whose phases each send every request to one version is a blue-green release:
// on Argo Rollouts, a Rollout with strategy.blueGreen.

const smoke = Gate.http({ path: '/healthz' });
const errors = Gate.prometheus({ address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors_total{version="{{version}}"}[1m]))', successCondition: 'result < 0.05' });

/** blue (v1) → preview (v2 dark, one pod) → green (every request to v2, v1 still up) → v2 alone. */
const PHASES = [
  Release.to('v1').named('blue'),
  Release.to('v1').withDark('v2').withReplicas({ v2: 1 }).named('preview'),
  Release.to('v2').withDark('v1').named('green'),
  Release.to('v2').named('done'),
];
const ROUTERS: Array<[string, () => Traffic]> = [
  ['Istio', () => Traffic.istio()],
  ['the Gateway API', () => Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] })],
  ['NGINX', () => Traffic.nginx({ host: 'shop.example.com' })],
];

function blueGreen(props: Partial<GatewayProps> = {}) {
  const app = Testing.app();
  const release = new Gateway(app, 'shop', {
    namespace: 'shop',
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 3 } },
    phases: PHASES,
    gates: { preview: [smoke], green: [errors] },
    provider: Traffic.istio(),
    engine: Engine.argoRollouts(),
    ...props,
  });
  const phases = phasesOf(release);
  return { app, release, phases, rollout: find(phases.get('release')!, 'Rollout', props.name ?? 'shop') };
}

describe('a blue-green Gateway on Argo Rollouts', () => {
  test('the Rollout is blue-green: active and preview Services, analyses before and after the promotion, the preview on one pod', () => {
    const { rollout, phases } = blueGreen();
    expect(rollout.spec.strategy).toEqual({
      blueGreen: {
        activeService: 'shop',
        previewService: 'shop-canary',
        autoPromotionEnabled: true,
        previewReplicaCount: 1,
        scaleDownDelaySeconds: 30,
        prePromotionAnalysis: { templates: [{ templateName: 'shop-smoke-preview-v2' }] },
        postPromotionAnalysis: { templates: [{ templateName: 'shop-analysis-green-v2' }] },
      },
    });
    expect(rollout.spec.replicas).toBe(3);
    // Back to the stable version, the Rollout promotes it as soon as it is ready: no pause, no analysis of v2.
    for (const folder of ['stable', 'rollback']) {
      expect(find(phases.get(folder)!, 'Rollout', 'shop').spec.strategy).toEqual({
        blueGreen: { activeService: 'shop', previewService: 'shop-canary', autoPromotionEnabled: true, scaleDownDelaySeconds: 30 },
      });
    }
    expect(blueGreen({ gates: undefined }).phases.get('rollback')!.find((d) => d.kind === 'Rollout')!.spec.strategy.blueGreen.autoPromotionEnabled).toBe(true);
    expect(['stable', 'release', 'rollback'].map((f) => find(phases.get(f)!, 'Rollout', 'shop').spec.template.spec.containers[0].image)).toEqual(['acme/shop:1.0.0', 'acme/shop:2.0.0', 'acme/shop:1.0.0']);
  });

  test('a preview without gates waits for a person; a full-size preview sets no previewReplicaCount; scaleDownDelaySeconds is an option', () => {
    const { rollout } = blueGreen({
      gates: undefined,
      phases: [PHASES[0], Release.to('v1').withDark('v2').named('preview'), PHASES[2]],
      engine: Engine.argoRollouts({ scaleDownDelaySeconds: 90, abortScaleDownDelaySeconds: 10 }),
    });
    expect(rollout.spec.strategy).toEqual({
      blueGreen: { activeService: 'shop', previewService: 'shop-canary', autoPromotionEnabled: false, scaleDownDelaySeconds: 90, abortScaleDownDelaySeconds: 10 },
    });
  });

  test('the canary strategy stays for phases that split requests', () => {
    const { rollout } = blueGreen({ gates: undefined, phases: [PHASES[0], PHASES[1], Release.split({ v1: 50, v2: 50 }).named('half'), PHASES[2]] });
    expect(Object.keys(rollout.spec.strategy)).toEqual(['canary']);
  });

  test('Istio: the VirtualService sends every request to the active Service, no subsets, no DestinationRule; the preview Service beside it', () => {
    const { phases } = blueGreen();
    for (const docs of phases.values()) {
      expect(find(docs, 'VirtualService', 'shop').spec.http).toEqual([{ name: 'primary', route: [{ destination: { host: 'shop.shop.svc.cluster.local', port: { number: 80 } } }] }]);
      expect(maybeFind(docs, 'DestinationRule', 'shop')).toBeUndefined();
      for (const name of ['shop', 'shop-canary']) expect(find(docs, 'Service', name).spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
    }
  });

  test('the Gateway API and NGINX: the route leads to <name>-active alone; <name>-canary beside it', () => {
    const api = blueGreen({ provider: ROUTERS[1][1]() });
    expect(api.rollout.spec.strategy.blueGreen).toEqual(expect.objectContaining({ activeService: 'shop-active', previewService: 'shop-canary' }));
    expect(find(api.phases.get('release')!, 'HTTPRoute', 'shop').spec.rules).toEqual([{ backendRefs: [{ name: 'shop-active', port: 80, weight: 100 }] }]);
    const nginx = blueGreen({ provider: ROUTERS[2][1]() });
    const docs = nginx.phases.get('release')!;
    expect(find(docs, 'Ingress', 'shop').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop-active', port: { number: 80 } });
    expect(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name)).toEqual(['shop-active', 'shop-canary']);
  });

  test('the preview smoke test requests the preview Service; the post-promotion analysis measures the new version', () => {
    const { phases } = blueGreen();
    const docs = phases.get('release')!;
    expect(JSON.stringify(find(docs, 'AnalysisTemplate', 'shop-smoke-preview-v2').spec.metrics[0].provider.job)).toContain('http://shop-canary:80/healthz');
    expect(find(docs, 'AnalysisTemplate', 'shop-analysis-green-v2').spec.metrics[0].provider.prometheus.query).toContain('version="v2"');
  });

  test('release.json: the preview (no production request, its gates) then the promotion (every request, its gates)', () => {
    const { release } = blueGreen();
    const d = release.declaration;
    expect(d.steps!.map((s) => [s.name, s.addresses[0].name, s.addresses[0].routes, s.gates?.map((g) => g.job), s.pause])).toEqual([
      ['preview', 'shop', [{ conditions: [], backends: [{ version: 'v1', weight: 100 }] }], ['shop-smoke-preview-v2'], undefined],
      ['green', 'shop', [{ conditions: [], backends: [{ version: 'v2', weight: 100 }] }], ['shop-analysis-green-v2'], undefined],
    ]);
    expect(d.steps![0].description).toMatch(/^preview: v2 runs 1 pods behind shop-canary without production requests, shop keeps every request on v1: .*prePromotionAnalysis/);
    expect(d.steps![1].description).toMatch(/^promotion: v2 scaled to 3 pods, then shop sends it every request: .*postPromotionAnalysis; a failure switches back to v1\), v1 scaled down 30 s later/);
    expect(d.phases.map((p) => p.name)).toEqual(['stable', 'release', 'rollback']);
    const manual = blueGreen({ gates: undefined }).release.declaration.steps!;
    expect(manual.map((s) => [s.gates, s.pause])).toEqual([[undefined, {}], [undefined, undefined]]);
  });

  test('plan prints the two steps: the preview then the promotion', () => {
    const { app } = blueGreen({ gates: { preview: [smoke] } });
    const plan = planRelease(loadOutput(renderApp(app))[0]);
    expect(plan.steps!.map((s) => [s.name, s.traffic[0].routes[0].versions.map((v) => `${v.version} ${v.percent}`), s.then])).toEqual([
      ['preview', ['v1 100'], 'analysis: shop-smoke-preview-v2'],
      ['green', ['v2 100'], 'continue'],
    ]);
    expect(renderPlanTable(plan)).toMatch(/green +shop \(≥ 1 ready\) +continue/);
  });

  test('the longest name a Gateway takes still names valid Services', () => {
    const name = `s${'x'.repeat(55)}`;
    const { phases, rollout } = blueGreen({ name, provider: ROUTERS[1][1](), gates: undefined });
    expect(rollout.spec.strategy.blueGreen).toEqual(expect.objectContaining({ activeService: `${name}-active`, previewService: `${name}-canary` }));
    const issues = phases.get('release')!.flatMap((d: Doc) => validateSchema(d).map((i) => `${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`));
    expect(issues).toEqual([]);
  });

  test.each(ROUTERS)('every document of every folder is valid against the upstream schemas, and verify finds nothing (%s)', (_t, router) => {
    const { app, phases } = blueGreen({ provider: router() });
    const issues = [...phases].flatMap(([p, docs]) => docs.flatMap((d: Doc) => validateSchema(d).map((i) => `${p}: ${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`)));
    expect(issues).toEqual([]);
    expect(verifyApp(app)).toEqual([]);
  });

  test.each([
    ['two preview phases', { phases: [PHASES[0], PHASES[1], Release.to('v1').withDark('v2').named('preview-full'), PHASES[2]] }, 'phases[2]', /one phase between the first and the promotion \(engine argo-rollouts, feature blueGreen\)/],
    ['a phase back to the stable version after the promotion', { gates: undefined, phases: [PHASES[0], PHASES[1], PHASES[2], Release.to('v1').withDark('v2').named('back'), Release.to('v2').withDark('v1').named('again')] }, 'phases[3]', /once promoted, the Rollout returns to "v1" only by an abort/],
    ['gates of a phase after the promotion', { gates: { done: [errors] } }, 'gates.done', /\(prePromotionAnalysis\) or of the promotion "green" \(postPromotionAnalysis\) only \(engine argo-rollouts, feature blueGreen\)/],
    ['a gate of the first phase', { gates: { blue: [errors] } }, 'gates.blue', /no analysis when a Rollout is first created/],
    ['a preview with more pods than the replicas', { phases: [PHASES[0], Release.to('v1').withDark('v2').withReplicas({ v2: 4 }).named('preview'), PHASES[2]] }, 'phases[1].replicas.v2', /at most 3 pods of "v2" in the preview \(engine argo-rollouts, feature previewReplicaCount\)/],
    ['fewer active pods during the preview', { phases: [PHASES[0], Release.to('v1').withDark('v2').withReplicas({ v1: 2 }).named('preview'), PHASES[2]] }, 'phases[1].replicas.v1', /the active ReplicaSet keeps the Rollout's replicas until the promotion/],
    ['fewer pods of the new version once promoted', { phases: [PHASES[0], PHASES[1], Release.to('v2').withDark('v1').withReplicas({ v2: 2 }).named('green')] }, 'phases[2].replicas.v2', /the promoted ReplicaSet runs the Rollout's replicas/],
    ['fewer pods of the old version before its scale-down', { phases: [PHASES[0], PHASES[1], Release.to('v2').withDark('v1').withReplicas({ v1: 1 }).named('green')] }, 'phases[2].replicas.v1', /until the controller scales it down \(scaleDownDelaySeconds\)/],
    ['a scaleDownDelaySeconds that is no count of seconds', { engine: Engine.argoRollouts({ scaleDownDelaySeconds: -1 }) }, 'engine.scaleDownDelaySeconds', /an integer from 0/],
  ] as Array<[string, Partial<GatewayProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => blueGreen(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });
});
