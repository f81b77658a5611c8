import { IstioApiVersion, Match, Release, Traffic } from '../../lib';
import { configError, problemsOf, sava, shop } from '../support/gateway-fixture';
import { find, maybeFind, phasesOf, serviceSelectors } from '../support/manifests';

describe('istio provider', () => {
  test.each(Object.values(IstioApiVersion))('%s: the sava-product phases are valid, wired and declared as realised', (apiVersion) => {
    const gw = sava({ provider: Traffic.istio({ apiVersion }), namespace: 'shop' });
    expect(problemsOf(gw)).toEqual([]);
    const docs = phasesOf(gw).get('split-50-50')!;
    expect(docs.filter((d) => d.apiVersion.startsWith('networking.istio.io')).map((d) => `${d.apiVersion} ${d.kind}`)).toEqual([
      `${apiVersion} DestinationRule`,
      `${apiVersion} VirtualService`,
    ]);
  });

  test('v1 by default', () => {
    const docs = phasesOf(sava({ provider: Traffic.istio() })).get('1-0-3')!;
    expect(find(docs, 'VirtualService', 'sava-product').apiVersion).toBe('networking.istio.io/v1');
  });

  test('weights are integers summing to 100 on the last route; one destination has none', () => {
    const docs = phasesOf(sava({ provider: Traffic.istio() }));
    const route = (p: string) => find(docs.get(p)!, 'VirtualService', 'sava-product').spec.http.at(-1).route;
    expect(route('split-50-50').map((r: any) => [r.destination.subset, r.weight])).toEqual([['1-0-3', 50], ['1-1-0', 50]]);
    expect(route('1-0-3')).toEqual([{ destination: { host: 'sava-product', subset: '1-0-3', port: { number: 9070 } } }]);
  });

  test('without a namespace: short host names and no Namespace object; with one, the namespace is labelled unless told not to', () => {
    const plain = phasesOf(sava({ provider: Traffic.istio() })).get('1-0-3')!;
    expect(find(plain, 'DestinationRule', 'sava-product').spec.host).toBe('sava-product');
    expect(plain.some((d) => d.kind === 'Namespace')).toBe(false);
    const labelled = phasesOf(sava({ provider: Traffic.istio(), namespace: 'shop' })).get('1-0-3')!;
    expect(find(labelled, 'Namespace', 'shop').metadata).toEqual({ name: 'shop', labels: { 'istio-injection': 'enabled' } });
    const unlabelled = phasesOf(sava({ provider: Traffic.istio({ injectNamespace: false }), namespace: 'shop' })).get('1-0-3')!;
    expect(maybeFind(unlabelled, 'Namespace', 'shop')).toBeUndefined();
  });

  test('conditions that must all hold share one match; prefix and regex keep their kind; routes keep their order', () => {
    const last = Release.split({ v1: 80, v2: 20 })
      .when([Match.headerPrefix('x-beta', 'yes'), Match.userAgentRegex('.*Firefox.*')], 'v2')
      .when(Match.header('x-stay', 'v1'), 'v1');
    const gw = shop(Traffic.istio(), last);
    expect(problemsOf(gw)).toEqual([]);
    const http = find(phasesOf(gw).get(gw.phaseNames[2])!, 'VirtualService', 'front-end').spec.http;
    expect(http.map((h: any) => h.match)).toEqual([
      [{ headers: { 'x-beta': { prefix: 'yes' }, 'user-agent': { regex: '.*Firefox.*' } } }],
      [{ headers: { 'x-stay': { exact: 'v1' } } }],
      undefined,
    ]);
    expect(gw.phaseNames[2]).toBe('split-80-20-when-v2-v1');
  });

  test('an ingress Gateway with its own name, hosts, port and selector', () => {
    const provider = Traffic.istio({ ingress: { gatewayName: 'shop-gw', hosts: ['shop.example.com'], port: 8080, selector: { app: 'edge' } } });
    const gw = shop(provider, Release.split({ v1: 50, v2: 50 }), { namespace: 'production' });
    expect(problemsOf(gw)).toEqual([]);
    const docs = phasesOf(gw).get('v1')!;
    expect(find(docs, 'Gateway', 'shop-gw').spec).toEqual({ selector: { app: 'edge' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] });
    expect(find(docs, 'VirtualService', 'front-end').spec).toMatchObject({ hosts: ['shop.example.com'], gateways: ['shop-gw'] });
  });

  test('three versions split at once', () => {
    const versions = { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' }, v3: { image: 'acme/fe:3' } };
    const gw = shop(Traffic.istio(), Release.split({}), { versions, phases: [Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 25, v3: 25 })] });
    expect(problemsOf(gw)).toEqual([]);
  });

  test('the address Service selects a dark version only once it receives requests, and a drained one one phase longer', () => {
    const versions = { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' }, v3: { image: 'acme/fe:3' } };
    const phases = [
      Release.to('v1').withDark('v2', 'v3'),
      Release.split({ v1: 50, v2: 25, v3: 25 }),
      Release.to('v2').withDark('v1', 'v3'),
      Release.to('v2').withDark('v3').named('v2-only'),
      Release.to('v2').named('v2-alone'),
    ];
    const gw = shop(Traffic.istio(), Release.split({}), { versions, phases });
    expect(problemsOf(gw)).toEqual([]);
    expect(serviceSelectors(phasesOf(gw), 'front-end')).toEqual([
      'v1-dark-v2-v3: app.kubernetes.io/name=front-end,version=v1',
      'split-50-25-25: app.kubernetes.io/name=front-end',
      'v2-dark-v1-v3: app.kubernetes.io/name=front-end', // v1 and v3 drain
      'v2-only: app.kubernetes.io/name=front-end,version=v2', // v3 is dark again
      'v2-alone: app.kubernetes.io/name=front-end,version=v2',
    ]);
  });

  test('a phase that selects several versions but not a dark one is refused: a Service selects one version or all', () => {
    const versions = { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' }, v3: { image: 'acme/fe:3' } };
    const split = configError(() => shop(Traffic.istio(), Release.split({}), { versions, phases: [Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 90, v2: 10 }).withDark('v3')] }));
    expect(split.field).toBe('phases[1]');
    expect(split.message).toContain('["v3"]');
    expect(split.message).toContain('no version deployed without requests while the address Service selects several (v1, v2: they receive requests in this phase or the one before)');
    expect(split.message).toContain('clients that bypass the VirtualService would reach the dark version');
    // v1 still drains in the phase that releases v2, so v3 cannot be deployed dark yet.
    const draining = configError(() => shop(Traffic.istio(), Release.split({}), { versions, phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1', 'v3')] }));
    expect([draining.field, draining.message]).toEqual(['phases[1]', expect.stringContaining('several (v1, v2: they receive requests in this phase or the one before)')]);
  });

  test('weights that do not sum to 100 are refused', () => {
    const e = configError(() => shop(Traffic.istio(), Release.split({ v1: 90, v2: 20 })));
    expect(e.field).toBe('phases[2].weights');
    expect(e.message).toContain('weights that sum to 100 (these sum to 110): the istio provider takes them as percentages');
  });

  test('a port Istio would not treat as HTTP is refused', () => {
    const e = configError(() => shop(Traffic.istio(), Release.to('v1'), { ports: [{ name: 'web', containerPort: 8080 }] }));
    expect(e.field).toBe('ports[0].name');
    expect(e.message).toContain('a port name that tells Istio the port carries HTTP');
  });

  test('namespace injection needs a namespace', () => {
    const e = configError(() => shop(Traffic.istio({ injectNamespace: true }), Release.to('v1')));
    expect(e.field).toBe('provider.injectNamespace');
    expect(e.message).toContain('a namespace on the Gateway');
  });

  test('bad ingress hosts and api versions are refused', () => {
    expect(configError(() => shop(Traffic.istio({ ingress: { hosts: ['Shop!'] } }), Release.to('v1'))).field).toBe('provider.ingress.hosts[0]');
    expect(configError(() => shop(Traffic.istio({ apiVersion: 'networking.istio.io/v1alpha3' as IstioApiVersion }), Release.to('v1'))).field).toBe('provider.apiVersion');
  });
});
