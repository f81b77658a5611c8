/**
 * The path of a new user, on the package as npm publishes it: `npm pack`, then the
 * README's commands in a fresh folder, with the README's first TypeScript block as
 * main.ts. Whatever the README gains (another release, another construct) is checked
 * here without changing this file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ReleaseInputs } from '../../lib';
import { CLI, CLI_SUBCOMMANDS, shipsCli } from '../support/cli';
import { declaredReleases, readmeMainTs, readmeShellBlock } from '../support/readme';
import { tree } from '../support/tree';

const repo = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const mainTs = readmeMainTs();
const steps = readmeShellBlock('npm init');
const [beforeMain, afterMain] = steps.split(/^# main\.ts.*$/m);

/** The environment of a person's shell: none of the variables `npm test` sets; npm served from its cache when it can. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|CDK8S_|INIT_CWD$)/i.test(k)) env[k] = v;
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function sh(script: string, cwd: string): string {
  const res = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: userEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`in ${cwd}:\n${script}\nexited ${res.status}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`);
  return res.stdout;
}

let work: string;
let app: string;
let packed: { filename: string; files: Array<{ path: string }> };
let firstSynth: Record<string, string>;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  // What `git clone` and `npm ci && npm pack` leave: the tarball in the clone's folder.
  const clone = path.join(work, 'cdk8s-canary');
  fs.mkdirSync(clone);
  packed = JSON.parse(sh(`npm pack --pack-destination ${JSON.stringify(clone)} --json`, repo))[0];
  sh(beforeMain, clone);
  app = path.join(work, 'my-release');
  fs.writeFileSync(path.join(app, 'main.ts'), mainTs);
  sh(afterMain, app);
  firstSynth = tree(path.join(app, 'dist'));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the README installs the tarball that npm pack writes', () => {
  expect(packed.filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
  expect(steps).toContain(`../cdk8s-canary/${packed.filename}`);
});

test('the tarball holds the compiled library with its types, README and LICENSE; no sources, tests or output', () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'build/lib/index.js', 'build/lib/index.d.ts']));
  const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|build\/(lib|imports)\/.*\.(js|d\.ts)|schemas\/.*\.json)$/.test(f));
  expect(unexpected).toEqual([]);
});

test('the app imports the package by its name only: exports and types come from package.json', () => {
  const out = sh(
    `node -e "const c = require('cdk8s-canary'); console.log(typeof c.CanaryApp, typeof c.runApp);` +
      ` try { require('cdk8s-canary/build/lib/index.js'); } catch (e) { console.log(e.code); }"`,
    app,
  );
  expect(out.trim().split('\n')).toEqual(['function function', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);
  const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/cdk8s-canary/package.json'), 'utf8'));
  expect(installed.exports['.'].types).toBe('./build/lib/index.d.ts');
  expect(fs.existsSync(path.join(app, 'node_modules/cdk8s-canary', installed.exports['.'].types))).toBe(true);
});

test('the README commands write every phase of every release of the README block, as valid YAML', () => {
  const releases = declaredReleases(mainTs);
  expect(releases.length).toBeGreaterThan(0);
  expect([...new Set(Object.keys(firstSynth).map((f) => f.split('/')[0]))].sort()).toEqual([...releases].sort());
  for (const release of releases) {
    const decl = JSON.parse(firstSynth[`${release}/release.json`]);
    const phases: string[] = decl.phases.map((p: { name: string }) => p.name);
    expect(Object.keys(firstSynth).filter((f) => f.startsWith(`${release}/`)).sort()).toEqual(
      [`${release}/release.json`, ...phases.map((p) => `${release}/${p}/manifest.yaml`)].sort(),
    );
    const selector = Object.fromEntries(decl.pruneSelector.split(',').map((kv: string) => kv.split('=')));
    for (const p of phases) {
      const docs = parseAllDocuments(firstSynth[`${release}/${p}/manifest.yaml`]);
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) {
        expect(d.errors).toEqual([]);
        const obj = d.toJS();
        expect(obj).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
        if (obj.kind !== 'Namespace') expect(obj.metadata.labels).toMatchObject(selector);
      }
    }
  }
});

test('the image passed in the environment reaches the phases that run the canary', () => {
  const passed = [...afterMain.matchAll(/\b([A-Z0-9_]+_CANARY_IMAGE)=(\S+)/g)];
  expect(passed.length).toBeGreaterThan(0);
  for (const [, variable, image] of passed) {
    const release = declaredReleases(mainTs).find((r) => ReleaseInputs.variableName(r, 'canaryImage') === variable);
    expect(release).toBeDefined();
    const withImage = Object.keys(firstSynth).filter((f) => f.endsWith('manifest.yaml') && firstSynth[f].includes(`image: ${image}\n`));
    expect(withImage.sort()).toEqual([`${release}/canary-33/manifest.yaml`, `${release}/dark/manifest.yaml`, `${release}/promote/manifest.yaml`]);
  }
});

test('npx cdk8s synth writes the same files again', () => {
  const image = [...afterMain.matchAll(/\b([A-Z0-9_]+_IMAGE=\S+)/g)].map((m) => m[1]).join(' ');
  // main.ts was type-checked by the README's `npm run synth` above: ts-node only transpiles it this time.
  sh(`${image} TS_NODE_TRANSPILE_ONLY=true npx cdk8s synth`, app);
  expect(tree(path.join(app, 'dist'))).toEqual(firstSynth);
});

// The command-line tool, when the package ships it: npx finds it, and every subcommand
// succeeds on every release of the app (run through the link npx resolves to, which
// spares npm's start-up on each of them).
const withCli = shipsCli(pkg) ? test : test.skip;
withCli(`npx ${CLI} is the command the package installs`, () => {
  const [release] = declaredReleases(mainTs);
  const viaNpx = sh(['npx', CLI, ...CLI_SUBCOMMANDS.verify(`dist/${release}`)].join(' '), app);
  expect(viaNpx).toBe(sh([`node_modules/.bin/${CLI}`, ...CLI_SUBCOMMANDS.verify(`dist/${release}`)].join(' '), app));
  expect(fs.realpathSync(path.join(app, 'node_modules/.bin', CLI))).toBe(path.join(fs.realpathSync(app), 'node_modules/cdk8s-canary', pkg.bin[CLI]));
});
withCli.each(Object.keys(CLI_SUBCOMMANDS))(`${CLI} %s succeeds on every release of the app`, (sub) => {
  for (const release of declaredReleases(mainTs)) {
    sh([`node_modules/.bin/${CLI}`, ...CLI_SUBCOMMANDS[sub](`dist/${release}`)].join(' '), app);
  }
});
