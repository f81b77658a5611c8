import { Release, Traffic } from '../../lib';
import { configError, problemsOf, shop } from '../support/gateway-fixture';
import { find, maybeFind, phasesOf } from '../support/manifests';

// The router object of each provider, named by `routeName` (the sockshop VirtualService is `sockshop`).
const providers = [
  ['istio', 'VirtualService', (routeName?: string) => Traffic.istio({ routeName })],
  ['gateway-api', 'HTTPRoute', (routeName?: string) => Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }], routeName })],
  ['nginx', 'Ingress', (routeName?: string) => Traffic.nginx({ routeName })],
] as const;

describe.each(providers)('%s provider: routeName', (_provider, kind, provider) => {
  const addresses = (gw: ReturnType<typeof shop>) => gw.declaration.phases.map((p) => p.addresses.map((a) => a.name));

  test('names the router object and the address in release.json; the Services keep the Gateway name', () => {
    const gw = shop(provider('sockshop'), Release.split({ v1: 90, v2: 10 }));
    expect(problemsOf(gw)).toEqual([]);
    const docs = phasesOf(gw).get('split-90-10')!;
    expect(find(docs, kind, 'sockshop').metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'front-end' });
    expect(maybeFind(docs, kind, 'front-end')).toBeUndefined();
    expect(docs.filter((d) => d.kind === 'Service').every((d) => d.metadata.name.startsWith('front-end'))).toBe(true);
    expect(addresses(gw)).toEqual([['sockshop'], ['sockshop'], ['sockshop']]);
  });

  test('defaults to the name of the Gateway', () => {
    const gw = shop(provider(), Release.to('v1').named('v1-again'));
    // find throws, listing the objects there are, when there is none of that kind and name.
    expect(() => find(phasesOf(gw).get('v1')!, kind, 'front-end')).not.toThrow();
    expect(addresses(gw)[0]).toEqual(['front-end']);
  });

  test('a name that is not a DNS subdomain is refused', () => {
    const e = configError(() => shop(provider('Sock Shop'), Release.to('v1')));
    expect([e.field, e.message]).toEqual(['provider.routeName', expect.stringContaining('a DNS-1123 subdomain')]);
  });
});

test('nginx: the canary Ingress is <routeName>-canary, and must fit in 253 characters', () => {
  const docs = phasesOf(shop(Traffic.nginx({ routeName: 'sockshop' }), Release.split({ v1: 90, v2: 10 }))).get('split-90-10')!;
  expect(find(docs, 'Ingress', 'sockshop-canary').metadata.annotations).toMatchObject({ 'nginx.ingress.kubernetes.io/canary': 'true' });
  const long = ['a', 'b', 'c', 'd'].map((c) => c.repeat(62)).join('.'); // 251 characters
  const e = configError(() => shop(Traffic.nginx({ routeName: long }), Release.to('v1')));
  expect([e.field, e.message]).toEqual(['provider.routeName', expect.stringContaining('at most 246 characters: the canary Ingress is named <routeName>-canary')]);
});
