import { Traffic } from '../../lib';
import { sava } from '../support/gateway-fixture';
import { realisedRoutes, wiringProblems } from '../support/gateway-wiring';
import { Doc, phasesOf } from '../support/manifests';

// The wiring checks of the other tests must be able to fail: each breaks one link.
const phase = (provider: Traffic, name: string): Doc[] => structuredClone(phasesOf(sava({ provider, serviceType: undefined })).get(name)!);
const the = (docs: Doc[], kind: string) => docs.find((d) => d.kind === kind)!;

test('a VirtualService subset missing from the DestinationRule', () => {
  const docs = phase(Traffic.istio(), 'split-50-50');
  the(docs, 'DestinationRule').spec.subsets.pop();
  expect(wiringProblems(docs)).toContain('VirtualService sava-product http[0]: subset 1-1-0 is not in DestinationRule sava-product');
});

test('a subset whose label selects no pods of the phase', () => {
  const docs = phase(Traffic.istio(), '1-0-3-dark-1-1-0').filter((d) => d.metadata.name !== 'sava-product-1-1-0');
  the(docs, 'VirtualService').spec.http[0].route[0].destination.subset = '1-1-0';
  expect(wiringProblems(docs)).toContain('VirtualService sava-product http[0] subset 1-1-0 reaches the pods of 0 versions (), not one');
});

test('a backendRef to a Service or port the phase does not have', () => {
  const docs = phase(Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }] }), 'split-50-50');
  the(docs, 'HTTPRoute').spec.rules[0].backendRefs[1].port = 80;
  the(docs, 'HTTPRoute').spec.rules[0].backendRefs[0].name = 'sava-product-9-9-9';
  expect(wiringProblems(docs)).toEqual([
    'HTTPRoute sava-product rules[0] names Service sava-product-9-9-9, which this phase does not have',
    'HTTPRoute sava-product rules[0] uses port 80, which Service sava-product-1-1-0 does not expose',
  ]);
});

test('a canary Ingress on another path, and a Service whose selector matches nothing', () => {
  const docs = phase(Traffic.nginx(), 'split-50-50');
  docs.find((d) => d.metadata.name === 'sava-product-canary')!.spec.rules[0].http.paths[0].path = '/v2';
  docs.find((d) => d.metadata.name === 'sava-product-1-0-3' && d.kind === 'Service')!.spec.selector.version = '1.0.2';
  const problems = wiringProblems(docs);
  expect(problems).toContain('the canary Ingress does not have the host and path of the primary one');
  expect(problems).toContain('Service sava-product-1-0-3 selects no pods');
});

test('weights that do not sum to 100, and a Deployment whose selector takes another version\'s pods', () => {
  const docs = phase(Traffic.istio(), 'split-50-50');
  the(docs, 'VirtualService').spec.http[0].route[1].weight = 60;
  delete docs.find((d) => d.metadata.name === 'sava-product-1-0-3')!.spec.selector.matchLabels.version;
  const problems = wiringProblems(docs);
  expect(problems).toContain('VirtualService sava-product http[0]: weights do not sum to 100');
  expect(problems).toContain('Deployment sava-product-1-0-3: its selector also selects the pods of sava-product-1-1-0');
});

test('the realised routes follow the manifests, not the declaration', () => {
  const docs = phase(Traffic.service(), 'split-50-50');
  docs.find((d) => d.metadata.name === 'sava-product-1-1-0')!.spec.replicas = 3;
  expect(realisedRoutes(docs)).toEqual([{ conditions: [], backends: [{ version: '1.0.3', weight: 1 }, { version: '1.1.0', weight: 3 }] }]);
});
