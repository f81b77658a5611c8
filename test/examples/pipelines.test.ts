import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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

/**
 * Each `npx cdk8s-canary <subcommand> [--format <f>] <path...>` of a line: a subcommand the
 * command has, a format it takes, and paths that are release folders of dist/ or dist/ itself.
 */
function expectKnownCliCalls(line: string): void {
  for (const [, call] of line.matchAll(new RegExp(`\\bnpx ${CLI} ([^>|;&]+)`, 'g'))) {
    const [sub, ...args] = call.trim().split(/\s+/);
    const format = args[0] === '--format' ? args[1] : undefined;
    const paths = format ? args.slice(2) : args;
    expect(Object.keys(CLI_SUBCOMMANDS)).toContain(format ? `${sub} --format ${format}` : sub);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect({ p, release: p === 'dist' || fs.existsSync(path.join(repo, p, 'release.json')) }).toEqual({ p, release: true });
  }
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

  test(`runs only ${CLI} subcommands that exist, on release folders of dist/ or dist/ itself`, () => {
    for (const l of lines) expectKnownCliCalls(l);
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

describe('GitOps: Argo CD and Flux commit the phase instead of applying it', () => {
  const gitops = path.join(repo, 'examples/gitops');
  const mover = path.join(gitops, 'move-phase.sh');
  const docs = yamlFiles(gitops).map((f) => ({ file: path.relative(gitops, f), docs: parseAllDocuments(fs.readFileSync(f, 'utf8')) }));
  const objects = docs.filter((d) => !d.file.endsWith('github-actions.yml')).map((d) => ({ file: d.file, o: d.docs[0].toJS() }));
  const workflows = docs.filter((d) => d.file.endsWith('github-actions.yml')).map((d) => ({ file: d.file, lines: commands(d.docs[0].toJS()) }));
  /** The phase folder an Application or Kustomization points at, relative to the repository. */
  const pathOf = (o: { kind: string; spec: { path: string; source?: { path: string } } }) => (o.kind === 'Application' ? o.spec.source!.path : o.spec.path.replace(/^\.\//, ''));

  test('every file is one valid YAML document; a workflow for each tool', () => {
    for (const d of docs) expect({ file: d.file, count: d.docs.length, errors: d.docs[0].errors }).toEqual({ file: d.file, count: 1, errors: [] });
    expect(workflows.map((w) => w.file).sort()).toEqual(['argocd/github-actions.yml', 'flux/github-actions.yml']);
  });

  test('an Application or Kustomization per release, named after it, pointing at a phase folder of dist/, pruning its own objects', () => {
    const releases = objects.filter(({ o }) => o.kind === 'Kustomization' || (o.kind === 'Application' && o.metadata.name !== 'releases'));
    expect(releases.map(({ file }) => file).sort()).toEqual(['argocd/apps/addressbook.yaml', 'argocd/apps/sockshop-istio.yaml', 'flux/addressbook.yaml']);
    for (const { file, o } of releases) {
      const phase = pathOf(o);
      expect({ file, phase }).toEqual({ file, phase: expect.stringMatching(new RegExp(`^dist/${o.metadata.name}/[a-z0-9-]+$`)) });
      expect(release(o.metadata.name).phases.map((p: { name: string }) => p.name)).toContain(path.basename(phase));
      if (o.kind === 'Application') {
        expect(o.spec.syncPolicy.automated.prune).toBe(true);
        expect(o.spec.syncPolicy.syncOptions).toContain('PruneLast=true');
      } else {
        expect([o.spec.prune, o.spec.wait, o.spec.sourceRef]).toEqual([true, true, { kind: 'GitRepository', name: 'shop' }]);
      }
    }
    const root = objects.find(({ o }) => o.metadata.name === 'releases')!.o;
    expect(path.join(repo, root.spec.source.path)).toBe(path.join(gitops, 'argocd/apps'));
    expect(objects.find(({ o }) => o.kind === 'GitRepository')?.o.metadata.name).toBe('shop');
  });

  describe.each(workflows.map((w) => [w.file, w.lines]))('%s', (file, lines) => {
    const tool = file.split('/')[0];
    const moves = lines
      .map((l) => l.match(/^examples\/gitops\/move-phase\.sh "\$APP" addressbook ([a-z0-9-]+)(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => ({ phase: m[1], options: m[2].trim() }));

    test('runs only npm scripts the package has and known subcommands, and verifies in the GitHub format', () => {
      for (const l of lines.filter((x) => !x.includes('kubectl exec'))) {
        for (const [, script] of l.matchAll(/\bnpm run ([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(script);
        expectKnownCliCalls(l);
      }
      expect(lines).toContain('npx cdk8s-canary verify --format github dist');
      expect(lines.some((l) => l.startsWith('kubectl apply'))).toBe(false);
    });

    test('moves the release along the transitions of release.json: dark, canary-33, promote, or rollback; then back to stable', () => {
      const decl = release('addressbook');
      const declared = new Set(decl.transitions.map(([a, b]: [string, string]) => `${a}→${b}`));
      const app = objects.find((o) => o.file === `${tool}/${tool === 'argocd' ? 'apps/' : ''}addressbook.yaml`)!.o;
      let at = path.basename(pathOf(app));
      const visited: string[] = [];
      for (const m of moves) {
        if (m.options === '--next-release') {
          expect(['promote', 'rollback']).toContain(at);
          at = m.phase;
          continue;
        }
        if (m.phase !== at) {
          // The promote and rollback jobs both start from canary-33.
          const from = m.phase === 'rollback' ? 'canary-33' : at;
          expect(declared).toContain(`${from}→${m.phase}`);
        }
        visited.push(m.phase);
        at = m.phase;
      }
      expect([...new Set(visited.filter((p) => p !== 'rollback'))]).toEqual(['dark', 'canary-33', 'promote']);
      expect(visited).toContain('rollback');
      expect(moves.filter((m) => m.options === '--next-release').map((m) => m.phase)).toEqual(['stable', 'stable']);
      if (tool === 'flux') {
        // Flux prunes before its health checks: each phase is committed without pruning first, and pruned once healthy.
        const phases = moves.filter((m) => m.options !== '--next-release');
        for (let i = 0; i < phases.length; i += 2) expect([phases[i], phases[i + 1]]).toEqual([{ phase: phases[i].phase, options: '--no-prune' }, { phase: phases[i].phase, options: '' }]);
        expect(lines.filter((l) => l.startsWith('flux reconcile'))).toHaveLength(phases.length);
      } else {
        expect(moves.every((m) => m.options !== '--no-prune')).toBe(true);
        expect(lines.filter((l) => l.startsWith('argocd app sync'))).toHaveLength(moves.length - 2);
      }
    });
  });

  /** A clone of a repository holding dist/addressbook and the GitOps files, with a remote to push to. */
  function repository(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
    execFileSync('git', ['init', '-q', '--bare', path.join(dir, 'remote.git')]);
    fs.mkdirSync(path.join(dir, 'work'));
    fs.cpSync(path.join(dist, 'addressbook'), path.join(dir, 'work/dist/addressbook'), { recursive: true });
    fs.cpSync(gitops, path.join(dir, 'work/examples/gitops'), { recursive: true });
    const inWork = (...args: string[]) => execFileSync('git', args, { cwd: path.join(dir, 'work'), encoding: 'utf8' });
    inWork('init', '-q', '-b', 'main');
    inWork('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'empty');
    inWork('remote', 'add', 'origin', path.join(dir, 'remote.git'));
    inWork('push', '-q', '-u', 'origin', 'main');
    return path.join(dir, 'work');
  }

  function move(work: string, file: string, ...args: string[]) {
    const r = spawnSync('bash', [mover, file, 'addressbook', ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    return { code: r.status, stderr: r.stderr, text: fs.readFileSync(path.join(work, file), 'utf8') };
  }

  const withTools = ['git', 'jq'].every((t) => spawnSync('which', [t]).status === 0) ? test : test.skip;
  if (withTools === test.skip) process.stderr.write('SKIPPED: move-phase.sh tests need git and jq on the PATH\n');

  withTools('move-phase.sh commits a declared transition and pushes it; refuses any other', () => {
    const work = repository();
    try {
      const app = 'examples/gitops/argocd/apps/addressbook.yaml';
      const before = fs.readFileSync(path.join(work, app), 'utf8');
      const skip = move(work, app, 'promote');
      expect([skip.code, skip.stderr, skip.text]).toEqual([1, 'move-phase: addressbook: stable → promote is not a transition of dist/addressbook/release.json\n', before]);
      expect(move(work, app, 'nowhere')).toMatchObject({ code: 2, stderr: 'move-phase: dist/addressbook/nowhere: no such phase\n' });
      const dark = move(work, app, 'dark');
      expect([dark.code, dark.stderr]).toEqual([0, '']);
      expect(dark.text).toBe(before.replace('path: dist/addressbook/stable', 'path: dist/addressbook/dark'));
      const log = execFileSync('git', ['log', '--format=%s', 'origin/main'], { cwd: work, encoding: 'utf8' });
      expect(log.split('\n')[0]).toBe('addressbook: stable → dark');
      expect(execFileSync('git', ['show', '--name-only', '--format=', 'origin/main'], { cwd: work, encoding: 'utf8' })).toContain('dist/addressbook/release.json');
      expect(move(work, app, 'stable', '--next-release')).toMatchObject({ code: 2 });
      for (const phase of ['canary-33', 'rollback']) expect(move(work, app, phase).code).toBe(0);
      expect(move(work, app, 'stable', '--next-release').text).toContain('path: dist/addressbook/stable\n');

      const kustomization = 'examples/gitops/flux/addressbook.yaml';
      const held = move(work, kustomization, 'dark', '--no-prune');
      expect(held.text).toMatch(/\n {2}path: \.\/dist\/addressbook\/dark\n[^]*\n {2}prune: false\n/);
      expect(move(work, kustomization, 'dark').text).toMatch(/\n {2}prune: true\n/);
    } finally {
      fs.rmSync(path.dirname(work), { recursive: true, force: true });
    }
  });

  test('what promote and rollback leave running is the stable phase of the next release, byte for byte', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'next-release-'));
    try {
      const decl = release('addressbook');
      expect(decl.transitions).toEqual(expect.arrayContaining([['canary-33', 'promote'], ['canary-33', 'rollback']]));
      const image = (phase: string) => fs.readFileSync(path.join(dist, 'addressbook', phase, 'manifest.yaml'), 'utf8').match(/image: (\S+)/g)!;
      const canary = image('dark').find((i) => !image('stable').includes(i))!.slice('image: '.length);
      const r = spawnSync(process.execPath, ['tools/run.js', 'main.ts'], { cwd: repo, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out, ADDRESSBOOK_STABLE_IMAGE: canary, ADDRESSBOOK_CANARY_IMAGE: 'docker.io/acme/addressbook:9.9.9' } });
      expect([r.status, r.stderr]).toEqual([0, '']);
      const text = (dir: string, phase: string) => fs.readFileSync(path.join(dir, 'addressbook', phase, 'manifest.yaml'), 'utf8');
      expect(text(out, 'stable')).toBe(text(dist, 'promote'));
      expect(text(dist, 'stable')).toBe(text(dist, 'rollback'));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
