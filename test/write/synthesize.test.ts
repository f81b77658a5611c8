import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { CanaryApp, CanaryStep, EnvValue, renderApp, synthesize, SynthesisValidationError, writeAtomically } from '../../lib';
import { tree } from '../support/tree';

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
  expect(declared().pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']);
  new ApiObject(release.phase('dark'), 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-canary' } });
  expect(declared().pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/ConfigMap', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']);
  expect(Object.keys(declared()).slice(0, 7)).toEqual(['apiVersion', 'release', 'strategy', 'provider', 'pruneSelector', 'pruneAllowlist', 'phases']);
});

test('documents are ordered disruption budgets, Services, Deployments, then by name', () => {
  const dark = renderApp(sampleApp()).find((f) => f.path === 'shop/dark/manifest.yaml')!.content;
  const heads = [...dark.matchAll(/^kind: (\w+)\nmetadata:\n(?:  .*\n)*?  name: (.+)$/gm)].map((m) => `${m[1]}/${m[2]}`);
  expect(heads).toEqual(['PodDisruptionBudget/shop-stable', 'Service/shop', 'Service/shop-canary', 'Deployment/shop-canary', 'Deployment/shop-stable']);
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

describe('YAML that kubectl reads as written', () => {
  test('strings YAML 1.1 or 1.2 would take for booleans, numbers or dates are quoted', () => {
    const app = Testing.app();
    const tricky = ['on', 'no', 'y', '1_000', '0o17', '1e3', '2024-01-15', '0b101', '12:30'];
    new CanaryApp(app, 'shop', {
      stableImage: 'acme/shop:2024-01-15',
      canaryImage: 'acme/shop:2024-02-01',
      env: Object.fromEntries(tricky.map((v, i) => [`V${i}`, EnvValue.fromValue(v)])),
    });
    const text = renderApp(app).find((f) => f.path === 'shop/stable/manifest.yaml')!.content;
    expect(text).toContain('app.kubernetes.io/version: "2024-01-15"');
    for (const version of ['1.1', '1.2'] as const) {
      const pod = parseAllDocuments(text, { version }).map((d) => d.toJS()).find((d) => d.kind === 'Deployment').spec.template;
      expect(pod.metadata.labels['app.kubernetes.io/version']).toBe('2024-01-15');
      expect(pod.spec.containers[0].env.map((e: { value: unknown }) => e.value)).toEqual(tricky);
    }
  });
});

function fail(): never {
  throw new Error('EXDEV: cross-device link not permitted');
}

describe('atomic output', () => {
  test('works in a project folder whose name looks like the staging folder', () => {
    const out = path.join(tmp, 'brand-new-app', 'dist');
    synthesize(sampleApp(), out);
    synthesize(sampleApp('acme/shop:1.2.0'), out);
    expect(tree(out)['shop/dark/manifest.yaml']).toContain('acme/shop:1.2.0');
    expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
  });

  test('an output that already holds exactly the files is left untouched: same folder, same files, same times', () => {
    const out = path.join(tmp, 'dist');
    synthesize(sampleApp(), out);
    const file = path.join(out, 'shop', 'dark', 'manifest.yaml');
    const stamp = (p: string) => {
      const s = fs.statSync(p);
      return { ino: s.ino, mtimeMs: s.mtimeMs };
    };
    const before = [stamp(out), stamp(file)];
    fs.utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const touched = stamp(file);
    synthesize(sampleApp(), out);
    expect([stamp(out), stamp(file)]).toEqual([before[0], touched]);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test.each([
    ['a changed byte', (out: string) => fs.appendFileSync(path.join(out, 'shop', 'dark', 'manifest.yaml'), ' ')],
    ['a missing file', (out: string) => fs.rmSync(path.join(out, 'shop', 'release.json'))],
    ['an extra file', (out: string) => fs.writeFileSync(path.join(out, 'shop', 'notes.txt'), '')],
    ['an extra empty folder', (out: string) => fs.mkdirSync(path.join(out, 'shop', 'old-phase'))],
    ['a folder where a file belongs', (out: string) => {
      fs.rmSync(path.join(out, 'shop', 'release.json'));
      fs.mkdirSync(path.join(out, 'shop', 'release.json'));
      fs.writeFileSync(path.join(out, 'shop', 'release.json', 'x'), '');
    }],
  ])('any difference from the files rewrites the whole output: %s', (_, change) => {
    const out = path.join(tmp, 'dist');
    // Files with their content, and folders.
    const listing = () => ({ ...tree(out), ...Object.fromEntries(fs.readdirSync(out, { recursive: true }).map(String).filter((p) => fs.statSync(path.join(out, p)).isDirectory()).map((p) => [`${p}/`, ''])) });
    synthesize(sampleApp(), out);
    const expected = listing();
    change(out);
    expect(listing()).not.toEqual(expected);
    synthesize(sampleApp(), out);
    expect(listing()).toEqual(expected);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('when the new output cannot be swapped in, the previous one is put back', () => {
    const out = path.join(tmp, 'dist');
    synthesize(sampleApp(), out);
    const before = tree(out);
    // The swap of the staging folder fails (as a rename across devices would); everything else is real.
    jest.isolateModules(() => {
      jest.doMock('fs', () => {
        const real = jest.requireActual('fs');
        return { ...real, renameSync: (from: string, to: string) => (from.includes('-new-') ? fail() : real.renameSync(from, to)) };
      });
      const isolated: typeof import('../../lib/write/synthesize') = require('../../lib/write/synthesize');
      expect(() => isolated.writeAtomically(out, [{ path: 'x.yaml', content: 'x' }])).toThrow('EXDEV');
    });
    jest.dontMock('fs');
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });
});

describe('determinism', () => {
  const define = (scope: Construct) => {
    new CanaryApp(scope, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', steps: [CanaryStep.replicas(1), CanaryStep.replicas(2)], replicas: 4 });
    new CanaryApp(scope, 'cart', { stableImage: 'acme/cart:1', canaryImage: 'acme/cart:2', env: { LEVEL: EnvValue.fromValue('info') } });
  };

  test('two syntheses of the same input write byte-identical trees', () => {
    const [a, b] = ['a', 'b'].map((d) => {
      const app = Testing.app();
      define(app);
      synthesize(app, path.join(tmp, d));
      return tree(path.join(tmp, d));
    });
    expect(Object.keys(a).length).toBe(13);
    expect(b).toEqual(a);
  });

  test('where a release sits in the construct tree does not change its output', () => {
    const flat = Testing.app();
    define(flat);
    const nested = Testing.app();
    define(new Construct(new Construct(nested, 'team'), 'checkout'));
    expect(renderApp(nested)).toEqual(renderApp(flat));
  });
});
