import { Match, Release, Traffic } from '../../lib';
import { configError, problemsOf, sava, shop } from '../support/gateway-fixture';
import { find, phasesOf, selectedDeployments } from '../support/manifests';

describe('service provider (plain Kubernetes)', () => {
  test('the sava-product phases are valid, wired and declared as realised', () => {
    expect(problemsOf(sava({ provider: Traffic.service() }))).toEqual([]);
  });

  test('one released version is pinned by its version label, so a dark version gets no request; several are all selected', () => {
    const gw = sava({ provider: Traffic.service() });
    const phases = phasesOf(gw);
    const selected = [...phases].map(([p, docs]) => [p, selectedDeployments(docs, find(docs, 'Service', 'sava-product')).map((d) => d.metadata.name)]);
    expect(selected).toEqual([
      ['1-0-3', ['sava-product-1-0-3']],
      ['1-0-3-dark-1-1-0', ['sava-product-1-0-3']],
      ['split-50-50', ['sava-product-1-0-3', 'sava-product-1-1-0']],
      ['1-1-0-dark-1-0-3', ['sava-product-1-1-0']],
      ['1-0-3-removed', ['sava-product-1-1-0']],
    ]);
    expect(find(phases.get('1-0-3')!, 'Service', 'sava-product').spec.selector).toEqual({ 'app.kubernetes.io/name': 'sava-product', version: '1.0.3' });
    expect(gw.declaration.provider).toBe('service');
  });

  test('weights are realised by pod counts: 90/10 with 9 and 1 pods, declared as pods', () => {
    const gw = shop(Traffic.service(), Release.split({ v1: 90, v2: 10 }).withReplicas({ v1: 9, v2: 1 }));
    expect(problemsOf(gw)).toEqual([]);
    expect(gw.declaration.phases[2].addresses[0].routes).toEqual([{ conditions: [], backends: [{ version: 'v1', weight: 9 }, { version: 'v2', weight: 1 }] }]);
    const docs = phasesOf(gw).get('split-90-10')!;
    expect(find(docs, 'Deployment', 'front-end-v1').spec.replicas).toBe(9);
  });

  test('weights are ratios here: 3/1 with 3 and 1 pods', () => {
    expect(problemsOf(shop(Traffic.service(), Release.split({ v1: 3, v2: 1 }).withReplicas({ v1: 3 })))).toEqual([]);
  });

  test('a weight that pod counts cannot realise is refused with the counts that would', () => {
    const e = configError(() => shop(Traffic.service(), Release.split({ v1: 90, v2: 10 })));
    expect(e.path).toBe('shop');
    expect(e.field).toBe('phases[2].weights.v1');
    expect(e.message).toContain('a weight that pod counts realise exactly');
    expect(e.message).toContain('v1: 1 pod, v2: 1 pod give v1 1/2 of them, not 90/100');
    expect(e.message).toContain('.withReplicas({"v1":9,"v2":1})');
  });

  test('conditions are refused, naming the providers that can route by request content', () => {
    const e = configError(() => shop(Traffic.service(), Release.to('v1').when(Match.cookieRegex('.*logged_in.*'), 'v2')));
    expect(e.field).toBe('phases[2].when[0]');
    expect(e.message).toContain('a phase without conditions: the service provider cannot route by request content (Traffic.istio(), Traffic.gatewayApi() and Traffic.nginx() can)');
  });

  test('a dark version beside several released ones is refused: one Service cannot leave it out', () => {
    const three = { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' }, v3: { image: 'acme/fe:3' } };
    const e = configError(() =>
      shop(Traffic.service(), Release.split({ v1: 50, v2: 50 }).withDark('v3'), {
        versions: three,
        phases: [Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 50 }).withDark('v3')],
      }),
    );
    expect(e.field).toBe('phases[1]');
    expect(e.value).toEqual(['v3']);
    expect(e.message).toContain('one Service selects either one version or all of them');
  });
});
