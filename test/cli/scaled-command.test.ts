import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CanaryApp, Gateway, Release, synthesize, Traffic } from '../../lib';
import { runCommand } from '../../lib/cli/verify-command';

let dir: string;
let dist: string;

/**
 * A kubectl that answers `get deployment/<name> -o jsonpath={.status.availableReplicas}` from
 * the lines of `$STATE/<name>`, one per call (the last one again once they run out): a count,
 * NONE for a Deployment whose status has no availableReplicas yet (kubectl prints nothing), or
 * NOTFOUND, which fails as kubectl does. `get hpa/...` prints a condition. Every call is
 * recorded in `$STATE/calls`.
 */
const FAKE_KUBECTL = [
  '#!/bin/sh',
  'printf "%s\\n" "$*" >> "$STATE/calls"',
  'case "$2" in hpa/*) echo "ScalingActive=False FailedGetResourceMetric: no metrics"; exit 0 ;; esac',
  'name="${2#deployment/}"',
  'n=$(cat "$STATE/$name.n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STATE/$name.n"',
  'line=$(sed -n "${n}p" "$STATE/$name"); [ -n "$line" ] || line=$(tail -n 1 "$STATE/$name")',
  'case "$line" in',
  '  NOTFOUND) echo "Error from server (NotFound): deployments.apps \\"$name\\" not found" >&2; exit 1 ;;',
  '  NONE) exit 0 ;;',
  '  *) printf %s "$line" ;;',
  'esac',
].join('\n');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaled-command-'));
  dist = path.join(dir, 'dist');
  const app = Testing.app();
  new Gateway(app, 'shop', {
    namespace: 'web',
    provider: Traffic.istio(),
    versions: { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 2, autoscaling: { minReplicas: 4, maxReplicas: 8 } } },
    phases: [Release.to('v1'), Release.to('v1').withDark('v2').named('dark'), Release.split({ v1: 50, v2: 50 }).named('half')],
    autoscaling: { maxReplicas: 10 },
  });
  new CanaryApp(app, 'plain', { stableImage: 'acme/plain:1.0.0', canaryImage: 'acme/plain:1.1.0' });
  synthesize(app, dist);
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function printed(release: string, phase: string): string {
  let stdout = '';
  let stderr = '';
  expect(runCommand(['wait-scaled', '--print', path.join(dist, release, phase)], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })).toBe(0);
  expect(stderr).toBe('');
  return stdout;
}

function run(script: string, answers: { [deployment: string]: string[] }, limit = 20) {
  const state = fs.mkdtempSync(path.join(dir, 'state-'));
  for (const [name, lines] of Object.entries(answers)) fs.writeFileSync(path.join(state, name), lines.join('\n') + '\n');
  const r = spawnSync('/bin/sh', ['-c', script], {
    env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, STATE: state, SCALE_POLL_SECONDS: '0', SCALE_WAIT_SECONDS: String(limit) },
    encoding: 'utf8',
    timeout: 20000,
  });
  const log = path.join(state, 'calls');
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

describe('cdk8s-canary wait-scaled', () => {
  test("lists every autoscaled Deployment of the phase with its autoscaler's minReplicas and namespace", () => {
    const script = printed('shop', 'dark');
    expect(script.split('\n').filter((l) => l.startsWith('scaled '))).toEqual(['scaled shop-v1 shop-v1 3 -n web || exit 1', 'scaled shop-v2 shop-v2 4 -n web || exit 1']);
    expect(printed('shop', 'v1').split('\n').filter((l) => l.startsWith('scaled '))).toEqual(['scaled shop-v1 shop-v1 3 -n web || exit 1']);
  });

  test('a release without autoscalers has nothing to wait for, and says so', () => {
    const script = printed('plain', 'canary-33');
    expect(script).not.toMatch(/^scaled /m);
    const r = run(script, {});
    expect([r.code, r.calls]).toEqual([0, []]);
    expect(r.stdout).toContain('plain/canary-33 has no autoscaled Deployment');
  });

  test("waits while a new Deployment runs the one pod it starts with, until the autoscaler's first sync brings minReplicas", () => {
    const r = run(printed('shop', 'dark'), { 'shop-v1': ['3'], 'shop-v2': ['NONE', 'NOTFOUND', '1', '1', '3', '4'] });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.startsWith('get deployment/shop-v2'))).toHaveLength(6);
    expect(r.calls[0]).toBe('get deployment/shop-v1 -n web -o jsonpath={.status.availableReplicas}');
    expect(r.stdout).toContain('deployment/shop-v2: 1 of 4 available');
    expect(r.stdout).toContain('scaled: deployment/shop-v2 has 4 available pods (minReplicas 4)');
    expect(r.stdout).toContain('every autoscaled Deployment of shop/dark has its minReplicas available (2)');
  });

  test('more pods than minReplicas (the autoscaler scaled up) is enough', () => {
    expect(run(printed('shop', 'v1'), { 'shop-v1': ['7'] }).code).toBe(0);
  });

  test("gives up after SCALE_WAIT_SECONDS with the autoscaler's conditions, and exits 1", () => {
    const r = run(printed('shop', 'dark'), { 'shop-v1': ['3'], 'shop-v2': ['1'] }, 1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not scaled: deployment/shop-v2 has 1 available pods, its autoscaler's minReplicas is 4 (waited 1s)");
    expect(r.stderr).toContain('ScalingActive=False FailedGetResourceMetric');
    expect(r.calls[r.calls.length - 1]).toMatch(/^get hpa\/shop-v2 -n web -o jsonpath=/);
  });

  test('refuses anything but one phase', () => {
    let stderr = '';
    expect(runCommand(['wait-scaled', path.join(dist, 'shop', 'v1'), path.join(dist, 'shop', 'dark')], { stdout: () => undefined, stderr: (t) => (stderr += t) })).toBe(2);
    expect(stderr).toContain('wait-scaled: give one phase folder');
  });
});
