import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tree } from '../support/tree';

const repo = path.resolve(__dirname, '../..');

/** Runs a main.ts-like program in a fresh folder, as `npm run synth` would. */
function runMain(dir: string, body: string) {
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(
    file,
    `import { CanaryApp, CanaryStep, ReleaseInputs, runApp, ServiceType } from ${JSON.stringify(path.join(repo, 'lib'))};\n` +
      `runApp((app) => {\n${body}\n});\n`,
  );
  return spawnSync(process.execPath, [path.join(repo, 'tools/run.js'), file], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
}

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-app-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('bad input: one line naming construct and field, exit 1, no stack trace, dist/ untouched', () => {
  const good = runMain(tmp, `new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' });`);
  expect(good.status).toBe(0);
  expect(good.stdout).toBe('wrote 5 phases to dist/\n');
  const before = fs.readFileSync(path.join(tmp, 'dist/shop/canary-33/manifest.yaml'), 'utf8');

  const bad = runMain(
    tmp,
    `new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.2.0' });\n` +
      `new CanaryApp(app, 'cart', { stableImage: 'acme/cart:1', canaryImage: 'acme/cart:2', steps: [CanaryStep.weight(10)] });`,
  );
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/^error: cart: steps\[0\]\.weight: 10 is invalid; expected a weight that 3 replicas realise exactly/);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).not.toMatch(/\n\s+at /);
  expect(fs.readFileSync(path.join(tmp, 'dist/shop/canary-33/manifest.yaml'), 'utf8')).toBe(before);
  expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'main.ts']);
});

test('whatever fails, dist/ stays byte for byte as the last good synthesis left it', () => {
  const good = `const inputs = ReleaseInputs.load();
new CanaryApp(app, 'shop', { stableImage: inputs.get('shop', 'stable'), canaryImage: inputs.get('shop', 'canary'), replicas: 4 });
new CanaryApp(app, 'cart', { stableImage: 'acme/cart:1', canaryImage: 'acme/cart:2', service: { type: ServiceType.NODE_PORT } });`;
  const releases = path.join(tmp, 'releases.json');
  fs.writeFileSync(releases, JSON.stringify({ shop: { stable: 'acme/shop:1.0.0', canary: 'acme/shop:1.1.0' } }));
  expect(runMain(tmp, good).status).toBe(0);
  const before = tree(path.join(tmp, 'dist'));
  expect(Object.keys(before)).toHaveLength(12);

  const failures: Array<[string, () => void, string, number, RegExp]> = [
    ['releases.json is not JSON', () => fs.writeFileSync(releases, '{ "shop": '), good, 1, /^error: releases\.json: <file>: ".*" is invalid; expected a JSON object/],
    ['an input is not an image', () => fs.writeFileSync(releases, JSON.stringify({ shop: { stable: 'acme/shop:1.0.0', canary: 'acme/shop' } })), good, 1, /^error: shop: canaryImage: "acme\/shop" is invalid; expected an image pinned/],
    ['a prop is misspelt', () => undefined, good.replace('replicas: 4', 'replica: 4'), 1, /^error: shop: replica: 4 is invalid; expected a property of CanaryAppProps: did you mean "replicas"\?/],
    ['two releases render the same Service', () => undefined, good.replace("type: ServiceType.NODE_PORT", "name: 'shop', type: ServiceType.NODE_PORT"), 1, /^error: cart: Service "shop" is also rendered by the release at "shop"/],
    ['the program throws', () => undefined, `${good}\nthrow new Error('disk full');`, 2, /^unexpected error: disk full\n/],
  ];
  fs.writeFileSync(releases, JSON.stringify({ shop: { stable: 'acme/shop:1.0.0', canary: 'acme/shop:1.1.0' } }));
  for (const [title, corrupt, body, code, message] of failures) {
    corrupt();
    const res = runMain(tmp, body);
    expect({ title, status: res.status }).toEqual({ title, status: code });
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(tree(path.join(tmp, 'dist'))).toEqual(before);
    expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'main.ts', 'releases.json']);
    fs.writeFileSync(releases, JSON.stringify({ shop: { stable: 'acme/shop:1.0.0', canary: 'acme/shop:1.1.0' } }));
  }
});

test('an unexpected error exits 2 with its message and a hint, not a stack trace', () => {
  const res = runMain(tmp, `throw new TypeError('boom');`);
  expect(res.status).toBe(2);
  expect(res.stderr).toBe('unexpected error: boom\n(set CDK8S_CANARY_DEBUG=1 to print the stack trace)\n');
  expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
});
