import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CanaryApp, Gate, synthesize } from '../../lib';
import { runCommand } from '../../lib/cli/verify-command';
import { requireTools, which } from '../support/gate-tools';

const root = path.join(__dirname, '..', '..');
// The real kubectl evaluates the script's jsonpath; it needs no cluster for that.
const REAL_KUBECTL = which('kubectl') ?? '';
const withKubectl = requireTools('the gate command with kubectl evaluating its jsonpath', ['kubectl']) ? describe : describe.skip;
let dir: string;
let dist: string;

/**
 * A kubectl that answers `get job/<name>` from the lines of `$STATE/<name>`, one per call
 * (the last one again once they run out): the types of the Job's true conditions, RUNNING
 * for none, or NOTFOUND, which fails as kubectl does for a missing Job. The Job it stands
 * for is handed to the real kubectl (`kubectl label --local`, which needs no server) with
 * the script's own `-o jsonpath=...`, so the template is evaluated as in a cluster. It
 * prints a log for `logs`, and records every call in `$STATE/calls`.
 */
const FAKE_KUBECTL = [
  '#!/bin/sh',
  'echo "$*" >> "$STATE/calls"',
  'case "$1" in',
  '  logs) echo "log of $2"; exit 0 ;;',
  'esac',
  'job="${2#job/}"; output=""; previous=""',
  'for a in "$@"; do if [ "$previous" = -o ]; then output="$a"; fi; previous="$a"; done',
  'n=$(cat "$STATE/$job.n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STATE/$job.n"',
  'line=$(sed -n "${n}p" "$STATE/$job"); [ -n "$line" ] || line=$(tail -n 1 "$STATE/$job")',
  'if [ "$line" = NOTFOUND ]; then echo "Error from server (NotFound): jobs.batch \\"$job\\" not found" >&2; exit 1; fi',
  '{',
  '  printf "apiVersion: batch/v1\\nkind: Job\\nmetadata: {name: %s}\\nstatus:\\n  conditions:\\n  - {type: Suspended, status: \\"False\\"}\\n" "$job"',
  '  if [ "$line" != RUNNING ]; then for t in $line; do printf "  - {type: %s, status: \\"True\\"}\\n" "$t"; done; fi',
  '} > "$STATE/$job.yaml"',
  'exec "$REAL_KUBECTL" label --local -f "$STATE/$job.yaml" probe=1 -o "$output"',
].join('\n');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-command-'));
  dist = path.join(dir, 'dist');
  const app = Testing.app();
  new CanaryApp(app, 'shop', {
    namespace: 'web',
    stableImage: 'acme/shop:1.0.0',
    canaryImage: 'acme/shop:1.1.0',
    gates: {
      dark: [Gate.http({ expectBody: 'ok' })],
      'canary-33': [
        Gate.prometheus({ address: 'http://prometheus:9090', query: 'up', successCondition: 'result == 1', count: 2, intervalSeconds: 10 }),
        Gate.job({ name: 'e2e', image: 'acme/e2e:3.2.1', command: ['/e2e', '--version', '{{version}}'] }),
      ],
    },
  });
  synthesize(app, dist);
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function printed(phase: string): string {
  let stdout = '';
  let stderr = '';
  expect(runCommand(['gate', '--print', path.join(dist, 'shop', phase)], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })).toBe(0);
  expect(stderr).toBe('');
  return stdout;
}

/** Runs a printed script with a shell, the stand-in kubectl and the answers of each Job. */
function runPrinted(shell: string[], script: string, answers: { [job: string]: string[] }) {
  const state = fs.mkdtempSync(path.join(dir, 'state-'));
  for (const [job, lines] of Object.entries(answers)) fs.writeFileSync(path.join(state, job), lines.join('\n') + '\n');
  const r = spawnSync(shell[0], [...shell.slice(1), '-c', script], {
    env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, STATE: state, GATE_POLL_SECONDS: '0', REAL_KUBECTL },
    encoding: 'utf8',
    timeout: 20000,
  });
  const calls = fs.existsSync(path.join(state, 'calls')) ? fs.readFileSync(path.join(state, 'calls'), 'utf8').trim().split('\n') : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

const shells: string[][] = [['/bin/sh'], ...(which('busybox') ? [[which('busybox')!, 'sh']] : [])];
const DARK = 'shop-smoke-dark-1-1-0';
const ANALYSIS = 'shop-analysis-canary-33-1-1-0';
const E2E = 'shop-e2e-canary-33-1-1-0';

withKubectl('cdk8s-canary gate --print: a script that needs kubectl alone', () => {
  test('waits for each gate Job of the phase, in the namespace of the release, as long as its deadline and a minute', () => {
    const script = printed('canary-33');
    expect(script).toContain(`gate ${ANALYSIS} 160 -n web || exit 1\ngate ${E2E} 660 -n web || exit 1\n`);
    expect(printed('dark')).toContain(`gate ${DARK} 130 -n web || exit 1\n`);
    expect(printed('promote')).toContain('echo "shop/promote has no gates"');
  });

  describe.each(shells.map((s) => [s.join(' '), s]))('run with %s', (_name, shell) => {
    test('passes when every Job completes, printing the kubectl calls', () => {
      const r = runPrinted(shell, printed('canary-33'), { [ANALYSIS]: ['RUNNING', 'RUNNING', 'Complete'], [E2E]: ['SuccessCriteriaMet Complete'] });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.calls).toEqual([
        ...Array(3).fill(`get job/${ANALYSIS} -n web -o jsonpath={.status.conditions[?(@.status=="True")].type}`),
        `get job/${E2E} -n web -o jsonpath={.status.conditions[?(@.status=="True")].type}`,
      ]);
      expect(r.stdout).toContain(`+ kubectl get job/${ANALYSIS} -n web -o jsonpath={.status.conditions[?(@.status=="True")].type}`);
      expect(r.stdout).toContain(`gate passed: job/${ANALYSIS}\n`);
      expect(r.stdout).toContain('every gate of shop/canary-33 passed (2)');
    });

    test('fails at the first failed Job, with its logs, without waiting for the others', () => {
      const r = runPrinted(shell, printed('canary-33'), { [ANALYSIS]: ['RUNNING', 'FailureTarget Failed'], [E2E]: ['Complete'] });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`gate failed: job/${ANALYSIS} (FailureTarget Failed)`);
      expect(r.stderr).toContain(`log of job/${ANALYSIS}`);
      expect(r.calls.some((c) => c.includes(E2E))).toBe(false);
    });

    test('keeps asking while the Job is not found yet, and gives up at the deadline', () => {
      const script = printed('dark').replace(`gate ${DARK} 130`, `gate ${DARK} 3`);
      const r = runPrinted(shell, script.replace('POLL="${GATE_POLL_SECONDS:-5}"', 'POLL=1'), { [DARK]: ['NOTFOUND'] });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('not found');
      expect(r.stderr).toContain(`gate failed: job/${DARK} neither completed nor failed within 3s`);
      // One call a second for 3 s, counted in whole seconds of the clock: 3 to 5 calls.
      expect(r.calls.length).toBeGreaterThanOrEqual(3);
      expect(r.calls.length).toBeLessThanOrEqual(5);
    });
  });
});

withKubectl('cdk8s-canary gate', () => {
  test('runs the same script: exit 0 when the gates pass, 1 when one fails', () => {
    const state = fs.mkdtempSync(path.join(dir, 'state-'));
    const env = { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, STATE: state, GATE_POLL_SECONDS: '0', REAL_KUBECTL };
    const spawn = () => spawnSync(process.execPath, ['tools/run.js', 'lib/cli/main.ts', 'gate', path.join(dist, 'shop', 'dark')], { cwd: root, env, encoding: 'utf8' });
    fs.writeFileSync(path.join(state, DARK), 'Complete\n');
    const passed = spawn();
    expect([passed.status, passed.stdout]).toEqual([0, expect.stringContaining(`gate passed: job/${DARK}`)]);
    fs.writeFileSync(path.join(state, DARK), 'Failed\n');
    fs.rmSync(path.join(state, `${DARK}.n`));
    const failed = spawn();
    expect([failed.status, failed.stderr]).toEqual([1, expect.stringContaining(`gate failed: job/${DARK} (Failed)`)]);
  });

  test('refuses anything but one phase, and says what it cannot read', () => {
    const out = { stdout: () => undefined, stderr: () => undefined };
    expect(runCommand(['gate'], out)).toBe(2);
    expect(runCommand(['gate', 'a', 'b'], out)).toBe(2);
    expect(runCommand(['gate', path.join(dir, 'nothing-here')], out)).toBe(2);
    expect(runCommand(['plan', '--print', path.join(dist, 'shop')], out)).toBe(2);
  });
});
