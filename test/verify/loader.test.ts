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
