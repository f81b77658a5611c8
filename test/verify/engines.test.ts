import { Testing } from 'cdk8s';
import { CanaryApp, CanaryStep, Engine, formatFinding, Gate, Gateway, GatewayPhase, loadOutput, Match, Release, renderApp, Traffic, verifyRelease } from '../../lib';
import { Doc, find } from '../support/manifests';

/** Findings of a rendered engine release after an edit of every phase's objects (and of release.json). */
function findingsAfter(engine: 'argo' | 'flagger', edit: (docs: Doc[], phase: string) => void, editSteps?: (steps: Doc[]) => void): string[] {
  const app = Testing.app();
  new CanaryApp(app, 'shop', {
    namespace: 'web',
    stableImage: 'acme/shop:1.0.0',
    canaryImage: 'acme/shop:1.1.0',
    replicas: engine === 'argo' ? 3 : 4,
    steps: engine === 'argo' ? [CanaryStep.replicas(1)] : [CanaryStep.weight(25), CanaryStep.weight(50)],
    gates: engine === 'argo' ? { 'canary-33': [Gate.http()] } : undefined,
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    engine: engine === 'argo' ? Engine.argoRollouts() : Engine.flagger({ provider: Traffic.nginx({ host: 'shop.example.com' }) }),
  });
  const [release] = loadOutput(renderApp(app));
  for (const phase of release.phases) edit(phase.objects as unknown as Doc[], phase.name);
  if (editSteps) editSteps(release.declaration!.steps as unknown as Doc[]);
  return verifyRelease(release).findings.map((f) => `${f.check} ${f.phase}: ${formatFinding(f)}`);
}

const rollout = (docs: Doc[]) => find(docs, 'Rollout', 'shop');
const canaryOf = (docs: Doc[]) => find(docs, 'Canary', 'shop');

/** The Istio objects an Argo Rollout with trafficRouting names: two Services, a VirtualService with a named route, a DestinationRule. */
function withIstio(docs: Doc[], options: { subsets?: boolean } = {}): void {
  const r = rollout(docs);
  const svc = find(docs, 'Service', 'shop');
  docs.push({ ...JSON.parse(JSON.stringify(svc)), metadata: { ...svc.metadata, name: 'shop-stable' } });
  if (!docs.some((d) => d.kind === 'Service' && d.metadata.name === 'shop-canary')) docs.push({ ...JSON.parse(JSON.stringify(svc)), metadata: { ...svc.metadata, name: 'shop-canary' } });
  const destination = (host: string, subset?: string) => ({ destination: { host, ...(subset ? { subset } : {}) }, weight: host === 'shop-stable' || subset === 'stable' ? 100 : 0 });
  docs.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'shop', namespace: 'web' },
    spec: { hosts: ['shop'], http: [{ name: 'primary', route: options.subsets ? [destination('shop', 'stable'), destination('shop', 'canary')] : [destination('shop-stable'), destination('shop-canary')] }] },
  });
  if (options.subsets) {
    docs.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'shop', namespace: 'web' }, spec: { host: 'shop', subsets: [{ name: 'stable', labels: {} }, { name: 'canary', labels: {} }] } });
  }
  r.spec.strategy.canary.stableService = 'shop-stable';
  r.spec.strategy.canary.canaryService = 'shop-canary';
  r.spec.strategy.canary.trafficRouting = {
    istio: { virtualService: { name: 'shop', routes: ['primary'] }, ...(options.subsets ? { destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' } } : {}) },
  };
}

describe('verify on an Argo Rollouts release', () => {
  test('the rendered release has no finding, with its Istio routing added by hand either', () => {
    expect(findingsAfter('argo', () => undefined)).toEqual([]);
    expect(findingsAfter('argo', (docs) => withIstio(docs), (steps) => steps.forEach((s) => (s.addresses[0].routes[0].backends = [{ version: '1.0.0', weight: 67 }, { version: '1.1.0', weight: 33 }])))).toEqual([]);
  });

  test('a Service the strategy names is missing, or leaves out the Rollout\'s pods', () => {
    expect(findingsAfter('argo', (docs) => (rollout(docs).spec.strategy.canary.canaryService = 'shop-preview'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^engine stable: .*Rollout\/web\/shop: spec.strategy.canary.canaryService: names Service "shop-preview", which is not in this phase/)]),
    );
    const found = findingsAfter('argo', (docs) => (find(docs, 'Service', 'shop-canary').spec.selector = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': '2.0.0' }));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine stable: .*Service\/web\/shop-canary: spec.selector: .* does not select the pods of Rollout\/web\/shop/)]));
  });

  test("blue-green active and preview Services", () => {
    const found = findingsAfter('argo', (docs) => (rollout(docs).spec.strategy = { blueGreen: { activeService: 'shop', previewService: 'shop-next' } }));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine stable: .*spec.strategy.blueGreen.previewService: names Service "shop-next"/)]));
  });

  test('the VirtualService, its named route and its destinations', () => {
    const missing = findingsAfter('argo', (docs) => {
      withIstio(docs);
      docs.splice(docs.findIndex((d) => d.kind === 'VirtualService'), 1);
    });
    expect(missing).toEqual(expect.arrayContaining([expect.stringMatching(/virtualService.name: names VirtualService "shop", which is not in this phase/)]));
    const route = findingsAfter('argo', (docs) => {
      withIstio(docs);
      rollout(docs).spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['main'];
    });
    expect(route).toEqual(expect.arrayContaining([expect.stringMatching(/virtualService.routes\[0\]: "main" is not the name of an HTTP route of VirtualService\/web\/shop/)]));
    const host = findingsAfter('argo', (docs) => {
      withIstio(docs);
      find(docs, 'VirtualService', 'shop').spec.http[0].route[1].destination.host = 'shop-stable';
    });
    expect(host).toEqual(expect.arrayContaining([expect.stringMatching(/VirtualService\/web\/shop: spec.http\[0\].route: route "primary", .* has no destination to the Service "shop-canary"/)]));
  });

  test('the DestinationRule and its subsets', () => {
    const found = findingsAfter('argo', (docs) => {
      withIstio(docs, { subsets: true });
      rollout(docs).spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName = 'preview';
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/destinationRule.canarySubsetName: "preview" is not a subset of DestinationRule\/web\/shop \(it has stable, canary\)/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/route "primary", .* has no destination to the subset "preview"/)]));
  });

  test('the NGINX stable Ingress', () => {
    const found = findingsAfter('argo', (docs) => (rollout(docs).spec.strategy.canary.trafficRouting = { nginx: { stableIngress: 'shop' } }));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/trafficRouting.nginx.stableIngress: names Ingress "shop", which is not in this phase/)]));
  });

  test('every analysis template it names', () => {
    const found = findingsAfter('argo', (docs) => {
      const steps = rollout(docs).spec.strategy.canary.steps;
      steps.find((s: Doc) => s.analysis).analysis.templates[0].templateName = 'shop-smoke';
      rollout(docs).spec.strategy.canary.analysis = { templates: [{ templateName: 'error-rate', clusterScope: true }] };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/steps\[\d\].analysis.templates\[0\].templateName: names AnalysisTemplate "shop-smoke", which is not in this phase/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.strategy.canary.analysis.templates\[0\].templateName: names ClusterAnalysisTemplate "error-rate"/)]));
  });

  test('a ClusterAnalysisTemplate it names: found, and checked against the AnalysisTemplate schema', () => {
    // The rendered AnalysisTemplate turned into a ClusterAnalysisTemplate in place (the documents schema reads are these objects).
    const withCluster = (typo: boolean) => (docs: Doc[]) => {
      const template = docs.find((d) => d.kind === 'AnalysisTemplate' || d.kind === 'ClusterAnalysisTemplate')!;
      const name = template.metadata.name;
      template.kind = 'ClusterAnalysisTemplate';
      delete template.metadata.namespace;
      if (typo) template.spec.metrics[0].successConditon = 'result == 1';
      for (const step of rollout(docs).spec.strategy.canary.steps) {
        for (const t of step.analysis?.templates ?? []) if (t.templateName === name) t.clusterScope = true;
      }
    };
    expect(findingsAfter('argo', withCluster(false))).toEqual([]);
    expect(findingsAfter('argo', withCluster(true))).toEqual(expect.arrayContaining([expect.stringMatching(/^schema stable: .*ClusterAnalysisTemplate\/.*successConditon/)]));
  });

  test('an autoscaler and a budget aimed at the Rollout find it', () => {
    const found = findingsAfter('argo', (docs) => {
      docs.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'shop', namespace: 'web' }, spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shopp' }, minReplicas: 3, maxReplicas: 6 } });
      find(docs, 'PodDisruptionBudget', 'shop').spec.selector.matchLabels = { 'app.kubernetes.io/name': 'shopp' };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/HorizontalPodAutoscaler\/web\/shop: spec.scaleTargetRef: Rollout\/shopp is not in this phase/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/PodDisruptionBudget\/web\/shop: spec.selector.matchLabels: .* selects no pods/)]));
  });

  test('weights outside 0-100', () => {
    const found = findingsAfter('argo', (docs) => rollout(docs).spec.strategy.canary.steps.unshift({ setWeight: 120 }));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine stable: .*steps\[0\].setWeight: 120 is not a whole percent from 0 to 100/)]));
  });

  test('the shares the steps give are the declared ones, by step name', () => {
    // 3 replicas at setWeight 50 without a router: 2 canary and 2 stable pods, 1/2, where 1/3 is declared.
    const found = findingsAfter('argo', (docs) => (rollout(docs).spec.strategy.canary.steps.find((s: Doc) => s.setWeight !== undefined).setWeight = 50));
    expect(found).toContain(
      'engine release: shop/release: Rollout/web/shop: spec.strategy.canary.steps[1]: weight 50 (2 stable + 2 canary pods of 3 replicas, no router) gives 1.1.0 50% of the requests to shop; release.json\'s step "canary-33" declares 33.3% [engine]',
    );
    const extra = findingsAfter('argo', (docs) => rollout(docs).spec.strategy.canary.steps.push({ setWeight: 66 }));
    expect(extra).toEqual(expect.arrayContaining([expect.stringMatching(/^engine release: .*steps\[2\]: weight 66 .* has no step in release.json/)]));
    // A header route the declaration does not have.
    const headers = findingsAfter(
      'argo',
      (docs) => {
        withIstio(docs);
        rollout(docs).spec.strategy.canary.steps.splice(1, 0, { setHeaderRoute: { name: 'beta', match: [{ headerName: 'Cookie', headerValue: { regex: '.*beta.*' } }] } });
      },
      (steps) => steps.forEach((s) => (s.addresses[0].routes[0].backends = [{ version: '1.0.0', weight: 67 }, { version: '1.1.0', weight: 33 }])),
    );
    expect(headers).toEqual(expect.arrayContaining([expect.stringMatching(/steps\[2\]: sends the requests with cookie regex ".\*beta.\*" to 1.1.0 at shop; release.json's step "canary-33" declares no header route/)]));
    const fewer = findingsAfter('argo', () => undefined, (steps) => steps.push({ ...steps[0], name: 'canary-66' }));
    expect(fewer).toEqual(expect.arrayContaining([expect.stringMatching(/walks 1 steps, so release.json's step "canary-66" .* never happens/)]));
  });
});

/** Findings of a blue-green Gateway on Argo Rollouts (preview gated by a smoke test, promotion by an analysis) after an edit. */
function blueGreenFindingsAfter(provider: Traffic, edit: (docs: Doc[], phase: string) => void, editSteps?: (steps: Doc[]) => void): string[] {
  const app = Testing.app();
  new Gateway(app, 'shop', {
    namespace: 'web',
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 3 } },
    phases: [Release.to('v1').named('blue'), Release.to('v1').withDark('v2').withReplicas({ v2: 1 }).named('preview'), Release.to('v2').withDark('v1').named('green')],
    gates: { preview: [Gate.http()], green: [Gate.prometheus({ address: 'http://prometheus:9090', query: 'sum(up{version="{{version}}"})', successCondition: 'result > 0' })] },
    provider,
    engine: Engine.argoRollouts(),
  });
  const [release] = loadOutput(renderApp(app));
  for (const phase of release.phases) edit(phase.objects as unknown as Doc[], phase.name);
  if (editSteps) editSteps(release.declaration!.steps as unknown as Doc[]);
  return verifyRelease(release).findings.map((f) => `${f.check} ${f.phase}: ${formatFinding(f)}`);
}

describe('verify on a blue-green Argo Rollouts release', () => {
  const istio = () => Traffic.istio();
  const blueGreen = (docs: Doc[]) => rollout(docs).spec.strategy.blueGreen;

  test('the rendered release has no finding', () => {
    expect(blueGreenFindingsAfter(istio(), () => undefined)).toEqual([]);
    expect(blueGreenFindingsAfter(Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }), () => undefined)).toEqual([]);
  });

  test('the preview Service is missing; the active Service leaves out the Rollout\'s pods', () => {
    const missing = blueGreenFindingsAfter(istio(), (docs) => docs.splice(docs.indexOf(find(docs, 'Service', 'shop-canary')), 1));
    expect(missing).toEqual(expect.arrayContaining([expect.stringMatching(/^engine release: .*Rollout\/web\/shop: spec.strategy.blueGreen.previewService: names Service "shop-canary", which is not in this phase/)]));
    const wrong = blueGreenFindingsAfter(istio(), (docs) => (find(docs, 'Service', 'shop').spec.selector = { 'app.kubernetes.io/name': 'shop-v1' }));
    expect(wrong).toEqual(expect.arrayContaining([expect.stringMatching(/^engine stable: .*Service\/web\/shop: spec.selector: .* does not select the pods of Rollout\/web\/shop .* spec.strategy.blueGreen.activeService/)]));
  });

  test('the pre- and post-promotion analysis templates exist', () => {
    const found = blueGreenFindingsAfter(istio(), (docs) => {
      for (const name of ['shop-smoke-preview-v2', 'shop-analysis-green-v2']) docs.splice(docs.indexOf(find(docs, 'AnalysisTemplate', name)), 1);
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.strategy.blueGreen.prePromotionAnalysis.templates\[0\].templateName: names AnalysisTemplate "shop-smoke-preview-v2", which is not in this phase/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.strategy.blueGreen.postPromotionAnalysis.templates\[0\].templateName: names AnalysisTemplate "shop-analysis-green-v2", which is not in this phase/)]));
  });

  test('its two steps, the preview and the promotion, against the declared ones', () => {
    const share = blueGreenFindingsAfter(istio(), () => undefined, (steps) => (steps[0].addresses[0].routes[0].backends = [{ version: 'v1', weight: 50 }, { version: 'v2', weight: 50 }]));
    expect(share).toContain(
      'engine release: shop/release: Rollout/web/shop: spec.strategy.blueGreen.previewService: the preview (the new ReplicaSet behind previewService, activeService still on the old one) gives v2 0% of the requests to shop; release.json\'s step "preview" declares 50% [engine]',
    );
    const more = blueGreenFindingsAfter(istio(), () => undefined, (steps) => steps.push({ ...steps[1], name: 'after' }));
    expect(more).toEqual(expect.arrayContaining([expect.stringMatching(/Rollout\/web\/shop: spec.strategy.blueGreen: walks 2 steps, so release.json's step "after" .* never happens/)]));
    const fewer = blueGreenFindingsAfter(istio(), () => undefined, (steps) => steps.splice(1));
    expect(fewer).toEqual(expect.arrayContaining([expect.stringMatching(/spec.strategy.blueGreen.activeService: the promotion .* \(v2 takes 100%\) has no step in release.json/)]));
  });

  test('the analyses and the promotion mode are those the steps declare', () => {
    const found = blueGreenFindingsAfter(istio(), (docs) => {
      blueGreen(docs).autoPromotionEnabled = false;
      delete blueGreen(docs).postPromotionAnalysis;
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine release: .*spec.strategy.blueGreen.autoPromotionEnabled: is false: a person promotes; release.json's step "preview" declares no pause/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.strategy.blueGreen.postPromotionAnalysis: runs the analyses none; release.json's step "green" declares shop-analysis-green-v2/)]));
    const swapped = blueGreenFindingsAfter(istio(), (docs) => {
      const { prePromotionAnalysis, postPromotionAnalysis } = blueGreen(docs);
      Object.assign(blueGreen(docs), { prePromotionAnalysis: postPromotionAnalysis, postPromotionAnalysis: prePromotionAnalysis });
    });
    expect(swapped).toEqual(expect.arrayContaining([expect.stringMatching(/prePromotionAnalysis: runs the analyses shop-analysis-green-v2; release.json's step "preview" declares shop-smoke-preview-v2/)]));
  });

  test('a router that does not lead to the active Service serves none of the steps', () => {
    const found = blueGreenFindingsAfter(Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }), (docs) => (find(docs, 'HTTPRoute', 'shop').spec.rules[0].backendRefs[0].name = 'shop-canary'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine release: shop\/release: release.json: steps: the steps route address "shop", which no Rollout or Canary of the phase release serves/)]));
  });
});

describe('verify on a Flagger release', () => {
  test('the rendered release has no finding: the primary and the Services Flagger writes are counted', () => {
    expect(findingsAfter('flagger', () => undefined)).toEqual([]);
  });

  test("the Canary's targetRef, autoscalerRef, ingressRef and metric templates", () => {
    const found = findingsAfter('flagger', (docs) => {
      const spec = canaryOf(docs).spec;
      spec.targetRef.name = 'shop-v2';
      spec.autoscalerRef = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'shop' };
      spec.ingressRef.name = 'shop-public';
      spec.analysis.metrics = [{ name: 'errors', interval: '1m', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 } }];
    });
    for (const expected of [
      /^engine stable: .*Canary\/web\/shop: spec.targetRef: Deployment\/shop-v2 is not in this phase/,
      /spec.autoscalerRef: HorizontalPodAutoscaler\/shop is not in this phase/,
      /spec.ingressRef: Ingress\/shop-public is not in this phase/,
      /spec.analysis.metrics\[0\].templateRef: MetricTemplate "error-rate" in namespace web is not in this phase/,
    ]) {
      expect(found).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    }
  });

  test('a target without the labels Flagger copies to the primary', () => {
    const found = findingsAfter('flagger', (docs) => {
      const d = find(docs, 'Deployment', 'shop');
      d.spec.selector.matchLabels = { 'app.kubernetes.io/instance': 'shop' };
    });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.targetRef: the selector of Deployment\/shop has none of the labels app, name, app.kubernetes.io\/name/)]));
  });

  test('step weights: percents, rising, and the declared shares', () => {
    const found = findingsAfter('flagger', (docs) => (canaryOf(docs).spec.analysis.stepWeights = [30, 20, 101]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/stepWeights\[1\]: 20 does not rise above the step before \(30\)/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/stepWeights\[2\]: 101 is not a whole percent/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^engine release: .*Canary\/web\/shop: spec.analysis.stepWeights\[0\]: stepWeights\[0\] 30 gives 1.1.0 30% of the requests to shop; release.json's step "canary-25" declares 25%/)]));
    const stepped = findingsAfter('flagger', (docs) => {
      delete canaryOf(docs).spec.analysis.stepWeights;
      Object.assign(canaryOf(docs).spec.analysis, { stepWeight: 25, maxWeight: 75 });
    });
    expect(stepped).toEqual(expect.arrayContaining([expect.stringMatching(/spec.analysis.stepWeight: stepWeight 25, step 3 \(weight 75\) \(1.1.0 takes 75%\) has no step in release.json/)]));
  });
});

test('a Flagger A/B test on Istio: the requests its match sends to the new version against the declared condition routes', () => {
  const declare = (steps: Doc[]) => {
    steps.splice(1);
    steps[0].name = 'insiders';
    steps[0].addresses[0].routes = [
      { conditions: [{ header: 'x-canary', match: 'exact', value: 'insider' }], backends: [{ version: '1.1.0', weight: 100 }] },
      { conditions: [], backends: [{ version: '1.0.0', weight: 100 }] },
    ];
  };
  const ab = (value: string) => (docs: Doc[]) => {
    const analysis = canaryOf(docs).spec.analysis;
    delete analysis.stepWeights;
    Object.assign(analysis, { iterations: 10, match: [{ headers: { 'x-canary': { exact: value } } }] });
    canaryOf(docs).spec.provider = 'istio';
  };
  expect(findingsAfter('flagger', ab('insider'), declare).filter((f) => f.startsWith('engine'))).toEqual([]);
  expect(findingsAfter('flagger', ab('outsider'), declare)).toEqual(
    expect.arrayContaining([expect.stringMatching(/spec.analysis.iterations: sends the requests with x-canary exact "outsider" to 1.1.0 at shop; release.json's step "insiders" declares the requests with x-canary exact "insider"/)]),
  );
});

/** Findings of a Gateway on Flagger (autoscaled) after an edit of every phase's objects. */
function gatewayFindingsAfter(provider: Traffic, middle: GatewayPhase[], edit: (docs: Doc[], phase: string) => void): string[] {
  const app = Testing.app();
  new Gateway(app, 'shop', {
    namespace: 'web',
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 2 }, v2: { image: 'acme/shop:2.0.0', replicas: 2 } },
    autoscaling: { maxReplicas: 4 },
    phases: [Release.to('v1').named('v1'), Release.to('v1').withDark('v2').named('dark'), ...middle, Release.to('v2').withDark('v1').named('v2')],
    provider,
    engine: Engine.flagger(),
  });
  const [release] = loadOutput(renderApp(app));
  for (const phase of release.phases) edit(phase.objects as unknown as Doc[], phase.name);
  return verifyRelease(release).findings.map((f) => `${f.check} ${f.phase}: ${formatFinding(f)}`);
}

describe('verify on a Gateway on Flagger', () => {
  const gatewayApi = Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] });
  const beta = [Release.to('v1').when(Match.headerPrefix('x-group', 'beta'), 'v2').named('beta')];
  const weights = [Release.split({ v1: 80, v2: 20 }).named('share-20'), Release.split({ v1: 50, v2: 50 }).named('share-50')];

  test('the rendered releases have no finding: weights on Istio, an A/B test on the Gateway API', () => {
    expect(gatewayFindingsAfter(Traffic.istio(), weights, () => undefined)).toEqual([]);
    expect(gatewayFindingsAfter(gatewayApi, beta, () => undefined)).toEqual([]);
  });

  test('the autoscaler the Canary names must scale its target', () => {
    const found = gatewayFindingsAfter(Traffic.istio(), weights, (docs) => (find(docs, 'HorizontalPodAutoscaler', 'shop').spec.scaleTargetRef.name = 'shop-v2'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/spec.autoscalerRef: HorizontalPodAutoscaler\/shop scales Deployment\/shop-v2, not the target Deployment\/shop/)]));
  });

  test('stepWeights against the declared shares of the phases', () => {
    const found = gatewayFindingsAfter(Traffic.istio(), weights, (docs) => (canaryOf(docs).spec.analysis.stepWeights = [20, 40]));
    expect(found).toEqual([expect.stringMatching(/^engine release: .*spec.analysis.stepWeights\[1\]: stepWeights\[1\] 40 gives v2 40% of the requests to shop; release.json's step "share-50" declares 50%/)]);
  });

  test("the Gateway API's match, anchored as the HTTPRoute takes it, against the declared condition route", () => {
    const found = gatewayFindingsAfter(gatewayApi, beta, (docs) => (canaryOf(docs).spec.analysis.match = [{ headers: { 'x-group': { regex: '^alpha.*$' } } }]));
    expect(found).toEqual([
      expect.stringMatching(/^engine release: .*spec.analysis.iterations: sends the requests with x-group regex "\^alpha\.\*\$" to v2 at shop; release.json's step "beta" declares the requests with x-group regex "\^beta\.\*\$"/),
    ]);
  });

  test('weights beside iterations are never walked; a match without iterations is no A/B test', () => {
    const both = gatewayFindingsAfter(gatewayApi, beta, (docs) => (canaryOf(docs).spec.analysis.stepWeights = [50]));
    expect(both).toEqual(expect.arrayContaining([expect.stringMatching(/spec.analysis.stepWeights: is never walked: with iterations set Flagger runs the A\/B test/)]));
    const noIterations = gatewayFindingsAfter(gatewayApi, beta, (docs) => delete canaryOf(docs).spec.analysis.iterations);
    expect(noIterations).toEqual(expect.arrayContaining([expect.stringMatching(/spec.analysis.match: has no iterations beside it, so it is no A\/B test/)]));
  });
});
