import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ReleaseInputs } from '../../lib';
import { runCommand } from '../../lib/cli/verify-command';
import { CLI, CLI_SUBCOMMANDS } from '../support/cli';

const repo = path.resolve(__dirname, '../..');
const folder = path.join(repo, 'examples/pipelines');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const dist = path.join(repo, 'dist');

function yamlFiles(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Every shell command of a pipeline, in file order, one per line, comments dropped. */
function commands(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (typeof node === 'string') {
      if (key && ['run', 'script', 'before_script', 'after_script', 'commands'].includes(key)) {
        out.push(...node.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
      }
    } else if (Array.isArray(node)) {
      for (const n of node) walk(n, key);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(doc);
  return out;
}

/** Values given to a variable anywhere in the file: `NAME: value` maps and `{ name, value }` lists. */
function variableValues(doc: unknown, name: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.name === name && typeof o.value === 'string') out.push(o.value);
      for (const [k, v] of Object.entries(o)) {
        if (k === name && typeof v === 'string') out.push(v);
        walk(v);
      }
    }
  };
  walk(doc);
  return out;
}

const release = (name: string) => JSON.parse(fs.readFileSync(path.join(dist, name, 'release.json'), 'utf8'));
const files = yamlFiles(folder);

test('there is a pipeline for GitHub Actions, GitLab CI and Semaphore', () => {
  const names = files.map((f) => path.relative(folder, f)).sort();
  expect(names).toEqual(expect.arrayContaining(['github-actions.yml', 'gitlab-ci.yml', 'semaphore/semaphore.yml']));
});

describe.each(files.map((f) => [path.relative(folder, f), f]))('%s', (_name, file) => {
  const text = fs.readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text);
  const doc = docs[0]?.toJS();
  const lines = commands(doc);

  test('is one valid YAML document', () => {
    expect(docs).toHaveLength(1);
    expect(docs[0].errors).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
  });

  test('runs only npm scripts the package has (commands run inside a pod excepted)', () => {
    for (const l of lines.filter((x) => !x.includes('kubectl exec'))) {
      for (const [, script] of l.matchAll(/\bnpm run ([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(script);
    }
  });

  test(`runs only ${CLI} subcommands that exist, on release folders of dist/`, () => {
    for (const l of lines) {
      for (const [, sub, arg] of l.matchAll(new RegExp(`\\bnpx ${CLI} (\\S+) (\\S+)`, 'g'))) {
        expect(Object.keys(CLI_SUBCOMMANDS)).toContain(sub);
        expect(fs.existsSync(path.join(repo, arg, 'release.json'))).toBe(true);
      }
    }
  });

  test('every dist/ path it names exists, or a pipeline of the folder writes it', () => {
    const written = new Set(files.flatMap((f) => commands(parseAllDocuments(fs.readFileSync(f, 'utf8'))[0].toJS())).flatMap((l) => [...l.matchAll(/> (dist\/\S+)/g)].map((m) => m[1])));
    for (const [p] of text.matchAll(/\bdist\/[a-z0-9-]+(\/[a-z0-9.-]+)*/g)) if (!written.has(p)) expect(fs.existsSync(path.join(repo, p))).toBe(true);
  });

  test('passes images through the variables the release reads', () => {
    for (const [, variable] of text.matchAll(/\b([A-Z0-9_]+_(?:STABLE|CANARY)_IMAGE)=/g)) {
      const key = variable.endsWith('_STABLE_IMAGE') ? 'stableImage' : 'canaryImage';
      expect(ReleaseInputs.variableName('addressbook', key)).toBe(variable);
    }
  });

  test('prunes only with the release selector and allowlist, after the rollout of what it applied', () => {
    const values = variableValues(doc, 'SELECTOR');
    if (lines.some((l) => l.startsWith('kubectl apply'))) expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v).toBe(release('addressbook').pruneSelector);
    lines.forEach((l, i) => {
      if (/--prune\b/.test(l)) {
        expect(l).toMatch(/ --prune \$\(cat dist\/addressbook\/prune-flags\)$/);
        expect(l).not.toMatch(/--all\b/);
      }
      const apply = l.match(/^kubectl apply -f (dist\/\S+?)\/?$/);
      if (apply) {
        expect(lines[i + 1]).toMatch(/^kubectl rollout status deployment -l "\$SELECTOR" --timeout=\w+$/);
        expect(lines[i + 2]).toBe(`kubectl apply -f ${apply[1]}/ --prune $(cat ${PRUNE_FLAGS_FILE})`);
      }
    });
  });
});

const PRUNE_FLAGS_FILE = 'dist/addressbook/prune-flags';

test('the pipelines write the prune flags after synthesis, with the command whose output holds the selector and every allowlisted kind', () => {
  const all = files.flatMap((f) => commands(parseAllDocuments(fs.readFileSync(f, 'utf8'))[0].toJS()));
  const write = `npx ${CLI} prune-flags dist/addressbook > ${PRUNE_FLAGS_FILE}`;
  for (const tool of ['github-actions.yml', 'gitlab-ci.yml', 'semaphore/deploy-canary.yml']) {
    const lines = commands(parseAllDocuments(fs.readFileSync(path.join(folder, tool), 'utf8'))[0].toJS());
    const at = lines.indexOf(write);
    expect({ tool, at: at > lines.findIndex((l) => l.includes('npm run synth')) }).toEqual({ tool, at: true });
    expect(lines.findIndex((l) => l.includes(PRUNE_FLAGS_FILE) && l.startsWith('kubectl'))).toBeGreaterThan(at);
  }
  expect(all.filter((l) => l.includes('prune-flags') && !l.startsWith('kubectl')).every((l) => l === write)).toBe(true);
  let stdout = '';
  expect(runCommand(CLI_SUBCOMMANDS['prune-flags']('dist/addressbook'), { stdout: (t) => (stdout += t), stderr: () => undefined })).toBe(0);
  const decl = release('addressbook');
  expect(stdout).toBe(`-l ${decl.pruneSelector} ${decl.pruneAllowlist.map((k: string) => `--prune-allowlist=${k}`).join(' ')}\n`);
  expect(decl.pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']);
});

test('the pipelines apply the phases along the transitions of release.json: dark, canary-33, promote, or rollback', () => {
  const decl = release('addressbook');
  const transitions = new Set(decl.transitions.map(([a, b]: [string, string]) => `${a}→${b}`));
  const byTool = new Map<string, string[]>();
  for (const f of files) {
    const tool = path.relative(folder, f).split(/[/.]/)[0];
    const applied = commands(parseAllDocuments(fs.readFileSync(f, 'utf8'))[0].toJS())
      .map((l) => l.match(/^kubectl apply -f dist\/addressbook\/([a-z0-9-]+)\/$/)?.[1])
      .filter((p): p is string => p !== undefined);
    byTool.set(tool, [...(byTool.get(tool) ?? []), ...applied]);
  }
  expect([...byTool.keys()].sort()).toEqual(['github-actions', 'gitlab-ci', 'semaphore']);
  for (const [tool, applied] of byTool) {
    const forward = applied.filter((p) => p !== 'rollback');
    expect({ tool, forward }).toEqual({ tool, forward: ['dark', 'canary-33', 'promote'] });
    expect(applied).toContain('rollback');
    for (let i = 1; i < forward.length; i++) expect(transitions).toContain(`${forward[i - 1]}→${forward[i]}`);
    expect(transitions).toContain('canary-33→rollback');
  }
});

test('every Semaphore promotion names a pipeline file of the folder', () => {
  const semaphore = path.join(folder, 'semaphore');
  for (const f of yamlFiles(semaphore)) {
    const doc = parseAllDocuments(fs.readFileSync(f, 'utf8'))[0].toJS();
    for (const p of doc.promotions ?? []) expect(fs.existsSync(path.join(semaphore, p.pipeline_file))).toBe(true);
  }
});
