import { HTTP_GATE_SCRIPT } from '../../lib/render/gate-scripts';
import { find, render, seedProps } from './staged-fixtures';

const { phases } = render(seedProps({ namespace: 'shop' }));
const job = find(phases.get('smoke')!, 'Job', 'smoke-test-smoke-frontend-v2-backend-v2');
const pod = job.spec.template.spec;
const container = pod.containers[0];
const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe('the smoke test: the HTTP gate of the smoke phase', () => {
  test('belongs to the smoke phase only, in the release namespace', () => {
    const jobs = [...phases].map(([p, objs]) => [p, objs.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)]);
    expect(jobs).toEqual([
      ['cleanup', []],
      ['initial-active', []],
      ['smoke', ['smoke-test-smoke-frontend-v2-backend-v2']],
      ['upgrade-active', []],
    ]);
    expect((job.metadata as { namespace?: string }).namespace).toBe('shop');
  });

  test('requests the smoke frontend and expects both versions under test, passing at the first right answer of 24', () => {
    expect(container.command).toEqual(['/bin/sh', '-c', HTTP_GATE_SCRIPT]);
    expect(env).toEqual({
      GATE_RELEASE: 'seamless',
      GATE_PHASE: 'smoke',
      GATE_VERSIONS: 'frontend=v2,backend=v2',
      URL: 'http://frontend-smoke:80/',
      EXPECT_STATUS: undefined, // any 2xx: set, empty in the container (a variable with no value)
      EXPECT_BODY: 'frontend:v2 - backend:v2',
      COUNT: '24',
      INTERVAL: '5',
      INITIAL_DELAY: '0',
      FAILURE_LIMIT: '23',
      TIMEOUT: '5',
    });
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
    // A day: long enough for `cdk8s-canary gate` and the logs; the next phase's prune removes it sooner.
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
  });

  test('is labelled as a gate of the release, annotated with the versions under test, and no frontend Service selects it', () => {
    expect(job.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'smoke-test-smoke-frontend-v2-backend-v2',
      'app.kubernetes.io/instance': 'seamless',
      'app.kubernetes.io/managed-by': 'cdk8s-canary',
      'app.kubernetes.io/component': 'gate',
    });
    expect(job.metadata.annotations).toEqual({ 'cdk8s-canary.io/gate': 'http', 'cdk8s-canary.io/versions-under-test': 'frontend=v2,backend=v2' });
    expect(job.spec.template.metadata.labels['app.kubernetes.io/name']).not.toBe('frontend');
  });

  test('options change the request, the expected text and the timing', () => {
    const custom = render(seedProps({ smokeTest: { path: '/version', expect: '{frontendVersion}/{backendVersion}', attempts: 3, intervalSeconds: 2, requestTimeoutSeconds: 4, image: 'curlimages/curl:8.10.1', runAsUser: 1000, backoffLimit: 2 } }));
    const j = find(custom.phases.get('smoke')!, 'Job', 'smoke-test-smoke-frontend-v2-backend-v2');
    const c = j.spec.template.spec.containers[0];
    const e = Object.fromEntries(c.env.map((v: { name: string; value: string }) => [v.name, v.value]));
    expect([e.URL, e.EXPECT_BODY, e.COUNT, e.FAILURE_LIMIT, e.INTERVAL, e.TIMEOUT]).toEqual(['http://frontend-smoke:80/version', 'v2/v2', '3', '2', '2', '4']);
    // The deadline of every gate: 3 × (2 + 4) s of requests and a minute to start the pod.
    expect([c.image, j.spec.template.spec.securityContext.runAsUser, j.spec.backoffLimit, j.spec.activeDeadlineSeconds]).toEqual(['curlimages/curl:8.10.1', 1000, 2, 78]);
  });
});
