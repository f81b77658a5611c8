import { spawnSync } from 'child_process';
import * as path from 'path';

// A cold synth spends most of its time loading modules, in an app that requires the
// package as in `npm run synth` (whose bundle runs a module only when it is required).
// The library loads nothing of cdk8s-plus-27 (its L1 declarations are types only here:
// the module of every kind and the index of every L2 construct), the `yaml` package only
// for a document its own writer leaves to it, and nothing that only other commands need
// (schema validation, the TypeScript compiler).
const repo = path.resolve(__dirname, '../..');

test('synthesizing the examples loads nothing of cdk8s-plus-27, nor yaml, ajv, kubernetes-models or typescript', () => {
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
  expect(loaded).toContain(require.resolve('cdk8s'));
  expect(loaded.filter((f) => f.includes('/node_modules/cdk8s-plus-27/'))).toEqual([]);
  expect(loaded).not.toContain(require.resolve('yaml'));
  const packages = new Set(loaded.map((f) => f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/)?.[1]).filter(Boolean));
  for (const heavy of ['ajv', 'kubernetes-models', '@kubernetes-models/istio', '@kubernetes-models/gateway-api', 'typescript', 'ts-node']) {
    expect({ heavy, loaded: packages.has(heavy) }).toEqual({ heavy, loaded: false });
  }
});
