import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { defineReleases } from '../main';
import { ReleaseInputs, renderApp } from '../lib';

// The committed dist/ is what `npm run synth` writes: the releases of main.ts with the
// images of releases.json (no environment overrides). Compared byte for byte, this fails
// when dist/ is stale and when a change of the synthesis path changes a single byte.
const dist = path.resolve(__dirname, '../dist');

function committed(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dist, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dist);
  return files;
}

test('dist/ is exactly what main.ts renders (run `npm run synth` and commit dist/ when this fails)', () => {
  const app = Testing.app();
  defineReleases(app, ReleaseInputs.load(path.resolve(__dirname, '../releases.json'), {}));
  const rendered = new Map(renderApp(app).map((f) => [f.path, f.content]));
  const onDisk = committed();
  expect([...onDisk.keys()].sort()).toEqual([...rendered.keys()].sort());
  for (const [file, content] of rendered) {
    // Compared one file at a time so that a failure names the stale file.
    expect({ file, content: onDisk.get(file) }).toEqual({ file, content });
  }
});
