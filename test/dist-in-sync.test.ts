import * as path from 'path';
import { tree } from './support/tree';
import { exampleFiles } from './support/examples';

// The committed dist/ is what `npm run synth` writes: the releases of main.ts with the
// images of releases.json (no environment overrides). Compared byte for byte, this fails
// when dist/ is stale and when a change of the synthesis path changes a single byte.
const dist = path.resolve(__dirname, '../dist');

test('dist/ is exactly what main.ts renders (run `npm run synth` and commit dist/ when this fails)', () => {
  const rendered = new Map(exampleFiles().map((f) => [f.path, f.content]));
  const onDisk = tree(dist);
  expect(Object.keys(onDisk).sort()).toEqual([...rendered.keys()].sort());
  for (const [file, content] of rendered) {
    // Compared one file at a time so that a failure names the stale file.
    expect({ file, content: onDisk[file] }).toEqual({ file, content });
  }
});
