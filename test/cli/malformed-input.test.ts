import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../../lib/cli/verify-command';

// The command reads whatever lies in a folder: each malformed input below must end in exit 2
// with one line naming the file (unreadable), or in findings (1), or in none (0); never a
// stack trace or "unexpected error". The cases are counted per family.

const root = path.join(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'malformed-input-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function verify(...args: string[]): Outcome {
  let stdout = '';
  let stderr = '';
  const code = runCommand(['verify', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** What every outcome must be, whatever the input: a known exit code that agrees with what was printed. */
function expectWellFormed(o: Outcome, what: string): void {
  const report = { what, code: o.code, stderr: o.stderr.slice(0, 300) };
  expect({ ...report, trace: /^\s+at /m.test(o.stdout + o.stderr), unexpected: /unexpected error/.test(o.stdout + o.stderr) }).toEqual({ ...report, trace: false, unexpected: false });
  if (o.code === 2) expect({ what, stderr: /^error: cannot read .+: .+\n$/.test(o.stderr) }).toEqual({ what, stderr: true });
  else expect({ what, code: [0, 1].includes(o.code), stderr: o.stderr }).toEqual({ what, code: true, stderr: '' });
  if (o.code === 1) expect(o.stdout).toMatch(/\[(schema|wiring|transition|capacity|traffic|policy)\]\n[^]*✗ /);
  if (o.code === 0) expect(o.stdout).toMatch(/^✓ .*no findings\n$/);
}

/** A deterministic generator, so that a failing case can be found again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const counts = new Map<string, Map<number, number>>();
function count(family: string, code: number): void {
  const byCode = counts.get(family) ?? new Map<number, number>();
  byCode.set(code, (byCode.get(code) ?? 0) + 1);
  counts.set(family, byCode);
}
const total = (family: string) => [...(counts.get(family)?.values() ?? [])].reduce((a, b) => a + b, 0);
const codes = (family: string) => Object.fromEntries([...(counts.get(family) ?? [])].sort());

test('binary files among the manifests are unreadable input: exit 2 naming the file', () => {
  const next = random(1);
  for (let i = 0; i < 40; i++) {
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 4096) }, () => Math.floor(next() * 256)));
    // Half of them without NUL bytes, so that the UTF-8 check is what refuses them.
    if (i % 2) for (let j = 0; j < bytes.length; j++) if (bytes[j] === 0) bytes[j] = 0xff;
    const o = verify(writeFile(`binary/${i}.yaml`, bytes));
    expectWellFormed(o, `binary ${i}`);
    expect(o.stderr).toMatch(/: not a text file: /);
    count('binary', o.code);
  }
  expect(codes('binary')).toEqual({ 2: 40 });
});

test('truncated manifests and release.json: every cut is read, reported or refused, never a crash', () => {
  const release = path.join(work, 'truncated');
  fs.cpSync(path.join(root, 'dist', 'addressbook'), release, { recursive: true });
  const files = ['release.json', ...fs.readdirSync(release).filter((d) => fs.statSync(path.join(release, d)).isDirectory()).map((d) => `${d}/manifest.yaml`)];
  for (const name of files) {
    const file = path.join(release, name);
    const whole = fs.readFileSync(file, 'utf8');
    for (let k = 1; k <= 12; k++) {
      const cut = Math.floor((whole.length * k) / 13);
      fs.writeFileSync(file, whole.slice(0, cut));
      const o = verify(release);
      expectWellFormed(o, `${name} cut at ${cut}`);
      count('truncated', o.code);
    }
    fs.writeFileSync(file, whole);
  }
  expect(verify(release).code).toBe(0);
  // A cut release.json is no JSON; a cut manifest is findings (a Deployment left half) or unreadable YAML.
  expect(total('truncated')).toBe(files.length * 12);
  expect(counts.get('truncated')?.get(2)).toBeGreaterThanOrEqual(12);
  expect(counts.get('truncated')?.get(1)).toBeGreaterThan(0);
});

test('alias bombs of every shape are unreadable input: exit 2, the file and line named', () => {
  const levels = (n: number, width: number, seq: boolean) =>
    Array.from({ length: n }, (_, i) => {
      const items = Array.from({ length: width }, (__, j) => `${seq ? '' : `k${j}: `}${i === 0 ? 'x' : `*a${i - 1}`}`);
      return `a${i}: &a${i} ${seq ? `[${items.join(', ')}]` : `{${items.join(', ')}}`}`;
    }).join('\n');
  const bombs = [
    levels(9, 9, true),
    levels(9, 9, false),
    levels(30, 2, true),
    `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data:\n    ${levels(9, 9, true).replace(/\n/g, '\n    ')}\n`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\n${levels(12, 4, true)}\n`,
  ];
  bombs.forEach((bomb, i) => {
    const o = verify(writeFile(`bombs/${i}.yaml`, bomb));
    expectWellFormed(o, `alias bomb ${i}`);
    expect(o.stderr).toMatch(new RegExp(`bombs/${i}\\.yaml: line \\d+: the document expands its aliases more than 100 times`));
    count('alias bomb', o.code);
  });
  expect(codes('alias bomb')).toEqual({ 2: bombs.length });
});

test('nesting too deep to read, in flow and block style, is unreadable input: exit 2, whatever the depth', () => {
  const shapes: { [name: string]: (n: number) => string } = {
    'flow sequences': (n) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`,
    'flow maps': (n) => `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`,
    'block maps': (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n',
    'block sequences': (n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}-`).join('\n') + ' 1\n',
    'in a manifest': (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  labels: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`,
  };
  for (const [shape, make] of Object.entries(shapes)) {
    for (const depth of [101, 1_000, 10_000, ...(shape.startsWith('flow') ? [200_000] : [])]) {
      const o = verify(writeFile(`deep/${shape.replace(/ /g, '-')}-${depth}.yaml`, make(depth)));
      expectWellFormed(o, `${shape} ${depth} deep`);
      expect({ shape, depth, stderr: o.stderr }).toEqual({ shape, depth, stderr: expect.stringMatching(/: line \d+: nesting too deep to read/) });
      count('deep nesting', o.code);
    }
    // Shallower than the limit: read, and reported as what it is (no manifest), not refused.
    const o = verify(writeFile(`deep/${shape.replace(/ /g, '-')}-90.yaml`, make(90)));
    expectWellFormed(o, `${shape} 90 deep`);
    expect(o.code).toBe(1);
    count('nesting within the limit', o.code);
  }
  expect(codes('deep nesting')).toEqual({ 2: 17 });
});

test('20,000 documents in one file are read and verified', () => {
  const docs = Array.from({ length: 20_000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  a: "${i}"\n`);
  const o = verify(writeFile('many/manifest.yaml', docs.join('---\n')));
  expectWellFormed(o, '20,000 documents');
  expect(o.stdout).toBe(`✓ manifest (${path.join(work, 'many/manifest.yaml')}): 1 phase, 0 transitions, no findings\n`);
  count('20,000 documents', o.code);
});

/** Every path into a JSON value, lists by their first item only: each field of the format once. */
function fieldsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.slice(0, 1).map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...fieldsOf(v, [...prefix, k])]);
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

test('release.json with a wrong type in every field: refused naming release.json and the field, exit 2', () => {
  const release = path.join(work, 'declaration');
  fs.cpSync(path.join(root, 'dist', 'sockshop-istio'), release, { recursive: true });
  const file = path.join(release, 'release.json');
  const whole = fs.readFileSync(file, 'utf8');
  const decl = JSON.parse(whole);
  decl.namespace = 'shop';
  decl.phases[0].addresses[0].routes[0].conditions.push({ header: 'cookie', match: 'regex', value: '.*' });
  decl.applySet = { id: 'applyset-x-v1', parent: 'Secret/sockshop', namespace: 'shop', groupKinds: ['Service'] };
  const fields = fieldsOf(decl);
  const wrong = [null, 0, -1, 1.5, '', 'x', true, [], {}, [1], { a: 1 }];
  for (const field of fields) {
    let original: unknown = decl;
    for (const key of field) original = (original as Record<string, unknown>)[key as string];
    for (const value of wrong.filter((v) => typeOf(v) !== typeOf(original))) {
      const copy = JSON.parse(JSON.stringify(decl));
      let parent = copy;
      for (const key of field.slice(0, -1)) parent = parent[key];
      parent[field[field.length - 1]] = value;
      fs.writeFileSync(file, JSON.stringify(copy));
      const o = verify(release);
      const what = `${field.join('.')} = ${JSON.stringify(value)}`;
      expectWellFormed(o, what);
      expect({ what, stderr: o.stderr }).toEqual({ what, stderr: expect.stringMatching(/release\.json: not a release declaration: /) });
      count('release.json wrong type', o.code);
    }
  }
  fs.writeFileSync(file, whole);
  expect(fields.length).toBeGreaterThanOrEqual(30);
  expect(codes('release.json wrong type')).toEqual({ 2: total('release.json wrong type') });
  expect(total('release.json wrong type')).toBeGreaterThan(250);
});

afterAll(() => {
  // The tally, printed so that a run shows how many cases each family tried.
  const lines = [...counts].map(([family]) => `  ${family}: ${total(family)} cases, exit codes ${JSON.stringify(codes(family))}`);
  process.stdout.write(`malformed input, ${[...counts.keys()].reduce((n, f) => n + total(f), 0)} cases:\n${lines.join('\n')}\n`);
});
