import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_PRUNE_ALLOWLIST } from '../../lib/model/prune-allowlist';
import { loadOutput, loadPhases, loadRelease, ManifestReadError, parseDocuments } from '../../lib/verify/loading/loader';
import { formatFinding } from '../../lib/verify/finding';
import { verifyRelease } from '../../lib/verify/verify';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

function tree(files: { [file: string]: string }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-loader-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

function readError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof ManifestReadError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

describe('loading releases', () => {
  test('a YAML file is a release of one phase; documents and List items become objects', () => {
    const root = tree({ 'app.yaml': `${cm('a')}---\n---\napiVersion: v1\nkind: List\nitems:\n- ${cm('b').replace(/\n(?=.)/g, '\n  ')}` });
    const r = loadRelease(path.join(root, 'app.yaml'));
    expect(r.name).toBe('app');
    expect(r.phases.map((p) => [p.name, p.objects.map((o) => o.metadata.name)])).toEqual([['app', ['a', 'b']]]);
    expect(r.transitions).toEqual([]);
  });

  test('sub-folders are phases in natural order, applied one after the other', () => {
    const root = tree({ '10-promote/m.yaml': cm('c'), '2-canary/m.yml': cm('b'), '1-stable/m.yaml': cm('a'), 'notes/readme.txt': 'x' });
    const r = loadRelease(root);
    expect(r.phases.map((p) => p.name)).toEqual(['1-stable', '2-canary', '10-promote']);
    expect(r.transitions).toEqual([
      ['1-stable', '2-canary'],
      ['2-canary', '10-promote'],
    ]);
  });

  test('--phases keeps the order given', () => {
    const root = tree({ 'b.yaml': cm('b'), 'a/m.yaml': cm('a') });
    const r = loadPhases([path.join(root, 'b.yaml'), path.join(root, 'a')], 'shop');
    expect([r.name, r.phases.map((p) => p.name), r.transitions]).toEqual(['shop', ['b', 'a'], [['b', 'a']]]);
  });

  test('unreadable input names the file and the problem', () => {
    const root = tree({ 'bad.yaml': 'kind: ConfigMap\nmetadata:\n  name: a\n   labels: {}\n', 'empty/readme.txt': 'x' });
    expect(readError(() => loadRelease(path.join(root, 'missing')))).toBe(`${path.join(root, 'missing')}: no such file or folder`);
    expect(readError(() => loadRelease(path.join(root, 'bad.yaml')))).toBe(`${path.join(root, 'bad.yaml')}: line 3, column 9: not valid YAML: Nested mappings are not allowed in compact mappings`);
    expect(readError(() => loadRelease(path.join(root, 'empty')))).toBe(`${path.join(root, 'empty')}: no release.json, no YAML files and no sub-folders with YAML files`);
    expect(readError(() => loadPhases([path.join(root, 'bad.yaml'), path.join(root, 'bad.yaml')]))).toMatch(/not valid YAML/);
  });

  test('an alias bomb is unreadable input, named by its file and line, not expanded', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    const file = path.join(tree({ 'bomb.yaml': `${cm('a')}---\n${levels.join('\n')}\n` }), 'bomb.yaml');
    expect(readError(() => loadRelease(file))).toBe(`${file}: line 8: the document expands its aliases more than 100 times, as an alias bomb does: write the repeated parts out`);
    // A few anchors shared by hand are read as written.
    const shared = parseDocuments('m.yaml', `${cm('a')}  x: &v "1"\n  y: *v\n`);
    expect(shared[0].value).toMatchObject({ data: { x: '1', y: '1' } });
  });

  test('nesting deeper than any manifest is unreadable input: flow, block, and past the parser stack alike', () => {
    const flow = (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ` x\n`;
    const root = tree({ 'flow.yaml': `${cm('a')}---\n${flow(100_000)}`, 'block.yaml': block(150), 'stack.yaml': block(3000), 'ok.yaml': `${flow(90)}${block(90).replace(/^k0/, 'b')}`, 'quoted.yaml': `a: "${'['.repeat(500)}"\nb: '{{{'  # [[[\n` });
    expect(readError(() => loadRelease(path.join(root, 'flow.yaml')))).toBe(`${path.join(root, 'flow.yaml')}: line 8: nesting too deep to read: more than 100 levels of [ and {`);
    expect(readError(() => loadRelease(path.join(root, 'block.yaml')))).toBe(`${path.join(root, 'block.yaml')}: line 1: nesting too deep to read: the document nests more than 100 levels of maps and lists`);
    expect(readError(() => loadRelease(path.join(root, 'stack.yaml')))).toMatch(/stack\.yaml: line \d+: nesting too deep to read/);
    expect(parseDocuments('ok.yaml', fs.readFileSync(path.join(root, 'ok.yaml'), 'utf8'))).toHaveLength(1);
    expect(parseDocuments('quoted.yaml', fs.readFileSync(path.join(root, 'quoted.yaml'), 'utf8'))[0].value).toEqual({ a: '['.repeat(500), b: '{{{' });
  });

  test('each document knows the line it starts at, List items theirs', () => {
    const text = `# comment\n${cm('a')}---\n\n${cm('b')}---\napiVersion: v1\nkind: List\nitems:\n- ${cm('c').replace(/\n(?=.)/g, '\n  ')}- ${cm('d').replace(/\n(?=.)/g, '\n  ')}`;
    const docs = parseDocuments('m.yaml', text);
    expect(docs.map((d) => [(d.value as { metadata: { name: string } }).metadata.name, d.line])).toEqual([['a', 2], ['b', 10], ['c', 20], ['d', 26]]);
    // Documents met before (phases repeat theirs) keep the lines of the file they are read from.
    const cache = new Map();
    parseDocuments('x.yaml', cm('b'), cache);
    expect(parseDocuments('m.yaml', text, cache).map((d) => d.line)).toEqual([2, 10, 20, 26]);
  });

  test('release.json is checked before it is trusted', () => {
    const decl = (extra: object) =>
      JSON.stringify({ apiVersion: 'cdk8s-canary/v1', release: 'shop', pruneSelector: 'a=b', phases: [{ name: 'stable', addresses: [] }], transitions: [], ...extra });
    const bad = tree({ 'release.json': '{ not json' });
    expect(readError(() => loadRelease(bad))).toMatch(/release\.json: not valid JSON: /);
    const missing = tree({ 'release.json': decl({}) });
    expect(readError(() => loadRelease(missing))).toBe(`${path.join(missing, 'stable')}: release.json declares phase "stable" but its folder is missing`);
    const wrong = tree({ 'release.json': decl({ transitions: [['stable', 'promote']] }), 'stable/manifest.yaml': cm('a') });
    expect(readError(() => loadRelease(wrong))).toBe(`${path.join(wrong, 'release.json')}: not a release declaration: transitions[0] must be a pair of declared phase names`);
    const ok = tree({ 'release.json': decl({}), 'stable/manifest.yaml': cm('a') });
    expect(loadRelease(ok).declaration?.pruneSelector).toBe('a=b');
  });

  test('release.json: pruneAllowlist entries are group/version/Kind; written before it existed, kubectl default list', () => {
    const decl = (extra: object) =>
      JSON.stringify({ apiVersion: 'cdk8s-canary/v1', release: 'shop', pruneSelector: 'a=b', phases: [{ name: 'stable', addresses: [] }], transitions: [], ...extra });
    const older = tree({ 'release.json': decl({}), 'stable/manifest.yaml': cm('a') });
    expect(loadRelease(older).declaration?.pruneAllowlist).toEqual(DEFAULT_PRUNE_ALLOWLIST);
    const listed = tree({ 'release.json': decl({ pruneAllowlist: ['core/v1/ConfigMap', 'gateway.networking.k8s.io/v1/HTTPRoute'] }), 'stable/manifest.yaml': cm('a') });
    expect(loadRelease(listed).declaration?.pruneAllowlist).toEqual(['core/v1/ConfigMap', 'gateway.networking.k8s.io/v1/HTTPRoute']);
    const wrong = tree({ 'release.json': decl({ pruneAllowlist: ['core/v1/ConfigMap', 'Deployment.apps'] }), 'stable/manifest.yaml': cm('a') });
    expect(readError(() => loadRelease(wrong))).toBe(
      `${path.join(wrong, 'release.json')}: not a release declaration: pruneAllowlist[1] must be a group/version/Kind, e.g. apps/v1/Deployment or core/v1/Service`,
    );
  });

  test('files in memory (what renderApp returns) load as the same folder would from disk', () => {
    const decl = JSON.stringify({ apiVersion: 'cdk8s-canary/v1', release: 'shop', pruneSelector: 'a=b', phases: [{ name: 'stable', addresses: [] }, { name: 'canary', addresses: [] }], transitions: [['stable', 'canary']] });
    const files = { 'shop/release.json': decl, 'shop/stable/manifest.yaml': cm('a'), 'shop/canary/manifest.yaml': cm('b'), 'shop/canary/notes/x.yaml': cm('c'), 'other/x.yaml': cm('d') };
    const [memory, ...rest] = loadOutput(Object.entries(files).map(([p, content]) => ({ path: p, content })));
    expect(rest).toEqual([]);
    const disk = loadRelease(path.join(tree(files), 'shop'));
    const strip = (r: typeof disk) => r.phases.map((p) => [p.name, p.objects]);
    expect(strip(memory)).toEqual(strip(disk));
    expect([memory.name, memory.path, memory.transitions, memory.declaration]).toEqual([disk.name, 'shop', disk.transitions, disk.declaration]);
    expect(readError(() => loadOutput([{ path: 'shop/release.json', content: decl }]))).toBe('shop/stable: release.json declares phase "stable" but it has no YAML files');
  });

  test('scalars that kubectl (YAML 1.1) reads otherwise than YAML 1.2 tools are found and reported', () => {
    const text = `${cm('a')}  flag: on\n  quoted: "on"\n  count: 1_000\n  octal: 0o17\n  time: 12:30\n  off: x\n`;
    const [doc] = parseDocuments('m.yaml', text);
    expect(doc.ambiguous).toEqual([
      { path: 'data.flag', yaml11: true, yaml12: 'on' },
      { path: 'data.count', yaml11: 1000, yaml12: '1_000' },
      { path: 'data.octal', yaml11: '0o17', yaml12: 15 },
      { path: 'data.time', yaml11: 750, yaml12: '12:30' },
      { path: 'data.off', yaml11: false, yaml12: 'off' },
    ]);
    expect(parseDocuments('m.yaml', cm('a'))[0].ambiguous).toBeUndefined();
    const findings = verifyRelease(loadPhases([path.join(tree({ 'm.yaml': text }), 'm.yaml')], 'r')).findings.map(formatFinding);
    expect(findings).toContain('r/m: ConfigMap/a: data.flag: kubectl (YAML 1.1) reads true, YAML 1.2 tools read "on": quote the value [schema]');
  });
});
