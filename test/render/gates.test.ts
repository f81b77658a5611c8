import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, CanaryStep, EnvValue, Gate, Gateway, PhaseGates, Release, StagedRelease, Traffic } from '../../lib';
import { Doc, find, phasesOf } from '../support/manifests';
import { configError } from '../support/errors';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }] };
const canary = (gates: PhaseGates, props: Partial<CanaryAppProps> = {}) => new CanaryApp(Testing.app(), 'shop', { ...base, ...props, gates });
const envOf = (job: Doc) => Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
const jobs = (app: CanaryApp | Gateway | StagedRelease) => [...phasesOf(app)].map(([p, docs]) => [p, docs.filter((d) => d.kind === 'Job').map((d) => d.metadata.name)]);
const PROMETHEUS = { address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors{version="{{canaryVersion}}"}[{{interval}}]))', successCondition: 'result < 1' };

describe('gates of a CanaryApp', () => {
  test('a Job per gate and phase, named with the app, the gate, the phase and the version under test', () => {
    const app = canary({ dark: [Gate.http()], 'canary-25': [Gate.prometheus(PROMETHEUS)], 'canary-50': [Gate.prometheus(PROMETHEUS)] }, { replicas: 4, steps: [CanaryStep.weight(25), CanaryStep.weight(50)] });
    expect(jobs(app)).toEqual([
      ['stable', []],
      ['dark', ['shop-smoke-dark-1-1-0']],
      ['canary-25', ['shop-analysis-canary-25-1-1-0']],
      ['canary-50', ['shop-analysis-canary-50-1-1-0']],
      ['promote', []],
      ['rollback', []],
    ]);
    // Another release tests another version: another Job, since a Job's template is immutable.
    const next = canary({ dark: [Gate.http()] }, { stableImage: 'acme/shop:1.1.0', canaryImage: 'acme/shop:1.2.0' });
    expect(jobs(next)[1]).toEqual(['dark', ['shop-smoke-dark-1-2-0']]);
  });

  test('backoffLimit 0, a deadline of initialDelay + count × (interval + timeout) + 60 s, a TTL, a restricted pod', () => {
    const app = canary({ dark: [Gate.prometheus({ ...PROMETHEUS, count: 4, intervalSeconds: 30, initialDelaySeconds: 20, timeoutSeconds: 5 })] });
    const job = find(phasesOf(app).get('dark')!, 'Job', 'shop-analysis-dark-1-1-0');
    expect([job.spec.backoffLimit, job.spec.activeDeadlineSeconds, job.spec.ttlSecondsAfterFinished]).toEqual([0, 20 + 4 * 35 + 60, 86400]);
    const pod = job.spec.template.spec;
    expect([pod.restartPolicy, pod.automountServiceAccountToken, pod.securityContext]).toEqual(['Never', false, { runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: 'RuntimeDefault' } }]);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.containers[0].image).toBe('curlimages/curl:8.11.1');
  });

  test('the versions under test reach the query: placeholders filled, the interval as a duration', () => {
    const app = canary({ 'canary-33': [Gate.prometheus({ ...PROMETHEUS, intervalSeconds: 30, query: 'x{v="{{canaryVersion}}",s="{{stableVersion}}",r="{{release}}",p="{{phase}}"}[{{interval}}]' })] });
    const env = envOf(find(phasesOf(app).get('canary-33')!, 'Job', 'shop-analysis-canary-33-1-1-0'));
    expect(env.QUERY).toBe('x{v="1.1.0",s="1.0.0",r="shop",p="canary-33"}[30s]');
    expect(app.declaration.phases[2].gates).toEqual([
      {
        name: 'analysis',
        job: 'shop-analysis-canary-33-1-1-0',
        kind: 'prometheus',
        versions: '1.1.0',
        target: 'http://prometheus.monitoring:9090',
        count: 5,
        intervalSeconds: 30,
        initialDelaySeconds: 0,
        failureLimit: 0,
        timeoutSeconds: 10,
        activeDeadlineSeconds: 260,
        query: 'x{v="1.1.0",s="1.0.0",r="shop",p="canary-33"}[30s]',
        successCondition: 'result < 1',
      },
    ]);
    expect(app.declaration.phases[0]).not.toHaveProperty('gates');
  });

  test("an HTTP gate requests the preview Service while a canary runs, the production Service otherwise, on a port by number or name", () => {
    const app = canary({ dark: [Gate.http({ port: 'http', path: '/health' })], promote: [Gate.http({ name: 'after', port: 80 })] }, { service: { name: 'shop-lb' } });
    expect(envOf(find(phasesOf(app).get('dark')!, 'Job', 'shop-smoke-dark-1-1-0')).URL).toBe('http://shop-canary:80/health');
    expect(envOf(find(phasesOf(app).get('promote')!, 'Job', 'shop-after-promote-1-1-0')).URL).toBe('http://shop-lb:80/');
  });

  test('a job gate runs the image and command given, with the release, phase and versions in its environment', () => {
    const app = canary({ 'canary-33': [Gate.job({ name: 'e2e', image: 'acme/e2e:2.0.0', command: ['/run', '--version={{version}}'], env: { TARGET: 'http://{{service}}' } })] });
    const job = find(phasesOf(app).get('canary-33')!, 'Job', 'shop-e2e-canary-33-1-1-0');
    const c = job.spec.template.spec.containers[0];
    expect([c.image, c.command, job.spec.activeDeadlineSeconds, job.spec.template.spec.securityContext.runAsUser]).toEqual(['acme/e2e:2.0.0', ['/run', '--version=1.1.0'], 600, 65532]);
    expect(envOf(job)).toEqual({ GATE_RELEASE: 'shop', GATE_PHASE: 'canary-33', GATE_VERSIONS: '1.1.0', TARGET: 'http://shop' });
  });
});

describe('gates of a Gateway and a StagedRelease', () => {
  test("a Gateway phase gates the versions it adds; an HTTP gate requests the first one's own Service when the provider renders one", () => {
    const gateway = new Gateway(Testing.app(), 'front-end', {
      provider: Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }] }),
      versions: { v1: { image: 'acme/fe:1' }, v2: { image: 'acme/fe:2' } },
      phases: [Release.to('v1'), Release.to('v1').withDark('v2'), Release.split({ v1: 90, v2: 10 })],
      gates: { 'v1-dark-v2': [Gate.http()], 'split-90-10': [Gate.prometheus({ ...PROMETHEUS, query: 'errors{version="{{version}}"}' })], v1: [Gate.http({ name: 'base' })] },
    });
    expect(jobs(gateway)).toEqual([
      ['v1', ['front-end-base-v1-v1']],
      ['v1-dark-v2', ['front-end-smoke-v1-dark-v2-v2']],
      ['split-90-10', ['front-end-analysis-split-90-10-v2']],
    ]);
    const phases = phasesOf(gateway);
    expect(envOf(find(phases.get('v1-dark-v2')!, 'Job', 'front-end-smoke-v1-dark-v2-v2')).URL).toBe('http://front-end-v2:8080/');
    expect(envOf(find(phases.get('split-90-10')!, 'Job', 'front-end-analysis-split-90-10-v2')).QUERY).toBe('errors{version="v2"}');
  });

  test('a StagedRelease adds its own gates after the smoke test, with both tiers under test', () => {
    const staged = new StagedRelease(Testing.app(), 'seamless', {
      active: { version: 'v1', frontendImage: 'fe:v1', backendImage: 'be:v1' },
      smoke: { version: 'v2', frontendImage: 'fe:v2', backendImage: 'be:v2' },
      gates: { smoke: [Gate.job({ name: 'load', image: 'acme/k6:0.50.0', command: ['k6', 'run', '--env', 'V={{frontendVersion}}/{{backendVersion}}'] })], 'upgrade-active': [Gate.http({ service: 'frontend-active' })] },
    });
    expect(jobs(staged)).toEqual([
      ['initial-active', []],
      ['smoke', ['smoke-test-smoke-frontend-v2-backend-v2', 'load-smoke-frontend-v2-backend-v2']],
      ['upgrade-active', ['smoke-upgrade-active-frontend-v2-backend-v2']],
      ['cleanup', []],
    ]);
    expect(staged.declaration.phases[1].gates!.map((g) => g.job)).toEqual(['smoke-test-smoke-frontend-v2-backend-v2', 'load-smoke-frontend-v2-backend-v2']);
  });
});

describe('bad gates are one-line ReleaseConfigErrors naming the field', () => {
  const error = (gates: unknown, props: Partial<CanaryAppProps> = {}) => {
    const e = configError(() => canary(gates as PhaseGates, props));
    return [e.field, e.message.replace(/^shop: [^:]+: /, '')];
  };

  test('a gate on a phase that does not exist', () => {
    expect(error({ 'canary-50': [Gate.http()] })).toEqual(['gates.canary-50', '"canary-50" is invalid; expected the name of a phase of the release (stable, dark, canary-33, promote, rollback)']);
  });

  test('not a gate', () => {
    expect(error({ dark: [{ path: '/' }] })[0]).toBe('gates.dark[0]');
    expect(error({ dark: Gate.http() })[1]).toMatch(/a list of gates/);
  });

  test('an empty or unbalanced PromQL query', () => {
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, query: '  ' })] })).toEqual(['gates.dark[0].query', '"  " is invalid; expected a non-empty PromQL query, e.g. sum(rate(http_requests_total{status=~"5.."}[5m]))']);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, query: 'sum(rate(x[5m])' })] })[1]).toMatch(/balanced brackets: "\(" opened at character 4 is never closed$/);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, query: 'sum(x{a="b"]))' })] })[1]).toMatch(/"\]" at character 12 closes "\{" opened at character 6$/);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, query: 'x{a="b)}' })] })[1]).toMatch(/string literal opened at character 5/);
    // Brackets inside strings and comments do not count.
    expect(() => canary({ dark: [Gate.prometheus({ ...PROMETHEUS, query: 'x{a=~"(b"} # )' })] })).not.toThrow();
  });

  test('a count or interval of 0, a failureLimit not below count', () => {
    expect(error({ dark: [Gate.http({ count: 0 })] })).toEqual(['gates.dark[0].count', '0 is invalid; expected an integer from 1 to 1000']);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, intervalSeconds: 0 })] })).toEqual(['gates.dark[0].intervalSeconds', '0 is invalid; expected an integer from 1 to 3600']);
    expect(error({ dark: [Gate.http({ count: 3, failureLimit: 3 })] })).toEqual(['gates.dark[0].failureLimit', '3 is invalid; expected an integer from 0 to 2']);
  });

  test('an HTTP gate on a Service the phase lacks, or a port its Service lacks', () => {
    expect(error({ stable: [Gate.http({ service: 'shop-canary' })] })).toEqual(['gates.stable[0].service', '"shop-canary" is invalid; expected a Service of phase "stable" (shop)']);
    expect(error({ dark: [Gate.http({ port: 8080 })] })).toEqual(['gates.dark[0].port', '8080 is invalid; expected a port of the Service shop-canary in phase "dark": 80 (http)']);
    expect(error({ dark: [Gate.http({ port: 'metrics' })] })[0]).toBe('gates.dark[0].port');
  });

  test('a success condition that cannot be parsed, or both a condition and a threshold', () => {
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, successCondition: 'result[0] < 0.01' })] })).toEqual([
      'gates.dark[0].successCondition',
      '"result[0] < 0.01" is invalid; expected comparisons of result with numbers joined by && or ||, e.g. "result < 0.01" or "result >= 0.95 && result <= 1" (cannot read "result[0] < 0.01")',
    ]);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, successCondition: 'result < 1; system("x")' })] })[0]).toBe('gates.dark[0].successCondition');
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, threshold: { max: 1 } })] })[0]).toBe('gates.dark[0].successCondition');
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, successCondition: undefined, threshold: { min: 2, max: 1 } })] })).toEqual(['gates.dark[0].threshold.min', '2 is invalid; expected at most max (1)']);
  });

  test('an unknown placeholder, a Prometheus address that is not http(s), an image not pinned, two gates of one name', () => {
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, query: 'x{v="{{canary}}"}' })] })[1]).toMatch(/placeholders among .*\{\{canaryVersion\}\}.* \(not \{\{canary\}\}\)$/);
    expect(error({ dark: [Gate.prometheus({ ...PROMETHEUS, address: 'prometheus:9090' })] })[0]).toBe('gates.dark[0].address');
    expect(error({ dark: [Gate.job({ image: 'acme/e2e', command: ['run'] })] })[0]).toBe('gates.dark[0].image');
    expect(error({ dark: [Gate.http(), Gate.http({ path: '/x' })] })).toEqual(['gates.dark[1].name', '"smoke" is invalid; expected a name other than that of another gate of phase "dark" (both Jobs would be shop-smoke-dark-1-1-0)']);
  });

  test('a Job name over 63 characters', () => {
    expect(error({ dark: [Gate.http({ name: 'a-very-long-gate-name-for-a-smoke-test' })] }, { canaryVersion: 'release-candidate-2024' })[1]).toMatch(/a shorter gate name: the Job "shop-a-very-long-gate-name-for-a-smoke-test-dark-release-candidate-2024" .* at most 63 characters$/);
  });
});

test('an empty variable is written as a name alone, as the API server stores it, so live and manifest stay equal', () => {
  const app = canary({ dark: [Gate.http()] }, { env: { LOG_PREFIX: EnvValue.fromValue('') } });
  const dark = phasesOf(app).get('dark')!;
  const gateEnv = find(dark, 'Job', 'shop-smoke-dark-1-1-0').spec.template.spec.containers[0].env;
  const appEnv = find(dark, 'Deployment', 'shop-canary').spec.template.spec.containers[0].env;
  expect(gateEnv.find((e: { name: string }) => e.name === 'EXPECT_BODY')).toEqual({ name: 'EXPECT_BODY' });
  expect(appEnv).toContainEqual({ name: 'LOG_PREFIX' });
  for (const e of [...gateEnv, ...appEnv]) expect(e.value).not.toBe('');
});
