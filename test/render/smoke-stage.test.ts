import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find, render, seedProps } from './staged-fixtures';

const { phases } = render(seedProps({ namespace: 'shop' }));
const job = find(phases.get('smoke')!, 'Job', 'smoke-test-frontend-v2-backend-v2');
const pod = job.spec.template.spec;
const container = pod.containers[0];
const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe('the smoke-test Job', () => {
  test('belongs to the smoke phase only, in the release namespace', () => {
    const jobs = [...phases].map(([p, objs]) => [p, objs.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)]);
    expect(jobs).toEqual([
      ['cleanup', []],
      ['initial-active', []],
      ['smoke', ['smoke-test-frontend-v2-backend-v2']],
      ['upgrade-active', []],
    ]);
    expect((job.metadata as { namespace?: string }).namespace).toBe('shop');
  });

  test('requests the smoke frontend and expects both versions under test', () => {
    expect(env.URL).toBe('http://frontend-smoke:80/');
    expect(env.EXPECT).toBe('frontend:v2 - backend:v2');
  });

  test('runs a pinned image under the restricted profile, with resources and bounded time', () => {
    expect(container.image).toBe('curlimages/curl:8.11.1');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } });
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(300);
    // Left unset on purpose: the finished Job stays for `kubectl wait` and is pruned by the next phase.
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  });

  test('is labelled so a pipeline can find and delete it to run it again, and no frontend Service selects it', () => {
    expect(job.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'smoke-test',
      'app.kubernetes.io/instance': 'seamless',
      'app.kubernetes.io/managed-by': 'cdk8s-canary',
      'deploy-stage': 'smoke',
    });
    expect(job.spec.template.metadata.labels['app.kubernetes.io/name']).not.toBe('frontend');
  });

  test('options change the request, the expected text and the timing', () => {
    const custom = render(seedProps({ smokeTest: { path: '/version', expect: '{frontendVersion}/{backendVersion}', attempts: 3, intervalSeconds: 2, requestTimeoutSeconds: 4, image: 'curlimages/curl:8.10.1', runAsUser: 1000, backoffLimit: 2 } }));
    const j = find(custom.phases.get('smoke')!, 'Job', 'smoke-test-frontend-v2-backend-v2');
    const c = j.spec.template.spec.containers[0];
    const e = Object.fromEntries(c.env.map((v: { name: string; value: string }) => [v.name, v.value]));
    expect(e).toEqual({ URL: 'http://frontend-smoke:80/version', EXPECT: 'v2/v2', ATTEMPTS: '3', INTERVAL: '2', TIMEOUT: '4' });
    expect([c.image, j.spec.template.spec.securityContext.runAsUser, j.spec.backoffLimit, j.spec.activeDeadlineSeconds]).toEqual(['curlimages/curl:8.10.1', 1000, 2, 300]);
  });
});

describe('the smoke-test script, run with a stand-in curl', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-'));
    // Answers one line of `answers` per call (the last one again once they run out); FAIL fails like curl.
    fs.writeFileSync(
      path.join(dir, 'curl'),
      [
        '#!/bin/sh',
        'n=$(cat "$STUB/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STUB/count"',
        'echo "$*" >> "$STUB/calls"',
        'line=$(sed -n "${n}p" "$STUB/answers"); [ -n "$line" ] || line=$(tail -n 1 "$STUB/answers")',
        'if [ "$line" = FAIL ]; then echo "curl: (7) Failed to connect" >&2; exit 7; fi',
        'printf "%s" "$line"',
      ].join('\n'),
      { mode: 0o755 },
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(answers: string[], expectText = env.EXPECT): { code: number | null; calls: string[]; out: string; err: string } {
    fs.writeFileSync(path.join(dir, 'answers'), answers.join('\n') + '\n');
    const r = spawnSync('/bin/sh', ['-c', container.command[2]], {
      env: { PATH: `${dir}:/usr/bin:/bin`, STUB: dir, URL: env.URL, EXPECT: expectText, ATTEMPTS: '3', INTERVAL: '0', TIMEOUT: '2' },
      encoding: 'utf8',
    });
    const calls = fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : [];
    return { code: r.status, calls, out: r.stdout, err: r.stderr };
  }

  test('the Job runs it with sh -c', () => {
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  });

  test('succeeds at once when the answer names the expected versions', () => {
    const r = run(['frontend:v2 - backend:v2']);
    expect([r.code, r.calls.length, r.out]).toEqual([0, 1, 'passed: frontend:v2 - backend:v2\n']);
    expect(r.calls[0]).toBe('--fail --silent --show-error --max-time 2 http://frontend-smoke:80/');
  });

  test('retries while the smoke frontend is not reachable yet, then succeeds', () => {
    expect(run(['FAIL', 'FAIL', 'frontend:v2 - backend:v2']).code).toBe(0);
  });

  test('fails when the frontend answers with another backend version', () => {
    const r = run(['frontend:v2 - backend:v1']);
    expect([r.code, r.calls.length]).toEqual([1, 3]);
    expect(r.err).toContain('failed: no answer from http://frontend-smoke:80/ contained "frontend:v2 - backend:v2" in 3 attempts');
  });

  test('fails when the frontend never answers', () => {
    expect(run(['FAIL']).code).toBe(1);
  });

  test('takes the expected text literally, never as a pattern', () => {
    expect(run(['frontend:v2 - backend:v2'], '*').code).toBe(1);
    expect(run(['a*b'], '*').code).toBe(0);
  });
});
