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
    if (sub === 'gate') {
      // gate waits on one phase folder of a release.
      const phase = args.filter((a) => a !== '--print');
      expect(phase).toHaveLength(1);
      expect({ phase, release: fs.existsSync(path.join(repo, phase[0], '..', 'release.json')), manifest: fs.existsSync(path.join(repo, phase[0], 'manifest.yaml')) }).toEqual({ phase, release: true, manifest: true });
      continue;
    }
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

  test(`runs only ${CLI} subcommands that exist, on release folders of dist/ or dist/ itself (gate on a phase folder)`, () => {
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
  expect(decl.pruneAllowlist).toEqual(['apps/v1/Deployment', 'batch/v1/Job', 'core/v1/Service', 'policy/v1/PodDisruptionBudget']);
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
    // Semaphore promotes in two places: by hand (deploy-stable.yml), or at once with AUTO_PROMOTE.
    const forward = [...new Set(applied.filter((p) => p !== 'rollback'))];
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

/** The pipeline files of each tool, their commands in file order. */
const byTool = {
  'github-actions': ['github-actions.yml'],
  'gitlab-ci': ['gitlab-ci.yml'],
  semaphore: ['semaphore/deploy-canary.yml', 'semaphore/deploy-stable.yml', 'semaphore/rollback-canary.yml'],
};
const docOf = (f: string) => parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8'))[0].toJS();
const gatedPhases = (release('addressbook').phases as Array<{ name: string; gates?: unknown[] }>).filter((p) => p.gates?.length).map((p) => p.name);
const gateScript = (phase: string) => `dist/addressbook/gates-${phase}.sh`;
const ROLLBACK = [
  'kubectl apply -f dist/addressbook/rollback/',
  'kubectl rollout status deployment -l "$SELECTOR" --timeout=10m',
  `kubectl apply -f dist/addressbook/rollback/ --prune $(cat ${PRUNE_FLAGS_FILE})`,
];

describe.each(Object.entries(byTool))('%s: gates', (tool, tf) => {
  const lines = tf.flatMap((f) => commands(docOf(f)));

  test('the gated phases of the addressbook are dark and canary-33', () => {
    expect(gatedPhases).toEqual(['dark', 'canary-33']);
  });

  test('writes a gate script of each gated phase after synthesis, with the command that prints it', () => {
    const synth = lines.findIndex((l) => l.includes('npm run synth'));
    for (const phase of gatedPhases) {
      const at = lines.indexOf(`npx ${CLI} gate --print dist/addressbook/${phase} > ${gateScript(phase)}`);
      expect({ phase, written: at > synth }).toEqual({ phase, written: true });
    }
  });

  test('waits for the gates of each gated phase once it is applied and pruned, before the next phase', () => {
    for (const phase of gatedPhases) {
      const prune = lines.indexOf(`kubectl apply -f dist/addressbook/${phase}/ --prune $(cat ${PRUNE_FLAGS_FILE})`);
      const wait = lines.indexOf(`sh ${gateScript(phase)}`);
      const next = lines.findIndex((l, i) => i > prune && /^kubectl apply -f dist\/addressbook\/[a-z0-9-]+\/$/.test(l) && !l.includes('/rollback/'));
      expect({ phase, order: prune >= 0 && wait > prune && (next < 0 || wait < next) }).toEqual({ phase, order: true });
    }
  });

  test('rolls back automatically when a gate (or a later step) fails: apply rollback, wait, prune', () => {
    if (tool === 'github-actions') {
      const job = docOf('github-actions.yml').jobs['rollback-on-failure'];
      expect([job.needs, job.if]).toEqual(['canary', "failure() && needs.canary.result == 'failure'"]);
      expect(commands(job).filter((l) => l.startsWith('kubectl'))).toEqual(ROLLBACK);
    } else if (tool === 'gitlab-ci') {
      const job = docOf('gitlab-ci.yml')['rollback-on-failure'];
      expect([job.when, job.needs]).toEqual(['on_failure', ['synth', 'canary']]);
      expect(commands(job)).toEqual(ROLLBACK);
    } else {
      // Every block that applies the canary or waits for a gate rolls back when one of its jobs fails.
      const blocks = docOf('semaphore/deploy-canary.yml').blocks as Array<{ name: string; task: { jobs: unknown[]; epilogue?: { on_fail?: { commands: string[] } } } }>;
      const touching = blocks.filter((b) => commands(b.task.jobs).some((l) => /^kubectl apply -f dist\/addressbook\/(dark|canary-33)\/|^sh dist\/addressbook\/gates-/.test(l)));
      expect(touching.map((b) => b.name)).toEqual(['Deploy', 'Test', 'Release']);
      for (const b of touching) expect({ block: b.name, onFail: b.task.epilogue?.on_fail?.commands.filter((l) => !l.startsWith('#')) }).toEqual({ block: b.name, onFail: ROLLBACK });
    }
  });

  test('stops at the manual promote unless AUTO_PROMOTE is true', () => {
    if (tool === 'github-actions') {
      const jobs = docOf('github-actions.yml').jobs;
      expect(jobs.promote.environment).toBe("${{ vars.AUTO_PROMOTE == 'true' && 'production-auto' || 'production' }}");
      expect(jobs.rollback.if).toBe("vars.AUTO_PROMOTE != 'true'");
    } else if (tool === 'gitlab-ci') {
      const doc = docOf('gitlab-ci.yml');
      expect(doc.promote.rules).toEqual([{ if: '$AUTO_PROMOTE == "true"', when: 'on_success' }, { when: 'manual' }]);
      expect(doc.rollback.rules).toEqual([{ if: '$AUTO_PROMOTE == "true"', when: 'never' }, { when: 'manual' }]);
    } else {
      const doc = docOf('semaphore/deploy-canary.yml');
      expect(variableValues(doc, 'AUTO_PROMOTE')).toEqual(['false']);
      const last = commands(doc.blocks[doc.blocks.length - 1].task.jobs);
      expect(last[0]).toBe('if [ "$AUTO_PROMOTE" = true ]; then');
      expect(last.slice(1, 4)).toEqual(['kubectl apply -f dist/addressbook/promote/', 'kubectl rollout status deployment -l "$SELECTOR" --timeout=10m', `kubectl apply -f dist/addressbook/promote/ --prune $(cat ${PRUNE_FLAGS_FILE})`]);
      expect(doc.promotions.map((p: { pipeline_file: string; auto_promote?: unknown }) => [p.pipeline_file, p.auto_promote])).toEqual([['deploy-stable.yml', undefined], ['rollback-canary.yml', undefined]]);
    }
  });
});
