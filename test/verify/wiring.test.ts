import { brief, deployment, destinationRule, distRelease, editObject, findings, httpRoute, phase, plain, PRUNE, release, service, virtualService } from './builders';

describe('wiring inside a phase', () => {
  const addressbook = distRelease('addressbook');

  test('the synthesized addressbook has no wiring findings', () => {
    expect(findings(addressbook, 'wiring')).toEqual([]);
  });

  test('a Service selecting nothing', () => {
    const broken = editObject(addressbook, ['dark'], 'Service', 'addressbook-lb', (s) => (s.spec.selector.track = 'stabel'));
    expect(findings(broken, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'dark',
        object: 'Service/addressbook-lb',
        field: 'spec.selector',
        message: 'app.kubernetes.io/name=addressbook,track=stabel selects no pods in this phase',
      },
    ]);
  });

  test('a PodDisruptionBudget selecting nothing', () => {
    const broken = editObject(addressbook, ['stable'], 'PodDisruptionBudget', 'addressbook-stable', (b) => (b.spec.selector.matchLabels.track = 'stabel'));
    expect(findings(broken, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'stable',
        object: 'PodDisruptionBudget/addressbook-stable',
        field: 'spec.selector.matchLabels',
        message: 'app.kubernetes.io/name=addressbook,track=stabel selects no pods in this phase: the budget protects nothing',
      },
    ]);
  });

  test('a PodDisruptionBudget is evaluated with its matchExpressions, as the eviction API does', () => {
    const budget = (selector: unknown) =>
      findings(editObject(addressbook, ['stable'], 'PodDisruptionBudget', 'addressbook-stable', (b) => (b.spec.selector = selector)), 'wiring').map((f) => [f.field, f.message]);
    const name = { 'app.kubernetes.io/name': 'addressbook' };
    // Selects the stable pods: no finding.
    expect(budget({ matchLabels: name, matchExpressions: [{ key: 'track', operator: 'In', values: ['stable', 'canary'] }] })).toEqual([]);
    expect(budget({ matchExpressions: [{ key: 'track', operator: 'Exists' }] })).toEqual([]);
    // policy/v1: the empty selector selects every pod of the namespace.
    expect(budget({})).toEqual([]);
    expect(budget({ matchLabels: name, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['stable'] }] })).toEqual([
      ['spec.selector', 'app.kubernetes.io/name=addressbook,track notin (stable) selects no pods in this phase: the budget protects nothing'],
    ]);
    expect(budget(undefined)).toEqual([['spec.selector', 'missing: a budget without a selector protects no pods']]);
  });

  test('a Service whose targetPort names no port of the pods', () => {
    const broken = editObject(addressbook, ['stable'], 'Service', 'addressbook-lb', (s) => (s.spec.ports[0].targetPort = 'web'));
    expect(findings(broken, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'stable',
        object: 'Service/addressbook-lb',
        field: 'spec.ports[0].targetPort',
        message: 'the pods of Deployment/addressbook-stable have no port named "web" (they declare http=3000/TCP): the Service gets no endpoints from them',
      },
    ]);
  });

  test('a numeric targetPort that no container declares', () => {
    const broken = editObject(addressbook, ['stable'], 'Service', 'addressbook-lb', (s) => (s.spec.ports[0].targetPort = 8080));
    expect(findings(broken, 'wiring').map((f) => f.message)).toEqual([
      "the pods of Deployment/addressbook-stable do not declare port 8080/TCP (they declare http=3000/TCP): nothing shows their container listens there; declare it in the container's ports",
    ]);
  });

  test('a Deployment whose selector does not match its pod labels', () => {
    const broken = editObject(addressbook, ['stable'], 'Deployment', 'addressbook-stable', (d) => (d.spec.selector.matchLabels.track = 'canary'));
    expect(findings(broken, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'stable',
        object: 'Deployment/addressbook-stable',
        field: 'spec.selector',
        message:
          'app.kubernetes.io/name=addressbook,track=canary does not match the pod labels app.kubernetes.io/instance=addressbook,app.kubernetes.io/managed-by=cdk8s-canary,app.kubernetes.io/name=addressbook,app.kubernetes.io/version=1.0.0,track=stable of spec.template.metadata.labels: the API server rejects the object',
      },
    ]);
  });

  test('two Deployments whose selectors overlap', () => {
    const broken = editObject(addressbook, ['dark'], 'Deployment', 'addressbook-canary', (d) => delete d.spec.selector.matchLabels.track);
    expect(findings(broken, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'dark',
        object: 'Deployment/addressbook-canary',
        field: 'spec.selector',
        message:
          'app.kubernetes.io/name=addressbook also matches the pods of Deployment/addressbook-stable: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors',
      },
    ]);
  });

  test('two documents for the same object', () => {
    const app = { app: 'shop' };
    const r = plain(phase('one', service('shop', app), deployment('shop', { podLabels: app }), service('shop', app)));
    expect(findings(r, 'wiring').map(brief)).toEqual([
      { check: 'wiring', phase: 'one', object: 'Service/shop', field: '', message: 'defined twice in this phase (documents 1 and 3): the later one silently replaces the earlier' },
    ]);
  });

  test('a Namespace carrying the prune labels', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-canary' } } };
    const app = { app: 'shop' };
    const r = release('service', [[phase('one', ns, service('shop', app), deployment('shop', { podLabels: app })), []]]);
    expect(findings(r, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'one',
        object: 'Namespace/shop',
        field: 'metadata.labels',
        message: `carries the prune labels (${PRUNE}): \`kubectl apply --prune\` would delete the Namespace, and everything in it, once a phase leaves it out`,
      },
    ]);
  });

  describe('Istio', () => {
    const v1 = deployment('shop-v1', { podLabels: { app: 'shop', version: 'v1' } });
    const v2 = deployment('shop-v2', { podLabels: { app: 'shop', version: 'v2' } });
    const svc = service('shop', { app: 'shop' });
    const route = (subset: string, weight: number, host = 'shop') => ({ destination: { host, subset, port: { number: 80 } }, weight });
    const good = [v1, v2, svc, destinationRule('shop', 'shop', { v1: { version: 'v1' }, v2: { version: 'v2' } }), virtualService('shop', [{ route: [route('v1', 90), route('v2', 10)] }])];

    test('a valid VirtualService and DestinationRule have no findings at all', () => {
      expect(findings(plain(phase('one', ...good)))).toEqual([]);
    });

    test('a destination naming a Service that is not there', () => {
      const vs = virtualService('shop', [{ route: [route('v1', 90), route('v2', 10, 'shopp')] }]);
      expect(findings(plain(phase('one', ...good.slice(0, 4), vs)), 'wiring').map(brief)).toEqual([
        { check: 'wiring', phase: 'one', object: 'VirtualService/shop', field: 'spec.http[0].route[1].destination', message: 'names Service "shopp", which is not in this phase' },
      ]);
    });

    test('a subset no DestinationRule defines', () => {
      const dr = destinationRule('shop', 'shop', { v1: { version: 'v1' } });
      expect(findings(plain(phase('one', v1, v2, svc, dr, good[4])), 'wiring').map(brief)).toEqual([
        {
          check: 'wiring',
          phase: 'one',
          object: 'VirtualService/shop',
          field: 'spec.http[0].route[1].destination.subset',
          message: '"v2" is not defined by any DestinationRule for host shop',
        },
      ]);
    });

    test('a subset that receives requests but selects no pods', () => {
      const dr = destinationRule('shop', 'shop', { v1: { version: 'v1' }, v2: { version: 'v3' } });
      expect(findings(plain(phase('one', v1, v2, svc, dr, good[4])), 'wiring').map(brief)).toEqual([
        {
          check: 'wiring',
          phase: 'one',
          object: 'DestinationRule/shop',
          field: 'spec.subsets[1].labels',
          message: 'subset "v2" (version=v3) selects none of the pods of Service/shop, yet Service/shop subset v2 receives requests from VirtualService/shop',
        },
      ]);
    });

    test('a subset whose pods the address Service does not select: no endpoints, a real 503', () => {
      // The synthesized sava-product with the Service still pinned to 1.0.3 when 1.1.0 gets half the requests.
      const sava = distRelease('sava-product');
      const ns = 'vampio-organization-environment';
      expect(findings(sava)).toEqual([]);
      const broken = editObject(sava, ['split-50-50'], 'Service', 'sava-product', (s) => (s.spec.selector.version = '1.0.3'));
      expect(findings(broken, 'wiring').map(brief)).toEqual([
        {
          check: 'wiring',
          phase: 'split-50-50',
          object: `DestinationRule/${ns}/sava-product`,
          field: 'spec.subsets[1].labels',
          message:
            `subset "1-1-0" (version=1.1.0) selects none of the pods of Service/${ns}/sava-product, yet Service/${ns}/sava-product subset 1-1-0 receives requests from VirtualService/${ns}/sava-product: ` +
            `the pods of Deployment/${ns}/sava-product-1-1-0 carry its labels, but the Service's selector app.kubernetes.io/name=sava-product,version=1.0.3 leaves them out, so the subset has no endpoints and its requests fail (503)`,
        },
      ]);
    });

    test('a destination port the Service does not have', () => {
      const vs = virtualService('shop', [{ route: [route('v1', 90), { ...route('v2', 10), destination: { host: 'shop', subset: 'v2', port: { number: 8080 } } }] }]);
      expect(findings(plain(phase('one', ...good.slice(0, 4), vs)), 'wiring').map((f) => `${f.field}: ${f.message}`)).toEqual([
        'spec.http[0].route[1].destination.port: 8080 is not a port of Service/shop (it has http=80)',
      ]);
    });

    test('a DestinationRule for a host that is not a Service of the phase', () => {
      const dr = destinationRule('other', 'other.shop.svc.cluster.local', { v1: { version: 'v1' } });
      expect(findings(plain(phase('one', ...good, dr)), 'wiring').map((f) => `${f.object}: ${f.field}: ${f.message}`)).toEqual([
        'DestinationRule/other: spec.host: "other.shop.svc.cluster.local" names no Service of this phase',
      ]);
    });
  });

  describe('Gateway API', () => {
    const app = { app: 'shop' };
    const base = [deployment('shop', { podLabels: app }), service('shop', app)];

    test('a backendRef to a Service that is not there, and one without a port', () => {
      const route = httpRoute('shop', [{ backendRefs: [{ name: 'shop', port: 80, weight: 9 }, { name: 'shop-canary', port: 80, weight: 1 }] }, { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'shop' }] }]);
      expect(findings(plain(phase('one', ...base, route)), 'wiring').map((f) => `${f.object}: ${f.field}: ${f.message}`)).toEqual([
        // The rule matching /api comes first: a longer path prefix takes precedence.
        'HTTPRoute/shop: spec.rules[1].backendRefs[0].port: missing: a backendRef to a Service must name the Service port',
        'HTTPRoute/shop: spec.rules[0].backendRefs[1]: names Service "shop-canary", which is not in this phase',
      ]);
    });

    test('a backendRef port the Service does not have', () => {
      const route = httpRoute('shop', [{ backendRefs: [{ name: 'shop', port: 8080 }] }]);
      expect(findings(plain(phase('one', ...base, route)), 'wiring').map((f) => `${f.field}: ${f.message}`)).toEqual(['spec.rules[0].backendRefs[0].port: 8080 is not a port of Service/shop (it has http=80)']);
    });
  });
});
