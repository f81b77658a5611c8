import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tree } from '../support/tree';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFiles } = require('../../tools/run.js') as { cacheFiles: (entry: string) => Record<'bundle' | 'sourceMap' | 'inputs' | 'codeCache', string> };

// `npm run synth` runs main.ts through tools/run.js (an esbuild bundle, no type checking,
// cached with V8's code cache): it must write exactly what the type-checked build renders,
// i.e. the committed dist/ (see dist-in-sync.test.ts), and behave as the modules run one by one.
const repo = path.resolve(__dirname, '../..');
const runner = path.join(repo, 'tools/run.js');

const run = (file: string, options: { cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}) =>
  spawnSync(process.execPath, [runner, file, ...(options.args ?? [])], { cwd: options.cwd ?? repo, encoding: 'utf8', env: options.env ?? process.env });

/** The cache files of an entry point inside the repository that exist, as the runner names them. */
const cacheFilesOf = (entry: string) => Object.values(cacheFiles(entry)).filter((f) => fs.existsSync(f));
const bundleOf = (entry: string) => cacheFiles(entry).bundle;

let tmp: string;
let inside: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  // Inside the repository, where the runner caches; in .scratch/ (ignored by git), not in build/,
  // which `npm run build` (run by the consumer test's `npm pack`) empties at any moment.
  fs.mkdirSync(path.join(repo, '.scratch'), { recursive: true });
  inside = fs.mkdtempSync(path.join(repo, '.scratch', 'run-'));
});
afterEach(() => {
  for (const f of fs.readdirSync(inside)) for (const c of cacheFilesOf(path.join(inside, f))) fs.rmSync(c, { force: true });
  fs.rmSync(inside, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the synth runner writes exactly the committed dist/, built and then from the cache', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: path.join(tmp, 'out') };
  for (const name of Object.keys(env)) if (/^[A-Z]+_(STABLE|CANARY)_IMAGE$/.test(name)) delete env[name];
  for (let i = 0; i < 2; i++) {
    const r = run('main.ts', { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tree(path.join(tmp, 'out'))).toEqual(tree(path.join(repo, 'dist')));
  }
  const cached = cacheFiles(path.join(repo, 'main.ts'));
  expect([cached.bundle, cached.inputs, cached.codeCache].filter((f) => !fs.existsSync(f))).toEqual([]);
});

test('an edited file is bundled again, never served stale from the cache', () => {
  const main = path.join(inside, 'main.ts');
  const helper = path.join(inside, 'helper.ts');
  fs.writeFileSync(main, "import { value } from './helper';\nprocess.stdout.write(value);\n");
  fs.writeFileSync(helper, "export const value: string = 'first';\n");
  expect(run(main).stdout).toBe('first');
  expect(run(main).stdout).toBe('first');
  // Same size, so only the modification time tells.
  fs.writeFileSync(helper, "export const value: string = 'other';\n");
  fs.utimesSync(helper, new Date(), new Date(Date.now() + 5000));
  expect(run(main).stdout).toBe('other');
  fs.rmSync(helper);
  const r = run(main);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^error: .*main\.ts:1:\d+: Could not resolve "\.\/helper"\n$/);
});

test('a second run loads the cached bundle; a file modified during a build makes the next run build again', () => {
  const main = path.join(inside, 'main.ts');
  const helper = path.join(inside, 'helper.ts');
  fs.writeFileSync(main, "import { value } from './helper';\nprocess.stdout.write(value);\n");
  fs.writeFileSync(helper, "export const value: string = 'v';\n");
  const past = new Date(Date.now() - 60_000);
  for (const f of [main, helper]) fs.utimesSync(f, past, past);
  const bundle = () => {
    const file = bundleOf(main);
    return fs.statSync(file).ino;
  };
  expect(run(main).stdout).toBe('v');
  const first = bundle();
  expect(run(main).stdout).toBe('v');
  expect(bundle()).toBe(first);
  // Modified "after the build started" as far as its time tells: read maybe before the change.
  const future = new Date(Date.now() + 60_000);
  fs.utimesSync(helper, future, future);
  expect(run(main).stdout).toBe('v');
  const rebuilt = bundle();
  expect(rebuilt).not.toBe(first);
  expect(run(main).stdout).toBe('v');
  expect(bundle()).not.toBe(rebuilt);
});

test('--build bundles without running (npm ci runs it), the first run uses that bundle, and a broken entry never fails it', () => {
  const main = path.join(inside, 'main.ts');
  fs.writeFileSync(main, "process.stdout.write('ran');\n");
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(main, past, past);
  const built = spawnSync(process.execPath, [runner, '--build', main], { encoding: 'utf8' });
  expect([built.status, built.stdout, built.stderr]).toEqual([0, '', '']);
  const bundle = bundleOf(main);
  const ino = fs.statSync(bundle).ino;
  expect(run(main).stdout).toBe('ran');
  expect(fs.statSync(bundle).ino).toBe(ino);

  fs.writeFileSync(main, 'const a = ;\n');
  const broken = spawnSync(process.execPath, [runner, '--build', main], { encoding: 'utf8' });
  expect(broken.status).toBe(0);
  expect(broken.stderr).toMatch(/not bundled now, will be on the first run:\nerror: .*main\.ts:1:10: Unexpected ";"\n$/);
  expect(run(main).status).toBe(2);
  expect(spawnSync(process.execPath, [runner], { encoding: 'utf8' }).status).toBe(2);
});

test('bundled modules see require, module, __dirname, __filename and import() as without the bundle', () => {
  const probe = [
    "import * as path from 'path';",
    "import { answer, helperDir, helperFile } from './sub/helper';",
    'const facts = {',
    '  answer,',
    '  main: require.main === module,',
    '  own: [helperDir, helperFile, __dirname, __filename],',
    "  resolved: require.resolve('path'),",
    "  paths: require.resolve.paths('some-package')!.length > 0,",
    '  argv: process.argv.slice(2),',
    '  strict: (function (this: unknown) { return this === undefined; })(),',
    '};',
    "import('path').then((p) => process.stdout.write(JSON.stringify({ ...facts, imported: p.sep === path.sep })));",
  ].join('\n');
  const helper = 'export const answer: number = 42;\nexport const helperDir = __dirname;\nexport const helperFile = __filename;\n';
  for (const dir of [tmp, inside]) {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'helper.ts'), helper);
    fs.writeFileSync(path.join(dir, 'probe.ts'), probe);
  }
  const facts = (dir: string) => {
    const r = run(path.join(dir, 'probe.ts'), { cwd: dir, args: ['a', 'b'] });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };
  const expected = (dir: string) => ({
    answer: 42,
    main: true,
    own: [path.join(dir, 'sub'), path.join(dir, 'sub', 'helper.ts'), dir, path.join(dir, 'probe.ts')],
    resolved: 'path',
    paths: true,
    argv: ['a', 'b'],
    // Strict mode as the tsconfig.json that applies says (the repository's is strict, /tmp has none).
    strict: dir === inside,
    imported: true,
  });
  // Outside the repository (bundled in memory), inside it (cached), and from the cache.
  expect(facts(tmp)).toEqual(expected(tmp));
  expect(facts(inside)).toEqual(expected(inside));
  expect(facts(inside)).toEqual(expected(inside));
  expect(fs.readdirSync(tmp).sort()).toEqual(['probe.ts', 'sub']);
});

test('a package the code loads on demand stays out of the bundle and loads when the code runs, also from outside the repository', () => {
  const source = [
    "import { render } from './sub/lazy';",
    "process.stdout.write(process.argv[2] === 'now' ? render() : 'not needed');",
  ].join('\n');
  // The lazy module sits in the repository, as lib/verify does, and is imported from a scratch file too.
  fs.mkdirSync(path.join(inside, 'sub'));
  fs.writeFileSync(path.join(inside, 'sub', 'lazy.ts'), "export function render(): string {\n  return (require('yaml') as typeof import('yaml')).stringify({ a: 1 });\n}\n");
  fs.writeFileSync(path.join(inside, 'main.ts'), source);
  fs.writeFileSync(path.join(tmp, 'main.ts'), source.replace('./sub/lazy', path.join(inside, 'sub', 'lazy')));
  for (const main of [path.join(inside, 'main.ts'), path.join(tmp, 'main.ts')]) {
    expect(run(main, { cwd: path.dirname(main), args: ['later'] }).stdout).toBe('not needed');
    expect(run(main, { cwd: path.dirname(main), args: ['now'] }).stdout).toBe('a: 1\n');
  }
  const bundle = fs.readFileSync(bundleOf(path.join(inside, 'main.ts')), 'utf8');
  expect(bundle).toContain(`require(${JSON.stringify(require.resolve('yaml'))})`);
  expect(bundle.length).toBeLessThan(5000);
});

test('a runtime error points at the TypeScript line with CDK8S_CANARY_DEBUG, after a build without source map too', () => {
  for (const dir of [tmp, inside]) {
    const file = path.join(dir, 'fail.ts');
    fs.writeFileSync(file, "interface Unused {\n  a: number;\n}\nconst n: number = 1;\nthrow new Error(`boom ${n}`);\n");
    const plain = run(file);
    expect(plain.status).toBe(1);
    expect(plain.stderr).not.toContain(`${file}:5`);
    // Inside the repository: the cached bundle has no source map, so the first debug run builds one, the second reuses it.
    for (let i = 0; i < 2; i++) {
      const r = run(file, { env: { ...process.env, CDK8S_CANARY_DEBUG: '1' } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${file}:5`);
    }
  }
});

test('a syntax error is one line naming the file, and exit code 2', () => {
  const file = path.join(tmp, 'broken.ts');
  fs.writeFileSync(file, 'const a = ;\n');
  const r = run(file);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^error: .*broken\.ts:1:10: Unexpected ";"\n$/);
});
