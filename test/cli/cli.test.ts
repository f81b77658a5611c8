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

  test('verify --format json: structured findings', () => {
    const r = run('verify', '--format', 'json', 'test/fixtures/seeds/semaphore-addressbook');
    expect(r.code).toBe(1);
    const { results, errors } = JSON.parse(r.stdout);
    expect(errors).toEqual([]);
    expect(results[0].findings).toContainEqual({
      check: 'wiring',
      release: 'semaphore-addressbook',
      phase: '2-canary',
      object: 'Deployment/addressbook-canary',
      field: 'spec.selector',
      message: 'app=addressbook also matches the pods of Deployment/addressbook-stable: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors',
    });
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
    expect(r.stderr).toMatch(/^error: verify: --format must be text or json, not "xml"\n\nUsage:/);
    expect(run('plan', '--format', 'svg', 'dist/addressbook').stderr).toMatch(/^error: plan: --format must be table, json, mermaid or markdown, not "svg"/);
    expect(run('deploy').stderr).toMatch(/^error: unknown command "deploy"/);
    expect(run('verify', '--bogus', 'x').code).toBe(2);
    expect(run('plan', 'dist/addressbook', 'dist/appinfo').stderr).toMatch(/^error: plan: give one release/);
    expect([run().code, run('--help').code]).toEqual([2, 0]);
    noStackTrace(r.stderr);
  });
});
