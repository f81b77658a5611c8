import { Match, Release, Traffic } from '../../lib';
import { configError, problemsOf, sava, shop } from '../support/gateway-fixture';
import { find, maybeFind, phasesOf } from '../support/manifests';

const A = 'nginx.ingress.kubernetes.io';

describe('nginx provider (ingress-nginx canary annotations)', () => {
  const gw = sava({ provider: Traffic.nginx({ host: 'sava.example.com' }), serviceType: undefined });
  const phases = phasesOf(gw);

  test('the sava-product phases are valid, wired and declared as realised', () => {
    expect(problemsOf(gw)).toEqual([]);
  });

  test('one version: only the primary Ingress; two: a canary Ingress for the same host and path', () => {
    expect(maybeFind(phases.get('1-0-3-dark-1-1-0')!, 'Ingress', 'sava-product-canary')).toBeUndefined();
    const docs = phases.get('split-50-50')!;
    const primary = find(docs, 'Ingress', 'sava-product');
    expect(primary.metadata.annotations).toBeUndefined();
    expect(primary.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{ host: 'sava.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'sava-product-1-0-3', port: { number: 9070 } } } }] } }],
    });
    const canary = find(docs, 'Ingress', 'sava-product-canary');
    expect(canary.metadata.annotations).toEqual({ [`${A}/canary`]: 'true', [`${A}/canary-weight`]: '50' });
    expect(canary.spec.rules[0].http.paths[0].backend.service.name).toBe('sava-product-1-1-0');
  });

  test('the media-type phase: 1.0.3 becomes the canary, taken by the header only, 1.1.0 the primary', () => {
    const docs = phases.get('1-1-0-when-1-0-3')!;
    expect(find(docs, 'Ingress', 'sava-product').spec.rules[0].http.paths[0].backend.service.name).toBe('sava-product-1-1-0');
    const canary = find(docs, 'Ingress', 'sava-product-canary');
    expect(canary.spec.rules[0].http.paths[0].backend.service.name).toBe('sava-product-1-0-3');
    expect(canary.metadata.annotations).toEqual({
      [`${A}/canary`]: 'true',
      [`${A}/canary-weight`]: '0',
      [`${A}/canary-by-header`]: 'accept',
      [`${A}/canary-by-header-value`]: 'application/vnd.sava.v1+json',
    });
  });

  test('a regular expression becomes an anchored canary-by-header-pattern; Match.cookie(name, "always") canary-by-cookie', () => {
    const last = Release.split({ v1: 90, v2: 10 }).when(Match.userAgentRegex('.*Chrome.*'), 'v2').when(Match.cookie('canary', 'always'), 'v2');
    const shopGw = shop(Traffic.nginx({ ingressClassName: 'public', path: '/shop' }), last);
    expect(problemsOf(shopGw)).toEqual([]);
    const canary = find(phasesOf(shopGw).get(shopGw.phaseNames[2])!, 'Ingress', 'front-end-canary');
    expect(canary.metadata.annotations).toEqual({
      [`${A}/canary`]: 'true',
      [`${A}/canary-weight`]: '10',
      [`${A}/canary-by-header`]: 'user-agent',
      [`${A}/canary-by-header-pattern`]: '^(?:.*Chrome.*)$',
      [`${A}/canary-by-cookie`]: 'canary',
    });
    expect(canary.spec).toMatchObject({ ingressClassName: 'public', rules: [{ http: { paths: [{ path: '/shop' }] } }] });
    // canary-by-cookie also sends `never` to the primary version, whatever the weight: release.json says so.
    const cookie = (v: string) => [{ header: 'cookie', match: 'regex', value: `(.*;\\s*)?canary=${v}(;.*)?` }];
    expect(shopGw.declaration.phases[2].addresses[0].routes.slice(1, 3)).toEqual([
      { conditions: cookie('always'), backends: [{ version: 'v2', weight: 100 }] },
      { conditions: cookie('never'), backends: [{ version: 'v1', weight: 100 }] },
    ]);
  });

  test('more than two versions are refused', () => {
    const versions = { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' }, v3: { image: 'acme/fe:3' } };
    const e = configError(() => shop(Traffic.nginx(), Release.to('v1'), { versions, phases: [Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 25, v3: 25 })] }));
    expect(e.field).toBe('phases[1]');
    expect(e.value).toEqual(['v1', 'v2', 'v3']);
    expect(e.message).toContain('at most 2 versions receiving requests in one phase: ingress-nginx has one primary and one canary Ingress');
  });

  test('conditions that lead to different versions, two header conditions, two at once, or another cookie value are refused', () => {
    const cases: Array<[ReturnType<typeof Release.to>, string, string]> = [
      [Release.split({ v1: 50, v2: 50 }).when(Match.header('x-a', '1'), 'v2').when(Match.header('x-b', '1'), 'v1'), 'phases[2].when[1].version', 'every condition leads to the one canary Ingress'],
      [Release.to('v1').when(Match.header('x-a', '1'), 'v2').when(Match.header('x-b', '1'), 'v2'), 'phases[2].when[1]', 'one header condition per phase'],
      [Release.to('v1').when([Match.header('x-a', '1'), Match.header('x-b', '1')], 'v2'), 'phases[2].when[0].conditions', 'a single condition per route'],
      [Release.to('v1').when(Match.cookie('canary', 'yes'), 'v2'), 'phases[2].when[0].conditions[0].value', 'when the cookie named by canary-by-cookie is "always"'],
    ];
    for (const [last, field, message] of cases) {
      const e = configError(() => shop(Traffic.nginx(), last));
      expect([e.field, e.message]).toEqual([field, expect.stringContaining(message)]);
    }
  });

  test('weights are percentages', () => {
    const e = configError(() => shop(Traffic.nginx(), Release.split({ v1: 3, v2: 1 })));
    expect(e.field).toBe('phases[2].weights');
    expect(e.message).toContain('the nginx provider takes them as percentages');
  });
});
