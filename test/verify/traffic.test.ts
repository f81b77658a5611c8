import { DeclaredAddress } from '../../lib/model/release';
import { brief, deployment, destinationRule, distRelease, Doc, editObject, findings, httpRoute, ingress, phase, plain, release, service, virtualService } from './builders';

const V1 = '1.0.0';
const V2 = '1.1.0';
const stable = deployment('shop-stable', { podLabels: { app: 'shop', track: 'stable', 'app.kubernetes.io/version': V1 }, replicas: 3 });
const canary = deployment('shop-canary', { podLabels: { app: 'shop', track: 'canary', 'app.kubernetes.io/version': V2 }, image: 'registry.example.com/shop:1.1.0' });
const address = (name: string, routes: DeclaredAddress['routes']): DeclaredAddress[] => [{ name, minAvailable: 1, routes }];
const weighted = (w1: number, w2: number) => ({ conditions: [], backends: [{ version: V1, weight: w1 }, { version: V2, weight: w2 }] });

describe('traffic: shares by version equal the declaration', () => {
  describe('plain Service: the replica ratio', () => {
    const addressbook = distRelease('addressbook');

    test('the synthesized addressbook sends what it declares', () => {
      expect(findings(addressbook, 'traffic')).toEqual([]);
    });

    test('a canary with one replica too many', () => {
      const broken = editObject(addressbook, ['canary-33'], 'Deployment', 'addressbook-canary', (d) => (d.spec.replicas = 2));
      expect(findings(broken, 'traffic').map(brief)).toEqual([
        {
          check: 'traffic',
          phase: 'canary-33',
          object: 'Service/addressbook-lb',
          field: 'spec.selector',
          message: 'every other request sends 1/2 (50%) to 1.0.0 and 1/2 (50%) to 1.1.0; declared 2/3 (66.7%) to 1.0.0 and 1/3 (33.3%) to 1.1.0',
        },
      ]);
    });

    test('a declared address that is not in the phase', () => {
      const r = { ...addressbook, declaration: { ...addressbook.declaration!, phases: addressbook.declaration!.phases.map((p) => (p.name === 'promote' ? { ...p, addresses: [{ ...p.addresses[0], name: 'addressbook' }] } : p)) } };
      expect(findings(r, 'traffic').map((f) => `${f.phase}: ${f.object}: ${f.message}`)).toEqual([
        'promote: Service/addressbook: declared as an address of this phase, but the phase has no Service of that name',
      ]);
    });
  });

  describe('Istio: conditions first, then weights; subsets by DestinationRule labels', () => {
    const v1 = deployment('shop-v1', { podLabels: { app: 'shop', version: 'v1' }, replicas: 3 });
    const v2 = deployment('shop-v2', { podLabels: { app: 'shop', version: 'v2' } });
    const dr = destinationRule('shop', 'shop', { v1: { version: 'v1' }, v2: { version: 'v2' } });
    const to = (subset: string, weight?: number) => ({ destination: { host: 'shop', subset }, ...(weight === undefined ? {} : { weight }) });
    const loggedIn = { match: [{ headers: { cookie: { regex: '.*logged_in.*' } } }], route: [to('v2')] };
    const declared = address('shop', [
      { conditions: [{ header: 'cookie', match: 'regex', value: '.*logged_in.*' }], backends: [{ version: 'v2', weight: 1 }] },
      { conditions: [], backends: [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }] },
    ]);
    const istio = (...http: Doc[]) => release('istio', [[phase('canary-10', service('shop', { app: 'shop' }), v1, v2, dr, virtualService('shop', http)), declared]]);

    test('a VirtualService that routes as declared has no findings at all', () => {
      expect(findings(istio(loggedIn, { route: [to('v1', 90), to('v2', 10)] }))).toEqual([]);
    });

    test('weights summing to 90', () => {
      expect(findings(istio(loggedIn, { route: [to('v1', 80), to('v2', 10)] }), 'traffic').map(brief)).toEqual([
        {
          check: 'traffic',
          phase: 'canary-10',
          object: 'VirtualService/shop',
          field: 'spec.http[1].route',
          message:
            'weights add up to 90, not 100: Istio 1.15 and later normalise them and send 8/9 (88.9%) to Service/shop subset v1, 1/9 (11.1%) to Service/shop subset v2; older Istio rejects the route',
        },
        {
          check: 'traffic',
          phase: 'canary-10',
          object: 'VirtualService/shop',
          field: 'spec.http[1]',
          message: 'every other request sends 8/9 (88.9%) to v1 and 1/9 (11.1%) to v2; declared 9/10 (90%) to v1 and 1/10 (10%) to v2',
        },
      ]);
    });

    test('weights not adding up to 100 are reported in plain YAML too, with the shares the mesh applies; a lone destination needs none', () => {
      const plainIstio = (...http: Doc[]) => plain(phase('canary', service('shop', { app: 'shop' }), v1, v2, dr, virtualService('shop', http)));
      expect(findings(plainIstio(loggedIn, { route: [to('v1', 90), to('v2', 10)] }))).toEqual([]);
      expect(findings(plainIstio({ route: [to('v1', 60), to('v2', 60)] }), 'traffic').map((f) => `${f.field}: ${f.message}`)).toEqual([
        'spec.http[0].route: weights add up to 120, not 100: Istio 1.15 and later normalise them and send 1/2 (50%) to Service/shop subset v1, 1/2 (50%) to Service/shop subset v2; older Istio rejects the route',
      ]);
      expect(findings(plainIstio({ route: [to('v1', 70), to('v2')] }), 'traffic').map((f) => f.message)).toEqual([
        'weights add up to 70, not 100: Istio 1.15 and later normalise them and send 1 (100%) to Service/shop subset v1, 0 (0%) to Service/shop subset v2; older Istio rejects the route',
      ]);
      expect(findings(plainIstio({ route: [to('v1', 50)] }), 'traffic')).toEqual([]);
    });

    test('the conditional route after the default one never matches', () => {
      expect(findings(istio({ route: [to('v1', 90), to('v2', 10)] }, loggedIn), 'traffic').map((f) => `${f.field}: ${f.message}`)).toEqual([
        'spec.http[0]: route 1 applies every other request; declared requests with cookie ~ ".*logged_in.*"',
        'spec.http[0]: has no route 2; declared every other request: 9/10 (90%) to v1 and 1/10 (10%) to v2',
      ]);
    });

    test('every weight 0', () => {
      expect(findings(istio(loggedIn, { route: [to('v1', 0), to('v2', 0)] }), 'traffic').map((f) => `${f.field}: ${f.message}`)).toEqual([
        'spec.http[1].route: every destination has weight 0, so the route sends requests nowhere',
        'spec.http[1]: every other request sends nothing anywhere; declared 9/10 (90%) to v1 and 1/10 (10%) to v2',
      ]);
    });
  });

  describe('Gateway API: precedence of matches, weights default to 1', () => {
    const services = [service('shop-stable', { app: 'shop', track: 'stable' }), service('shop-canary', { app: 'shop', track: 'canary' })];
    const ref = (name: string, weight?: number) => ({ name, port: 80, ...(weight === undefined ? {} : { weight }) });
    const header = { matches: [{ headers: [{ name: 'X-Canary', value: 'always' }] }], backendRefs: [ref('shop-canary')] };
    const declared = address('shop', [{ conditions: [{ header: 'x-canary', match: 'exact', value: 'always' }], backends: [{ version: V2, weight: 1 }] }, weighted(9, 1)]);
    const gateway = (...rules: Doc[]) => release('gateway-api', [[phase('canary-10', ...services, stable, canary, httpRoute('shop', rules)), declared]]);

    test('a rule with a header match takes precedence over an earlier rule without one', () => {
      expect(findings(gateway({ backendRefs: [ref('shop-stable', 9), ref('shop-canary', 1)] }, header))).toEqual([]);
    });

    test('weights left out count 1 each', () => {
      expect(findings(gateway({ backendRefs: [ref('shop-stable'), ref('shop-canary')] }, header), 'traffic').map((f) => `${f.field}: ${f.message}`)).toEqual([
        'spec.rules[0]: every other request sends 1/2 (50%) to 1.0.0 and 1/2 (50%) to 1.1.0; declared 9/10 (90%) to 1.0.0 and 1/10 (10%) to 1.1.0',
      ]);
    });

    test('every backendRef at weight 0', () => {
      expect(findings(gateway({ backendRefs: [ref('shop-stable', 0), ref('shop-canary', 0)] }, header), 'traffic').map((f) => `${f.field}: ${f.message}`)[0]).toBe(
        'spec.rules[0].backendRefs: every backendRef has weight 0, so the rule answers 500 to every request',
      );
    });
  });

  describe('ingress-nginx: canary-by-header, then cookie, then weight', () => {
    const services = [service('shop-stable', { app: 'shop', track: 'stable' }), service('shop-canary', { app: 'shop', track: 'canary' })];
    const canaryIngress = (weight: string) => ingress('shop-canary', 'shop-canary', { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary', 'nginx.ingress.kubernetes.io/canary-weight': weight });
    const declared = address('shop', [
      { conditions: [{ header: 'x-canary', match: 'exact', value: 'always' }], backends: [{ version: V2, weight: 1 }] },
      { conditions: [{ header: 'x-canary', match: 'exact', value: 'never' }], backends: [{ version: V1, weight: 1 }] },
      weighted(90, 10),
    ]);
    const nginx = (weight: string) => release('nginx', [[phase('canary-10', ...services, stable, canary, ingress('shop', 'shop-stable'), canaryIngress(weight)), declared]]);

    test('a canary Ingress that splits as declared has no findings at all', () => {
      expect(findings(nginx('10'))).toEqual([]);
    });

    test('a canary weight that is not a whole number', () => {
      expect(findings(nginx('10%'), 'traffic').map((f) => `${f.object}: ${f.field}: ${f.message}`)[0]).toBe(
        'Ingress/shop-canary: metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]: "10%" is not a whole number',
      );
    });

    test('a canary weight other than declared', () => {
      expect(findings(nginx('20'), 'traffic').map(brief)).toEqual([
        {
          check: 'traffic',
          phase: 'canary-10',
          object: 'Ingress/shop-canary',
          field: 'metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]',
          message: 'shop.example.com/: every other request sends 4/5 (80%) to 1.0.0 and 1/5 (20%) to 1.1.0; declared 9/10 (90%) to 1.0.0 and 1/10 (10%) to 1.1.0',
        },
      ]);
    });
  });
});
