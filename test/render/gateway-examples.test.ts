import { validateSchema } from '../../lib/verify/schema/schema';
import { normalised, realisedRoutes, wiringProblems } from '../support/gateway-wiring';
import { find, maybeFind, serviceSelectors } from '../support/manifests';
import { exampleFiles, releaseOf } from '../support/examples';

// The Gateway examples exactly as `npm run synth` writes them.
const files = exampleFiles();
const GATEWAYS = ['sava-product', 'sockshop-istio', 'sockshop-gateway-api', 'checkout'];

const declaration = (release: string) => releaseOf(files, release).declaration;
const manifest = (release: string, phase: string) => releaseOf(files, release).manifest(phase);
const phases = (release: string) => releaseOf(files, release).phases;

/** Phase → "name=replicas" of its Deployments, and the VirtualService/HTTPRoute routes in short form. */
function summary(release: string): string[] {
  return [...phases(release)].map(([p, docs]) => {
    const deployments = docs.filter((d) => d.kind === 'Deployment').map((d) => `${d.metadata.name}=${d.spec.replicas}`);
    const routes = realisedRoutes(docs).map(
      (r) => (r.conditions.length ? `${r.conditions.map((c) => `${c.header}~${c.value}`).join('&')} → ` : '') + r.backends.map((b) => `${b.version}:${b.weight}`).join(','),
    );
    return `${p}: ${deployments.join(' ')} | ${routes.join(' ; ')}`;
  });
}

describe.each(GATEWAYS)('%s', (release) => {
  const decl = declaration(release);
  const all = phases(release);

  test('every document of every phase is valid against the upstream schemas', () => {
    const issues = [...all].flatMap(([p, docs]) => docs.flatMap((d) => validateSchema(d).map((i) => `${p}: ${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`)));
    expect(issues).toEqual([]);
  });

  test('every route reaches a subset, Service and port of the same phase, whose pods run its version', () => {
    for (const [p, docs] of all) expect([p, wiringProblems(docs)]).toEqual([p, []]);
  });

  test('release.json declares exactly the routes the manifests realise', () => {
    for (const phase of decl.phases) {
      expect([phase.name, realisedRoutes(all.get(phase.name)!)]).toEqual([phase.name, normalised(phase.addresses[0].routes)]);
    }
  });

  test('a Deployment keeps its selector in every phase, and each Deployment runs one version', () => {
    const selectors = new Map<string, string>();
    for (const docs of all.values()) {
      for (const d of docs.filter((x) => x.kind === 'Deployment')) {
        const s = JSON.stringify(d.spec.selector);
        expect(selectors.get(d.metadata.name) ?? s).toBe(s);
        selectors.set(d.metadata.name, s);
        expect(d.spec.selector.matchLabels.version).toBe(d.metadata.labels!['app.kubernetes.io/version']);
      }
    }
  });

  test('objects carry the release labels; a Namespace never does', () => {
    for (const docs of all.values()) {
      for (const d of docs) {
        if (d.kind === 'Namespace') {
          expect(d.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
          expect(d.metadata.namespace).toBeUndefined();
        } else {
          expect(d.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': release, 'app.kubernetes.io/managed-by': 'cdk8s-canary' });
        }
      }
    }
  });

  test('strategy gateway, one address per phase, prune selector of the release', () => {
    expect(decl).toMatchObject({ apiVersion: 'cdk8s-canary/v1', release, strategy: 'gateway', pruneSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/managed-by=cdk8s-canary` });
    for (const p of decl.phases) expect(p.addresses).toHaveLength(1);
  });

});

describe('sava-product (Vamp gateway)', () => {
  const sava = phases('sava-product');

  test('1.0.3 → 1.1.0 dark → 50/50 → v1 media type stays on 1.0.3 → 100% 1.1.0 → 1.0.3 removed', () => {
    expect(summary('sava-product')).toEqual([
      '1-0-3: sava-product-1-0-3=1 | 1.0.3:100',
      '1-1-0-dark: sava-product-1-0-3=1 sava-product-1-1-0=1 | 1.0.3:100',
      'split-50-50: sava-product-1-0-3=1 sava-product-1-1-0=1 | 1.0.3:50,1.1.0:50',
      '1-1-0-v1-clients-on-1-0-3: sava-product-1-0-3=1 sava-product-1-1-0=1 | accept~application/vnd.sava.v1+json → 1.0.3:100 ; 1.1.0:100',
      '1-1-0: sava-product-1-0-3=1 sava-product-1-1-0=1 | 1.1.0:100',
      '1-0-3-removed: sava-product-1-1-0=1 | 1.1.0:100',
    ]);
  });

  test('the stable address is the NodePort Service sava-product on 9070, forwarding to 8080 of every version', () => {
    const docs = sava.get('split-50-50')!;
    const service = find(docs, 'Service', 'sava-product');
    expect(service.spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http', port: 9070, targetPort: 'http', protocol: 'TCP' }] });
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'sava-product' });
    const pod = find(docs, 'Deployment', 'sava-product-1-1-0').spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'sava-product', version: '1.1.0' });
    expect(pod.spec.containers[0]).toMatchObject({ image: 'vampio/sava-product:1.1.0', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
  });

  test('the address Service selects the versions routed to in the phase or the one before: 1.1.0 only once released, 1.0.3 until drained', () => {
    expect(serviceSelectors(sava, 'sava-product')).toEqual([
      '1-0-3: app.kubernetes.io/name=sava-product,version=1.0.3',
      '1-1-0-dark: app.kubernetes.io/name=sava-product,version=1.0.3',
      'split-50-50: app.kubernetes.io/name=sava-product',
      '1-1-0-v1-clients-on-1-0-3: app.kubernetes.io/name=sava-product',
      '1-1-0: app.kubernetes.io/name=sava-product',
      '1-0-3-removed: app.kubernetes.io/name=sava-product,version=1.1.0',
    ]);
  });

  test('Istio v1 objects: one subset per deployed version, the media-type route before the default one', () => {
    const docs = sava.get('1-1-0-v1-clients-on-1-0-3')!;
    const dr = find(docs, 'DestinationRule', 'sava-product');
    expect(dr.apiVersion).toBe('networking.istio.io/v1');
    expect(dr.spec.subsets).toEqual([
      { name: '1-0-3', labels: { version: '1.0.3' } },
      { name: '1-1-0', labels: { version: '1.1.0' } },
    ]);
    const vs = find(docs, 'VirtualService', 'sava-product');
    expect(vs.spec.hosts).toEqual(['sava-product.vampio-organization-environment.svc.cluster.local']);
    expect(vs.spec.http[0].match).toEqual([{ headers: { accept: { exact: 'application/vnd.sava.v1+json' } } }]);
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: dr.spec.host, subset: '1-0-3', port: { number: 9070 } } }]);
    expect(find(sava.get('1-0-3-removed')!, 'DestinationRule', 'sava-product').spec.subsets).toEqual([{ name: '1-1-0', labels: { version: '1.1.0' } }]);
  });

  test('the namespace is labelled for sidecar injection', () => {
    expect(find(sava.get('1-0-3')!, 'Namespace', 'vampio-organization-environment').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('transitions: each next phase, and back one phase', () => {
    expect(declaration('sava-product').transitions).toEqual([
      ['1-0-3', '1-1-0-dark'],
      ['1-1-0-dark', 'split-50-50'],
      ['split-50-50', '1-1-0-v1-clients-on-1-0-3'],
      ['1-1-0-v1-clients-on-1-0-3', '1-1-0'],
      ['1-1-0', '1-0-3-removed'],
      ['1-1-0-dark', '1-0-3'],
      ['split-50-50', '1-1-0-dark'],
      ['1-1-0-v1-clients-on-1-0-3', 'split-50-50'],
      ['1-1-0', '1-1-0-v1-clients-on-1-0-3'],
      ['1-0-3-removed', '1-1-0'],
    ]);
  });
});

const SOCKSHOP_STEPS = [
  'v1: front-end-v1=1 | v1:100',
  'v2-dark: front-end-v1=1 front-end-v2=1 | v1:100',
  'canary-10: front-end-v1=1 front-end-v2=1 | v1:90,v2:10',
  'v2-logged-in: front-end-v1=1 front-end-v2=1 | cookie~LOGGED_IN → v2:100 ; v1:100',
  'v2-chrome: front-end-v1=1 front-end-v2=1 | user-agent~CHROME → v2:100 ; v1:100',
  'cleanup: front-end-v1=1 front-end-v2=1 | v1:100',
];

describe('sockshop front-end with Istio (production deployments use case)', () => {
  const shop = phases('sockshop-istio');

  test('v1 → v2 dark → 90/10 → signed-in users to v2 → Chrome users to v2 → v1 only', () => {
    const steps = SOCKSHOP_STEPS.map((s) => s.replace('LOGGED_IN', '.*logged_in.*').replace('CHROME', '.*Chrome.*'));
    expect(summary('sockshop-istio')).toEqual(steps);
  });

  test('the VirtualService is the use case\'s: sockshop, bound to sockshop-gateway for every host, to front-end.production.svc.cluster.local', () => {
    const vs = find(shop.get('v2-logged-in')!, 'VirtualService', 'sockshop');
    expect(vs.spec.gateways).toEqual(['sockshop-gateway']);
    expect(vs.spec.hosts).toEqual(['*']);
    expect(vs.spec.http).toEqual([
      {
        match: [{ headers: { cookie: { regex: '.*logged_in.*' } } }],
        route: [{ destination: { host: 'front-end.production.svc.cluster.local', subset: 'v2', port: { number: 8080 } } }],
      },
      { route: [{ destination: { host: 'front-end.production.svc.cluster.local', subset: 'v1', port: { number: 8080 } } }] },
    ]);
    expect(find(shop.get('canary-10')!, 'VirtualService', 'sockshop').spec.http).toEqual([
      {
        route: [
          { destination: { host: 'front-end.production.svc.cluster.local', subset: 'v1', port: { number: 8080 } }, weight: 90 },
          { destination: { host: 'front-end.production.svc.cluster.local', subset: 'v2', port: { number: 8080 } }, weight: 10 },
        ],
      },
    ]);
  });

  test('the ingress Gateway sockshop-gateway takes HTTP on port 80 through the istio ingressgateway', () => {
    const gw = find(shop.get('v1')!, 'Gateway', 'sockshop-gateway');
    expect(gw.apiVersion).toBe('networking.istio.io/v1');
    expect(gw.spec).toEqual({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
  });

  test('the front-end Service selects v1 alone until v2 is released, then both: v2 drains in cleanup', () => {
    expect(serviceSelectors(shop, 'front-end')).toEqual([
      'v1: app.kubernetes.io/name=front-end,version=v1',
      'v2-dark: app.kubernetes.io/name=front-end,version=v1',
      'canary-10: app.kubernetes.io/name=front-end',
      'v2-logged-in: app.kubernetes.io/name=front-end',
      'v2-chrome: app.kubernetes.io/name=front-end',
      'cleanup: app.kubernetes.io/name=front-end',
    ]);
  });

  test('cleanup routes to v1 only, as the use case does, and is the dark phase again but for the Service, which keeps the draining v2', () => {
    const pinned = '    app.kubernetes.io/name: front-end\n    version: v1\n';
    expect(manifest('sockshop-istio', 'v2-dark')).toContain(pinned);
    expect(manifest('sockshop-istio', 'cleanup')).toBe(manifest('sockshop-istio', 'v2-dark').replace(pinned, '    app.kubernetes.io/name: front-end\n'));
  });
});

describe('sockshop front-end with the Gateway API', () => {
  const shop = phases('sockshop-gateway-api');

  test('the same steps, with regular expressions anchored to the whole header value', () => {
    const steps = SOCKSHOP_STEPS.map((s) => s.replace('LOGGED_IN', '^(?:.*logged_in.*)$').replace('CHROME', '^(?:.*Chrome.*)$'));
    expect(summary('sockshop-gateway-api')).toEqual(steps);
  });

  test('one Service per deployed version; the HTTPRoute attaches to sockshop-gateway', () => {
    const docs = shop.get('v2-chrome')!;
    expect(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name)).toEqual(['front-end-v1', 'front-end-v2']);
    expect(find(docs, 'Service', 'front-end-v2').spec.selector).toEqual({ 'app.kubernetes.io/name': 'front-end', version: 'v2' });
    const route = find(docs, 'HTTPRoute', 'front-end');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ name: 'sockshop-gateway' }]);
    expect(route.spec.rules[0]).toEqual({
      matches: [{ headers: [{ name: 'user-agent', type: 'RegularExpression', value: '^(?:.*Chrome.*)$' }] }],
      backendRefs: [{ name: 'front-end-v2', port: 8080 }],
    });
    expect(maybeFind(shop.get('v1')!, 'Service', 'front-end-v2')).toBeUndefined();
  });
});

describe('checkout (a production service)', () => {
  const all = phases('checkout');
  const canary = all.get('canary-10')!;

  test('an autoscaler per version behind Istio, and Deployments without replicas in every phase', () => {
    for (const [p, docs] of all) {
      for (const d of docs.filter((x) => x.kind === 'Deployment')) {
        expect([p, d.spec.replicas]).toEqual([p, undefined]);
        expect(find(docs, 'HorizontalPodAutoscaler', d.metadata.name).spec).toMatchObject({ minReplicas: 3, maxReplicas: 12, scaleTargetRef: { kind: 'Deployment', name: d.metadata.name } });
      }
    }
  });

  test('each version mounts its own config file; the new one exists while the new version runs, the old one while the old does', () => {
    const mounted = (docs: typeof canary, version: string) => find(docs, 'Deployment', `checkout-${version}`).spec.template.spec.volumes.find((v: { name: string }) => v.name === 'released-config').configMap.name;
    const old = mounted(canary, '2-3-1');
    const next = mounted(canary, '2-4-0');
    expect(find(canary, 'ConfigMap', old).data['checkout.yaml']).toContain('workers: 4');
    expect(find(canary, 'ConfigMap', next).data['checkout.yaml']).toContain('workers: 8');
    for (const [p, docs] of all) {
      const configMaps = docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name);
      const running = docs.filter((d) => d.kind === 'Deployment').map((d) => mounted(docs, d.metadata.name.replace('checkout-', '')));
      expect([p, configMaps.sort()]).toEqual([p, running.sort()]);
    }
  });

  test('the pod: private registry, service account without token, drain, spread, restricted; the address: an NLB', () => {
    const pod = find(canary, 'Deployment', 'checkout-2-4-0').spec.template;
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' });
    expect(pod.spec).toMatchObject({ serviceAccountName: 'checkout', automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry-credentials' }], terminationGracePeriodSeconds: 40 });
    expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(pod.spec.topologySpreadConstraints.map((c: { topologyKey: string; labelSelector: unknown }) => [c.topologyKey, c.labelSelector])).toEqual([
      ['kubernetes.io/hostname', { matchLabels: { 'app.kubernetes.io/name': 'checkout', version: '2.4.0' } }],
      ['topology.kubernetes.io/zone', { matchLabels: { 'app.kubernetes.io/name': 'checkout', version: '2.4.0' } }],
    ]);
    const service = find(canary, 'Service', 'checkout');
    expect(service.metadata.annotations!['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('external');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24', '10.0.0.0/8'] });
  });
});
