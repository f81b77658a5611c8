import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { CanaryApp, ReleaseConfigError, ReleaseInputs, renderApp } from '../../../lib';
import { SPECS } from '../arbitraries';
import { memoryApp, SEED } from './properties';

/** The page that lists the rejected inputs, written whole by `scripts/rejected-inputs.ts --write`. */
export const REJECTED_INPUTS_PAGE = 'docs/rejected-inputs.md';

/**
 * The "Rejected input" page of the documentation, generated from the invalid classes of
 * the property tests (one example of each, with a fixed seed) and from the checks made
 * at synthesis, so that the list and its messages cannot drift from the code.
 */
export function rejectedInputsPage(): string {
  const lines = [
    '# Rejected input',
    '',
    'Each input below stops synthesis before anything is written, with exit code 1 and one line:',
    '`error: <construct path>: <field>: <value> is invalid; expected <expected>`. The tables are generated from the',
    'property tests (`node tools/run.js scripts/rejected-inputs.ts --write`); `expected` is quoted from a',
    'generated example, so counts and names in it are that example\'s.',
    '',
  ];
  // Classes shared by several constructs are listed under the first; the others name where they apply.
  const listed = new Map<string, string>();
  for (const spec of SPECS) {
    lines.push(`## ${spec.name}`, '', '| input | field | expected |', '| --- | --- | --- |');
    const mentioned = new Set<string>();
    for (const cls of spec.invalid) {
      const first = cls.shared && listed.get(cls.shared.group);
      if (cls.shared && first && first !== spec.name) {
        if (!mentioned.has(cls.shared.group)) {
          mentioned.add(cls.shared.group);
          const p = cls.shared.prefix;
          lines.push(
            p
              ? `| every ${cls.shared.group} input listed for ${first}, in \`${p}\` | \`${p}.\` and the same field | the same as for ${first} |`
              : `| every ${cls.shared.group} input listed for ${first} | the same | the same as for ${first} |`,
          );
        }
        continue;
      }
      if (cls.shared) listed.set(cls.shared.group, spec.name);
      const [c] = fc.sample(cls.cases, { seed: SEED, numRuns: 1 });
      let expected = '(accepted: the property tests fail)';
      try {
        spec.build(memoryApp(), c);
      } catch (e) {
        expected = ReleaseConfigError.isReleaseConfigError(e) ? e.expected : `(${String(e)})`;
      }
      lines.push(`| ${cell(cls.title)} | \`${cls.field}\` | ${cell(expected)} |`);
    }
    lines.push('');
  }
  lines.push('## At synthesis and from release inputs', '', '| input | message |', '| --- | --- |');
  for (const [title, message] of synthesisRejections()) lines.push(`| ${cell(title)} | ${cell(message)} |`);
  lines.push('');
  return lines.join('\n');
}

function synthesisRejections(): Array<[string, string]> {
  const attempt = (f: () => void) => {
    try {
      f();
      return '(accepted)';
    } catch (e) {
      return (e as Error).message.replace(/^validation failed:\s*/, '');
    }
  };
  const image = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };
  return [
    [
      'two releases rendering the same object (kind, name, namespace)',
      attempt(() => {
        const app = memoryApp();
        new CanaryApp(app, 'cart', image);
        new CanaryApp(app, 'shop', { ...image, service: { name: 'cart' } });
        renderApp(app);
      }),
    ],
    ['release file not a JSON object', inTempDir((dir) => attempt(() => ReleaseInputs.load(writeFile(dir, 'releases.json', '["acme/shop:1.1.0"]'), {})))],
    ['release input neither in the environment nor in the file', attempt(() => ReleaseInputs.of({}).get('shop', 'canaryImage'))],
  ];
}

/** Runs `f` with a fresh folder, and strips the folder from what it returns. */
function inTempDir(f: (dir: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rejected-'));
  try {
    return f(dir).split(`${dir}${path.sep}`).join('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeFile(dir: string, name: string, content: string): string {
  fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
