import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand } from '../../lib/cli/verify-command';
import { planPath } from '../../lib/plan/plan';
import { renderPlanMarkdown } from '../../lib/plan/markdown';
import { renderPlanMermaid } from '../../lib/plan/mermaid';
import { renderPlanTable } from '../../lib/plan/table';

const root = path.join(__dirname, '..', '..');

/** Runs the command as a user would, in a process of its own (through the runner of `npm run verify`). */
function spawn(...args: string[]) {
  const r = spawnSync(process.execPath, ['tools/run.js', 'lib/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_CANARY_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command in this process, for the cases where the process boundary adds nothing. */
function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const code = runCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

/** Line (from 1) of the first line of a file that starts with `text`. */
function lineOf(file: string, text: string): number {
  return fs.readFileSync(path.join(root, file), 'utf8').split('\n').findIndex((l) => l.startsWith(text)) + 1;
}

describe('cdk8s-canary command', () => {
  test('verify: exit 0 and a summary per release when dist/ is clean', () => {
    const r = spawn('verify', 'dist/addressbook', 'dist/appinfo');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('✓ addressbook (dist/addressbook): 5 phases, 5 transitions, no findings\n✓ appinfo (dist/appinfo): 5 phases, 5 transitions, no findings\n');
  });

  test('verify: exit 1 and one line per finding', () => {
    const r = spawn('verify', 'test/fixtures/seeds/vamp-sava');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toContain(
      'vamp-sava/vamp-sava: Deployment/sava-product-1.0.3: spec.template.spec.containers[0].readinessProbe: missing: Service/sava-product sends requests to port 8080 of this container as soon as it starts, before it can serve them [policy]',
    );
    expect(r.stdout).toMatch(/✗ vamp-sava \(test\/fixtures\/seeds\/vamp-sava\): 7 findings in 1 phase, 0 transitions\n$/);
  });

  test('verify: exit 2 on unreadable input, one line each and no stack trace', () => {
    const r = spawn('verify', 'dist/nothing-here', 'test/fixtures/seeds/istio-sockshop-as-quoted', 'dist/addressbook');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: cannot read dist/nothing-here: no such file or folder\n' +
        'error: cannot read test/fixtures/seeds/istio-sockshop-as-quoted/2-logged-in-users/virtual-service.yml: line 16, column 1: not valid YAML: All mapping items must start at the same column\n',
    );
    expect(r.stdout).toBe('✓ addressbook (dist/addressbook): 5 phases, 5 transitions, no findings\n');
    noStackTrace(r.stderr);
  });

  test('plan: the table of the addressbook release', () => {
    const r = spawn('plan', 'dist/addressbook');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(renderPlanTable({ ...planPath(path.join(root, 'dist', 'addressbook')), path: 'dist/addressbook' }));
    expect(r.stdout).toContain('canary-33');
  });

  test('plan --format json', () => {
    const r = run('plan', '--format', 'json', 'dist/addressbook');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect([plan.release, plan.provider, plan.phases.map((p: { name: string }) => p.name)]).toEqual(['addressbook', 'service', ['stable', 'dark', 'canary-33', 'promote', 'rollback']]);
  });

  test('plan --format mermaid and markdown', () => {
    const plan = { ...planPath(path.join(root, 'dist', 'sockshop-istio')), path: 'dist/sockshop-istio' };
    const mermaid = spawn('plan', '--format', 'mermaid', 'dist/sockshop-istio');
    expect([mermaid.code, mermaid.stderr, mermaid.stdout]).toEqual([0, '', renderPlanMermaid(plan)]);
    const markdown = run('plan', '--format', 'markdown', 'dist/sockshop-istio');
    expect([markdown.code, markdown.stdout]).toEqual([0, renderPlanMarkdown(plan)]);
    expect(run('plan', '--phases', '--format', 'mermaid', 'dist/addressbook/stable', 'dist/addressbook/dark').stdout).toContain('  p0 --> p1\n');
  });

  test('prune-flags: the selector and one --prune-allowlist per kind of the release, for kubectl apply --prune', () => {
    const r = spawn('prune-flags', 'dist/sockshop-istio');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(
      '-l app.kubernetes.io/instance=sockshop-istio,app.kubernetes.io/managed-by=cdk8s-canary --prune-allowlist=apps/v1/Deployment --prune-allowlist=batch/v1/Job --prune-allowlist=core/v1/Service ' +
        '--prune-allowlist=networking.istio.io/v1/DestinationRule --prune-allowlist=networking.istio.io/v1/Gateway --prune-allowlist=networking.istio.io/v1/VirtualService\n',
    );
    const plainYaml = run('prune-flags', 'test/fixtures/seeds/vamp-sava');
    expect([plainYaml.code, plainYaml.stdout]).toEqual([2, '']);
    expect(plainYaml.stderr).toMatch(/^error: test\/fixtures\/seeds\/vamp-sava: no release\.json: /);
    expect(run('prune-flags', 'dist/addressbook', 'dist/appinfo').stderr).toMatch(/^error: prune-flags: give one release folder/);
    expect(run('prune-flags', '--format', 'json', 'dist/addressbook').stderr).toMatch(/^error: prune-flags: takes no --format/);
    expect(run('prune-flags', 'dist/nothing-here')).toEqual({ code: 2, stdout: '', stderr: 'error: cannot read dist/nothing-here: no such file or folder\n' });
  });

  test('prune-flags reads release.json alone: the phases are not parsed, a broken declaration is exit 2', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'prune-flags-'));
    try {
      fs.cpSync(path.join(root, 'dist/addressbook'), copy, { recursive: true });
      const expected = run('prune-flags', 'dist/addressbook').stdout;
      expect(expected).toMatch(/^-l app\.kubernetes\.io\/instance=addressbook,/);
      // A manifest that is not YAML is the verifier's to report (and kubectl's to refuse), not a reason to print no flags.
      fs.writeFileSync(path.join(copy, 'stable', 'manifest.yaml'), 'kind: [\n');
      expect(run('prune-flags', copy)).toEqual({ code: 0, stdout: expected, stderr: '' });
      fs.writeFileSync(path.join(copy, 'release.json'), '{ "apiVersion": "cdk8s-canary/v1" ');
      const broken = run('prune-flags', copy);
      expect([broken.code, broken.stdout]).toEqual([2, '']);
      expect(broken.stderr).toMatch(/^error: cannot read .*release\.json: not valid JSON/);
      expect(run('prune-flags', 'dist/addressbook/stable/manifest.yaml').stderr).toMatch(/^error: dist\/addressbook\/stable\/manifest\.yaml: no release\.json: /);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('verify --format json: one object per finding, with the file and line of its object', () => {
    const r = run('verify', '--format', 'json', 'test/fixtures/seeds/semaphore-addressbook');
    expect([r.code, r.stderr]).toEqual([1, '']);
    const findings = JSON.parse(r.stdout);
    expect(r.stdout.split('\n')).toHaveLength(findings.length + 3);
    expect(findings).toContainEqual({
      release: 'semaphore-addressbook',
      phase: '2-canary',
      object: 'Deployment/addressbook-canary',
      field: 'spec.selector',
      check: 'wiring',
      message: 'app=addressbook also matches the pods of Deployment/addressbook-stable: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors',
      file: 'test/fixtures/seeds/semaphore-addressbook/2-canary/addressbook-canary.yml',
      line: lineOf('test/fixtures/seeds/semaphore-addressbook/2-canary/addressbook-canary.yml', 'apiVersion:'),
    });
    for (const f of findings) expect(Object.keys(f).slice(0, 6)).toEqual(['release', 'phase', 'object', 'field', 'check', 'message']);
    expect(run('verify', '--format', 'json', 'dist')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  test('verify --format github: a workflow command per finding, on the file and line of its object', () => {
    const r = run('verify', '--format', 'github', 'test/fixtures/seeds/semaphore-addressbook');
    expect(r.code).toBe(1);
    const file = 'test/fixtures/seeds/semaphore-addressbook/2-canary/addressbook-canary.yml';
    expect(r.stdout.split('\n')).toContain(
      `::error file=${file},line=${lineOf(file, 'apiVersion:')},title=cdk8s-canary wiring%3A Deployment/addressbook-canary::semaphore-addressbook/2-canary: Deployment/addressbook-canary: spec.selector: app=addressbook also matches the pods of Deployment/addressbook-stable: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors [wiring]`,
    );
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).every((l) => l.startsWith('::error file=test/fixtures/seeds/semaphore-addressbook/'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^✗ semaphore-addressbook \(.*\): \d+ findings in 3 phases/);
    // The example of docs/verify.md is this output.
    const documented = fs.readFileSync(path.join(root, 'docs/verify.md'), 'utf8').match(/```\n(::error [^\n]*\n✗ [^\n]*\n)```/)?.[1];
    for (const line of documented!.trimEnd().split('\n')) expect(lines).toContain(line);
    const unreadable = run('verify', '--format', 'github', 'test/fixtures/seeds/istio-sockshop-as-quoted');
    expect([unreadable.code, unreadable.stderr]).toEqual([2, '']);
    expect(unreadable.stdout).toBe(
      '::error file=test/fixtures/seeds/istio-sockshop-as-quoted/2-logged-in-users/virtual-service.yml,line=16,title=cdk8s-canary%3A unreadable input::' +
        'cannot read test/fixtures/seeds/istio-sockshop-as-quoted/2-logged-in-users/virtual-service.yml: line 16, column 1: not valid YAML: All mapping items must start at the same column\n',
    );
  });

  test('verify and plan take the output folder itself: every release under it, one summary line each and one exit code', () => {
    const releases = fs.readdirSync(path.join(root, 'dist')).filter((d) => fs.existsSync(path.join(root, 'dist', d, 'release.json'))).sort();
    const clean = spawn('verify', 'dist');
    expect([clean.code, clean.stderr]).toEqual([0, '']);
    expect(clean.stdout.trimEnd().split('\n').map((l) => l.match(/^✓ (\S+) \(dist\/\1\): \d+ phases?, \d+ transitions?, no findings$/)?.[1])).toEqual(releases);
    expect(run('verify', 'dist/').stdout).toBe(clean.stdout.replace(/\(dist\//g, '(dist/'));
    expect(run('plan', 'dist').stdout).toBe(releases.map((name) => renderPlanTable(planPath(path.join('dist', name)))).join('\n'));
    expect(JSON.parse(run('plan', '--format', 'json', 'dist').stdout).map((p: { release: string }) => p.release)).toEqual(releases);
    expect(run('plan', '--format', 'mermaid', 'dist').stderr).toMatch(/^error: plan --format mermaid draws one release, not \d+: give one release folder/);

    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-output-'));
    try {
      fs.cpSync(path.join(root, 'dist'), copy, { recursive: true });
      const manifest = path.join(copy, 'appinfo', 'stable', 'manifest.yaml');
      fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'));
      const r = run('verify', copy);
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => /^[✓✗]/.test(l))).toHaveLength(releases.length);
      expect(r.stdout).toMatch(/\n✗ appinfo \(.*appinfo\): \d+ findings? in 5 phases, 5 transitions\n/);
      fs.writeFileSync(path.join(copy, 'seamless', 'release.json'), '{');
      const broken = run('verify', copy);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/^error: cannot read .*seamless\/release\.json: not valid JSON/);
      expect(broken.stdout.split('\n').filter((l) => /^[✓✗]/.test(l))).toHaveLength(releases.length - 1);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-empty-'));
    fs.mkdirSync(path.join(empty, 'notes'));
    expect(run('verify', empty)).toEqual({ code: 2, stdout: '', stderr: `error: cannot read ${empty}: no release.json, no YAML files and no sub-folders with YAML files\n` });
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test('npm run verify is verify of the whole output folder', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.verify).toBe('node tools/run.js lib/cli/main.ts verify dist');
  });

  test('verify --phases: files or folders as the phases of one release, in order', () => {
    const seeds = 'test/fixtures/seeds/semaphore-addressbook';
    const r = run('verify', '--phases', '--name', 'semaphore', `${seeds}/1-stable`, `${seeds}/2-canary`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ semaphore \(.*\): 17 findings in 2 phases, 1 transition\n$/);
  });

  test('bad arguments: exit 2 with the usage', () => {
    const r = run('verify', '--format', 'xml', 'dist/addressbook');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: verify: --format must be text, github or json, not "xml"\n\nUsage:/);
    expect(run('plan', '--format', 'svg', 'dist/addressbook').stderr).toMatch(/^error: plan: --format must be table, json, mermaid or markdown, not "svg"/);
    expect(run('deploy').stderr).toMatch(/^error: unknown command "deploy"/);
    expect(run('verify', '--bogus', 'x').code).toBe(2);
    expect([run().code, run('--help').code]).toEqual([2, 0]);
    noStackTrace(r.stderr);
  });
});
