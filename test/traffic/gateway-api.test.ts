import { Match, Release, ServiceType, Traffic } from '../../lib';
import { configError, problemsOf, sava, shop } from '../support/gateway-fixture';
import { find, phasesOf } from '../support/manifests';

const parentRefs = [{ name: 'edge', namespace: 'infra', sectionName: 'http' }];

describe('gateway-api provider', () => {
  test('the sava-product phases are valid, wired and declared as realised', () => {
    const gw = sava({ provider: Traffic.gatewayApi({ parentRefs, hostnames: ['sava.example.com'] }), serviceType: undefined });
    expect(problemsOf(gw)).toEqual([]);
    const route = find(phasesOf(gw).get('1-1-0-when-1-0-3')!, 'HTTPRoute', 'sava-product');
    expect(route.spec.parentRefs).toEqual(parentRefs);
    expect(route.spec.hostnames).toEqual(['sava.example.com']);
    expect(route.spec.rules).toEqual([
      { matches: [{ headers: [{ name: 'accept', type: 'Exact', value: 'application/vnd.sava.v1+json' }] }], backendRefs: [{ name: 'sava-product-1-0-3', port: 9070 }] },
      { backendRefs: [{ name: 'sava-product-1-1-0', port: 9070 }] },
    ]);
  });

  test('weights are ratios: 3/1 gives backendRefs weights 3 and 1', () => {
    const gw = shop(Traffic.gatewayApi({ parentRefs }), Release.split({ v1: 3, v2: 1 }));
    expect(problemsOf(gw)).toEqual([]);
    const rules = find(phasesOf(gw).get('split-3-1')!, 'HTTPRoute', 'front-end').spec.rules;
    expect(rules).toEqual([{ backendRefs: [{ name: 'front-end-v1', port: 8080, weight: 3 }, { name: 'front-end-v2', port: 8080, weight: 1 }] }]);
  });

  test('prefix and cookie conditions become anchored regular expressions on the header', () => {
    const last = Release.to('v1').when([Match.headerPrefix('x-group', 'beta.'), Match.cookie('canary', 'yes')], 'v2');
    const gw = shop(Traffic.gatewayApi({ parentRefs }), last);
    expect(problemsOf(gw)).toEqual([]);
    const headers = find(phasesOf(gw).get('v1-when-v2')!, 'HTTPRoute', 'front-end').spec.rules[0].matches[0].headers;
    expect(headers).toEqual([
      { name: 'x-group', type: 'RegularExpression', value: '^beta\\..*$' },
      { name: 'cookie', type: 'RegularExpression', value: '^(?:(.*;\\s*)?canary=yes(;.*)?)$' },
    ]);
    const cookie = new RegExp(headers[1].value);
    expect(['canary=yes', 'a=1; canary=yes', 'canary=yes; b=2'].every((c) => cookie.test(c))).toBe(true);
    expect(['canary=yesno', 'xcanary=yes', 'canary=no'].some((c) => cookie.test(c))).toBe(false);
  });

  test('a route with more conditions than the one before it is refused: the Gateway API would try it first', () => {
    const last = Release.to('v1').when(Match.header('x-a', '1'), 'v2').when([Match.header('x-a', '2'), Match.header('x-b', '2')], 'v1');
    const e = configError(() => shop(Traffic.gatewayApi({ parentRefs }), last));
    expect(e.field).toBe('phases[2].when[1].conditions');
    expect(e.message).toContain('the Gateway API tries the rule with more header matches first');
  });

  test('an exposed Service type is refused: the HTTPRoute is the address', () => {
    const e = configError(() => sava({ provider: Traffic.gatewayApi({ parentRefs }), serviceType: ServiceType.NODE_PORT }));
    expect(e.field).toBe('serviceType');
    expect(e.message).toContain('ServiceType.CLUSTER_IP: with the gateway-api provider the address is the HTTPRoute');
  });

  test('parentRefs are required and checked; a lone "*" is not a hostname', () => {
    expect(configError(() => shop(Traffic.gatewayApi({ parentRefs: [] }), Release.to('v1'))).field).toBe('provider.parentRefs');
    expect(configError(() => shop(Traffic.gatewayApi({ parentRefs: [{ name: 'Edge' }] }), Release.to('v1'))).field).toBe('provider.parentRefs[0].name');
    expect(configError(() => shop(Traffic.gatewayApi({ parentRefs, hostnames: ['*'] }), Release.to('v1'))).field).toBe('provider.hostnames[0]');
  });
});
