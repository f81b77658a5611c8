import { spawnSync } from 'child_process';
import * as path from 'path';

// A cold synth spends most of its time loading modules, in an app that requires the
// package as in `npm run synth` (whose bundle runs a module only when it is required).
// The library loads
// the k8s L1 classes of cdk8s-plus-27 without its index (every L2 construct), the
// `yaml` package only for a document its own writer leaves to it, and nothing that only
// other commands need (schema validation, the TypeScript compiler).
const repo = path.resolve(__dirname, '../..');

test('synthesizing the examples loads neither the cdk8s-plus-27 index nor yaml, ajv, kubernetes-models or typescript', () => {
  const script = `
    const { Testing } = require('cdk8s');
    const { ReleaseInputs, renderApp } = require('./lib');
    const { defineReleases } = require('./main');
    const app = Testing.app();
    defineReleases(app, ReleaseInputs.load('releases.json', {}));
    renderApp(app);
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const run = spawnSync(process.execPath, ['-r', 'sucrase/register/ts', '-e', script], { cwd: repo, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const loaded: string[] = JSON.parse(run.stdout);
  expect(loaded).toContain(require.resolve('cdk8s-plus-27/lib/imports/k8s'));
  expect(loaded).not.toContain(require.resolve('cdk8s-plus-27'));
  expect(loaded).not.toContain(require.resolve('yaml'));
  const packages = new Set(loaded.map((f) => f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/)?.[1]).filter(Boolean));
  for (const heavy of ['ajv', 'kubernetes-models', '@kubernetes-models/istio', '@kubernetes-models/gateway-api', 'typescript', 'ts-node']) {
    expect({ heavy, loaded: packages.has(heavy) }).toEqual({ heavy, loaded: false });
  }
});
