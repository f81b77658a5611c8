import * as fc from 'fast-check';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { defineReleases } from '../../main';
import { ReleaseInputs, renderApp, toYaml } from '../../lib';
import { fastManifestYaml, manifestYaml, YAML_OPTIONS } from '../../lib/write/manifest-yaml';
import { phaseManifests } from '../../bench/plain-manifests';
import { appSpecs, phasesOf } from '../../bench/workload';

// manifestYaml must write exactly what `yaml` writes, for any document: directly for
// the shapes of manifests, through `yaml` itself for anything else.
const reference = (doc: object) => stringify(doc, YAML_OPTIONS);

const TRICKY = [
  '', ' ', 'a b', ' a', 'a ', 'true', 'True', 'TRUE', 'false', 'null', 'Null', 'NULL', '~', 'yes', 'no', 'on', 'off',
  '1', '-1', '+1', '007', '0o17', '0x1F', '1e3', '1E-3', '1.5', '1.', '.5', '.inf', '-.Inf', '.nan', '1.0.0', '1_000', '12:30',
  '-', '?', '-a', '- a', '?a', '? a', ':', 'a:', 'a:b', 'a: b', '#a', 'a#b', 'a #b', '---', '---a', '...', '...a', '%a', 'a%',
  '@a', '`a', '!a', '&a', '*a', '|a', '>a', '[a', 'a]', '{a', 'a}', ',a', 'a,b', '"a', 'a"b', "'a", "a'b", 'a\\b', 'a\nb', 'a\n',
  '\ta', 'a\tb', 'é', 'a\u0085b', 'a\x7fb', 'http://host:80/path?q=1#frag', 'registry.example.com:5000/team/app@sha256:abc', '<<',
  'a\nb', 'a\nb\n', 'a\n\nb', 'a\n\n\nb\n', 'a\nb \nc', 'a\n  b', 'a\n- b\n#c: d', '---\nx', 'x\n...\n---', 'a\nb\n\n', 'a\nb ', 'a \n', 'a\n ', 'a\n \n', 'a\nb \n', 'a\n\n', ' a\nb', '\na', 'a\n\tb', '"q"\n\'r\'',
  'x'.repeat(999), 'x'.repeat(1001), 'x'.repeat(1030), 'y', 'N', 'Off', '0b101', '017', '190:20:30', '2024-01-15', '2024-1-5 10:00:00Z', '1_0.5', '6.8523015e+5',
];
const CHARS = [...'aZ09 :#-?./@%`"\'\\\n\t,[]{}&*!|>~+=_<', 'é', '\u0085', '\x7f'];

/** Scripts: lines of mostly printable characters, some blank or indented. */
const lines = fc.array(fc.string({ unit: fc.constantFrom(...CHARS.filter((c) => c !== '\n')), maxLength: 8 }), { minLength: 2, maxLength: 5 }).map((l) => l.join('\n'));
const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 }), lines);
const scalar = fc.oneof(text, fc.integer(), fc.constantFrom(0, -0, 2 ** 53, -(2 ** 60), 1e21), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const { doc } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('doc')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  doc: fc.dictionary(text, tie('value'), { maxKeys: 5, noNullPrototype: true }),
}));

test('any document: byte for byte what yaml.stringify writes', () => {
  fc.assert(
    fc.property(doc, (d) => {
      expect(manifestYaml(d as object)).toBe(reference(d as object));
    }),
    { numRuns: 500 },
  );
});

test.each(TRICKY.map((s) => [JSON.stringify(s).slice(0, 40), s]))('the string %s as a key, a value and a list item', (_, s) => {
  const d = { [s]: s, list: [s, { [s]: [s] }], nested: { [s]: { a: s } } };
  expect(manifestYaml(d)).toBe(reference(d));
});

// As a value only, a string does not send the whole document to `yaml`: the direct path is checked.
test.each(TRICKY.map((s) => [JSON.stringify(s).slice(0, 40), s]))('the string %s as a value and a list item under plain keys', (_, s) => {
  const d = { key: s, list: [s, { k: [s] }], nested: { k: { a: s } } };
  expect(manifestYaml(d)).toBe(reference(d));
});

/** Documents of the manifests' shapes: plain keys, strings (scripts among them), integers and booleans. */
const { manifestLike } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), tie('list'), tie('manifestLike')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  manifestLike: fc.dictionary(fc.constantFrom('a', 'spec', 'run-as', 'x.y/z'), tie('value'), { minKeys: 1, maxKeys: 4, noNullPrototype: true }),
}));

test('documents of the shapes of manifests: byte for byte what yaml.stringify writes', () => {
  fc.assert(
    fc.property(manifestLike, (d) => {
      expect(manifestYaml(d as object)).toBe(reference(d as object));
    }),
    { numRuns: 500 },
  );
});

test('decimals as yaml writes them: plain digits directly, exponents and -0 through yaml', () => {
  for (const d of [{ max: 0.01 }, { min: -2.5, max: 99.999 }, { a: [0.1, 1.5e-7, 1e21, -0] }]) expect(manifestYaml(d)).toBe(reference(d));
  expect(fastManifestYaml({ max: 0.01 })).toBe('max: 0.01\n');
  expect(fastManifestYaml({ a: 1.5e-7 })).toBeUndefined();
});

test('empty maps and lists, lists of maps and of lists', () => {
  const d = { a: {}, b: [], c: [{}, [], [1, [2]], { x: [] }], d: [{ e: { f: 1 }, g: [{ h: true }] }] };
  expect(manifestYaml(d)).toBe(reference(d));
});

test('an object met twice is anchored as yaml does', () => {
  const labels = { app: 'shop' };
  const d = { metadata: { labels }, spec: { selector: labels } };
  expect(fastManifestYaml(d)).toBeUndefined();
  expect(manifestYaml(d)).toBe(reference(d));
  expect(manifestYaml(d)).toContain('&a1');
});

test('the objects of the examples and of the benchmark workload take the direct path', () => {
  const app = Testing.app();
  defineReleases(app, ReleaseInputs.load('releases.json', {}));
  const docs = app.node.findAll().flatMap((c: any) => (typeof c.toJson === 'function' && c.kind ? [c.toJson()] : []));
  for (const spec of appSpecs(20)) for (const phase of phasesOf(spec)) docs.push(...phaseManifests(spec, phase));
  expect(docs.length).toBeGreaterThan(100);
  // The smoke-test Job's multi-line script included: a literal block.
  expect(docs.some((d) => d.kind === 'Job')).toBe(true);
  for (const d of docs) expect(fastManifestYaml(d)).toBe(reference(d));
  // and the writer uses it
  expect(renderApp(app).find((f) => f.path === 'appinfo/stable/manifest.yaml')!.content).toContain('app.kubernetes.io/version: "1"');
  expect(toYaml(docs.slice(0, 3))).toBe(docs.slice(0, 3).map(reference).join('---\n'));
});
