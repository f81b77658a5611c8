import * as fc from 'fast-check';
import { planRelease } from '../../lib/plan/plan';
import { renderPlanTable } from '../../lib/plan/table';
import { verifyRelease } from '../../lib/verify/verify';
import { deployment, destinationRule, httpRoute, ingress, phase, release, service, virtualService } from './builders';

// Hand-written YAML can hold anything: the checks must report, never throw.
const KINDS: Array<[string, string]> = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'Job'],
  ['v1', 'Service'],
  ['v1', 'Pod'],
  ['v1', 'Namespace'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['networking.k8s.io/v1', 'Ingress'],
];

const valid = [
  deployment('shop', { podLabels: { app: 'shop', version: 'v1' } }),
  service('shop', { app: 'shop' }),
  destinationRule('shop', 'shop', { v1: { version: 'v1' } }),
  virtualService('shop', [{ match: [{ headers: { cookie: { regex: 'x' } } }], route: [{ destination: { host: 'shop', subset: 'v1' }, weight: 90 }, { destination: { host: 'shop' }, weight: 10 }] }]),
  httpRoute('shop', [{ backendRefs: [{ name: 'shop', port: 80, weight: 9 }, { name: 'shop-canary', port: 80 }] }]),
  ingress('shop', 'shop', { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' }),
];

/** Every path into a JSON value, e.g. ['spec', 'http', 0, 'route', 0, 'weight']. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

/** A valid manifest with one of its fields (or the field's parent) replaced by arbitrary JSON. */
const mangled = fc
  .constantFrom(...valid.flatMap((doc) => pathsOf(doc).filter((p) => p.length > 0).map((path) => ({ doc, path }))))
  .chain(({ doc, path }) =>
    fc.oneof(fc.jsonValue(), fc.double(), fc.integer({ min: -3, max: 3 }), fc.string(), fc.constant(null)).map((value) => {
      const copy = JSON.parse(JSON.stringify(doc));
      let cur = copy;
      for (const key of path.slice(0, -1)) cur = cur[key];
      cur[path[path.length - 1]] = value;
      return copy;
    }),
  );

/** A document of a known kind with an arbitrary body. */
const arbitrary = fc.record({
  kv: fc.constantFrom(...KINDS),
  name: fc.constantFrom('shop', 'shop-canary', 'gateway'),
  spec: fc.jsonValue(),
  labels: fc.option(fc.dictionary(fc.constantFrom('app', 'version', 'app.kubernetes.io/instance'), fc.constantFrom('shop', 'v1', 'v2'))),
}).map(({ kv, name, spec, labels }) => ({ apiVersion: kv[0], kind: kv[1], metadata: { name, labels }, spec }));

const docs = fc.array(fc.oneof(mangled, arbitrary, fc.jsonValue()), { maxLength: 6 });

test('verify and plan never throw, whatever the documents hold', () => {
  fc.assert(
    fc.property(docs, docs, fc.integer({ min: 0, max: 5 }), (a, b, weight) => {
      const routes = [{ conditions: [], backends: [{ version: 'v1', weight }] }];
      const r = release('istio', [
        [phase('one', ...a), [{ name: 'shop', minAvailable: 1, routes }]],
        [phase('two', ...b), [{ name: 'shop', minAvailable: 2, routes }]],
      ]);
      const result = verifyRelease(r);
      expect(Array.isArray(result.findings)).toBe(true);
      expect(typeof renderPlanTable(planRelease(r))).toBe('string');
    }),
    { numRuns: 300 },
  );
});
