import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tree } from '../support/tree';

// `npm run synth` runs main.ts through tools/ts-register.js (sucrase, no type checking,
// a cache of the transpiled files): it must write exactly what the type-checked build
// renders, i.e. the committed dist/ (see dist-in-sync.test.ts).
const repo = path.resolve(__dirname, '../..');
const register = path.join(repo, 'tools/ts-register.js');

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the synth runner writes exactly the committed dist/', () => {
  const out = path.join(tmp, 'out');
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: out };
  for (const name of Object.keys(env)) if (/^[A-Z]+_(STABLE|CANARY)_IMAGE$/.test(name)) delete env[name];
  const run = spawnSync(process.execPath, ['-r', register, 'main.ts'], { cwd: repo, encoding: 'utf8', env });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(tree(out)).toEqual(tree(path.join(repo, 'dist')));
});

test('an edited file is transpiled again, never served stale from the cache', () => {
  // Inside the repository, where the runner caches (build/ is ignored by git).
  fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(repo, 'build', 'ts-register-'));
  const cache = path.join(repo, 'node_modules/.cache/ts-register');
  const cached = () => (fs.existsSync(cache) ? fs.readdirSync(cache).map((f) => fs.readFileSync(path.join(cache, f), 'utf8')) : []);
  try {
    const file = path.join(dir, 'value.ts');
    const run = () => spawnSync(process.execPath, ['-r', register, file], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(file, "const value: string = 'first';\nprocess.stdout.write(value);\n");
    expect(run()).toBe('first');
    expect(cached().filter((c) => c.includes("'first'"))).toHaveLength(1);
    expect(run()).toBe('first');
    fs.writeFileSync(file, "const value: string = 'second';\nprocess.stdout.write(value);\n");
    expect(run()).toBe('second');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    const id = createHash('sha1').update(path.join(dir, 'value.ts')).update('\0').digest('hex');
    fs.rmSync(path.join(cache, `${id}.js`), { force: true });
    fs.rmSync(path.join(repo, 'node_modules/.cache/ts-register-v8', `${id}.bin`), { force: true });
  }
});

test('modules compiled from the V8 code cache see require, module and import() as without it', () => {
  // The cache is used inside the repository only: the same probe outside it is the reference.
  fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
  const inside = fs.mkdtempSync(path.join(repo, 'build', 'ts-register-'));
  const probe = [
    "import * as path from 'path';",
    "import { answer } from './helper';",
    'const facts = {',
    '  answer,',
    '  main: require.main === module,',
    "  resolved: path.basename(require.resolve('./helper')),",
    "  paths: require.resolve.paths('some-package')!.length > 0,",
    '  cached: require.cache[__filename] === module,',
    '  dirname: __dirname === path.dirname(__filename),',
    '  strict: (function (this: unknown) { return this === undefined; })(),',
    '};',
    "import('path').then((p) => process.stdout.write(JSON.stringify({ ...facts, imported: p.sep === path.sep })));",
  ].join('\n');
  const run = (dir: string) => {
    fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const answer: number = 42;\n');
    fs.writeFileSync(path.join(dir, 'probe.ts'), probe);
    const r = spawnSync(process.execPath, ['-r', register, path.join(dir, 'probe.ts')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };
  try {
    const reference = run(tmp);
    expect(reference).toMatchObject({ answer: 42, main: true, resolved: 'helper.ts', paths: true, cached: true, dirname: true, imported: true });
    expect(run(inside)).toEqual(reference);
    // and again, now from the cache
    expect(run(inside)).toEqual(reference);
  } finally {
    fs.rmSync(inside, { recursive: true, force: true });
    for (const name of ['helper.ts', 'probe.ts']) {
      const id = createHash('sha1').update(path.join(inside, name)).update('\0').digest('hex');
      fs.rmSync(path.join(repo, 'node_modules/.cache/ts-register', `${id}.js`), { force: true });
      fs.rmSync(path.join(repo, 'node_modules/.cache/ts-register-v8', `${id}.bin`), { force: true });
    }
  }
});

test('a runtime error points at the TypeScript line (sucrase keeps line numbers)', () => {
  const file = path.join(tmp, 'fail.ts');
  fs.writeFileSync(file, "interface Unused {\n  a: number;\n}\nconst n: number = 1;\nthrow new Error(`boom ${n}`);\n");
  const run = spawnSync(process.execPath, ['-r', register, file], { encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`${file}:5`);
});
