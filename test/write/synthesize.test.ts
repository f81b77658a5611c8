import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { CanaryApp, renderApp, synthesize, SynthesisValidationError, writeAtomically } from '../../lib';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function sampleApp(canaryImage = 'acme/shop:1.1.0'): App {
  const app = Testing.app();
  new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage });
  return app;
}

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('one folder per phase with its manifest, and the release declaration beside them', () => {
  expect(renderApp(sampleApp()).map((f) => f.path)).toEqual([
    'shop/canary-33/manifest.yaml',
    'shop/dark/manifest.yaml',
    'shop/promote/manifest.yaml',
    'shop/release.json',
    'shop/rollback/manifest.yaml',
    'shop/stable/manifest.yaml',
  ]);
});

test('release.json lists every kind of every phase for --prune-allowlist, objects added to a phase by hand too', () => {
  const app = Testing.app();
  const release = new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' });
  const declared = () => JSON.parse(renderApp(app).find((f) => f.path === 'shop/release.json')!.content);
  expect(declared().pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/Service']);
  new ApiObject(release.phase('dark'), 'budget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'shop-canary' } });
  expect(declared().pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']);
  expect(Object.keys(declared()).slice(0, 7)).toEqual(['apiVersion', 'release', 'strategy', 'provider', 'pruneSelector', 'pruneAllowlist', 'phases']);
});

test('documents are ordered Services before Deployments, then by name', () => {
  const dark = renderApp(sampleApp()).find((f) => f.path === 'shop/dark/manifest.yaml')!.content;
  const heads = [...dark.matchAll(/^kind: (\w+)\nmetadata:\n(?:  .*\n)*?  name: (.+)$/gm)].map((m) => `${m[1]}/${m[2]}`);
  expect(heads).toEqual(['Service/shop', 'Service/shop-canary', 'Deployment/shop-canary', 'Deployment/shop-stable']);
});

test('two renders of the same input are identical', () => {
  expect(renderApp(sampleApp())).toEqual(renderApp(sampleApp()));
});

test('a new synthesis replaces the whole output: files of removed phases disappear', () => {
  const out = path.join(tmp, 'dist');
  fs.mkdirSync(path.join(out, 'old-release', 'stable'), { recursive: true });
  fs.writeFileSync(path.join(out, 'old-release', 'stable', 'manifest.yaml'), 'stale');
  synthesize(sampleApp(), out);
  expect(Object.keys(tree(out)).some((f) => f.startsWith('old-release'))).toBe(false);
  expect(fs.readdirSync(tmp)).toEqual(['dist']);
});

test('a failed write leaves the previous output exactly as it was and no staging folder', () => {
  const out = path.join(tmp, 'dist');
  synthesize(sampleApp(), out);
  const before = tree(out);
  // 'shop' as a file and as a folder cannot both be written: the write fails half-way.
  expect(() => writeAtomically(out, [{ path: 'a.yaml', content: 'x' }, { path: 'shop', content: 'x' }, { path: 'shop/x.yaml', content: 'y' }])).toThrow();
  expect(tree(out)).toEqual(before);
  expect(fs.readdirSync(tmp)).toEqual(['dist']);
});

test('failed construct validations are reported together and nothing is rendered', () => {
  const app = sampleApp();
  const chart = new Chart(app, 'extra');
  chart.node.addValidation({ validate: () => ['first problem', 'second problem'] });
  let error: unknown;
  try {
    renderApp(app);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SynthesisValidationError);
  expect((error as SynthesisValidationError).problems).toEqual(['extra: first problem', 'extra: second problem']);
});
