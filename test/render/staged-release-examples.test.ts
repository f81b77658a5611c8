import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ReleaseInputs } from '../../lib/inputs/release-inputs';
import { renderApp } from '../../lib/write/synthesize';
import { defineReleases } from '../../main';

const root = path.join(__dirname, '..', '..');
const app = new App();
// The environment must not change what the examples render.
defineReleases(app, ReleaseInputs.load(path.join(root, 'releases.json'), {}));
const files = renderApp(app);

describe.each(['seamless', 'seamless-compatible'])('the %s example', (release) => {
  const mine = files.filter((f) => f.path.startsWith(`${release}/`));

  test('renders as reviewed', () => {
    expect(mine.map((f) => `# ${f.path}\n${f.content}`).join('\n')).toMatchSnapshot();
  });

  test('is in dist/ as rendered (run `npm run synth` after a change)', () => {
    const written = fs.readdirSync(path.join(root, 'dist', release), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.relative(path.join(root, 'dist'), path.join(d.parentPath, d.name)))
      .sort();
    expect(written).toEqual(mine.map((f) => f.path));
    for (const f of mine) expect({ path: f.path, content: fs.readFileSync(path.join(root, 'dist', f.path), 'utf8') }).toEqual({ path: f.path, content: f.content });
  });
});
