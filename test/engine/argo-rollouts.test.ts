import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, CanaryStep, CapacityMode, Engine, formatFinding, Gate, loadOutput, renderApp, verifyRelease } from '../../lib';
import { basicCanaryCounts, weightsFor } from '../../lib/engine/argo-rollouts/basic-canary';
import { everySeries } from '../../lib/engine/argo-rollouts/analysis-template';
import { configError } from '../support/errors';
import { Doc, find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const PROMETHEUS = 'http://prometheus.monitoring:9090';

function onArgo(props: Partial<CanaryAppProps> = {}) {
  const app = Testing.app();
  const release = new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', engine: Engine.argoRollouts(), ...props });
  return { app, release, phases: phasesOf(release) };
}

describe("Argo Rollouts' basic canary counts", () => {
  test.each([
    // The example of Argo Rollouts' documentation: 10 replicas at 10% are 1 canary and 9 stable pods.
    [10, 10, 1, { canary: 1, stable: 9 }],
    // A tie (1.5 canary pods) takes the larger count, with a surge pod: 2 and 2.
    [3, 50, 1, { canary: 2, stable: 2 }],
    [3, 33, 1, { canary: 1, stable: 2 }],
    // With a surge pod 25% of 3 is exact as 1 of 4; without one it cannot be.
    [3, 25, 1, { canary: 1, stable: 3 }],
    [3, 25, 0, { canary: 1, stable: 2 }],
    // A weight from 1 to 99 never leaves a track without pods.
    [5, 1, 0, { canary: 1, stable: 4 }],
    [5, 99, 0, { canary: 4, stable: 1 }],
    [5, 0, 1, { canary: 0, stable: 5 }],
    [5, 100, 1, { canary: 5, stable: 0 }],
  ])('%i replicas at %i%% with maxSurge %i', (replicas, weight, surge, expected) => {
    expect(basicCanaryCounts(replicas, weight, surge)).toEqual(expected);
  });

  test('the weight chosen for given counts is the one closest to their share, and none when no weight gives them', () => {
    expect(weightsFor(3, 1, 1, 2)[0]).toBe(33);
    expect(weightsFor(3, 1, 1, 3)[0]).toBe(25);
    expect(weightsFor(4, 1, 2, 2)[0]).toBe(50);
    expect(weightsFor(3, 0, 1, 3)).toEqual([]);
    expect(weightsFor(3, 1, 2, 3)).toEqual([]);
  });
});

describe('a CanaryApp on Argo Rollouts', () => {
  test('three folders: the Rollout runs the stable image, then the canary image, then the stable image again', () => {
    const { release, phases } = onArgo();
    expect([...phases.keys()]).toEqual(['stable', 'release', 'rollback']);
    const image = (p: string) => find(phases.get(p)!, 'Rollout', 'shop').spec.template.spec.containers[0].image;
    expect(['stable', 'release', 'rollback'].map(image)).toEqual(['acme/shop:1.0.0', 'acme/shop:1.1.0', 'acme/shop:1.0.0']);
    expect(release.declaration.engine).toBe('argo-rollouts');
    expect(release.declaration.transitions).toEqual([['stable', 'release'], ['release', 'rollback']]);
    for (const docs of phases.values()) expect(docs.filter((d) => d.kind === 'Deployment')).toEqual([]);
  });

  // Every replica count and every step the phases engine accepts with CONSTANT capacity: the
  // setWeight of each step gives, under the controller's rounding, the counts the step declares.
  test.each([2, 3, 4, 5, 7, 10, 20])('%i replicas: each setWeight gives the pod counts its step declares', (replicas) => {
    const steps = Array.from({ length: replicas - 1 }, (_, i) => CanaryStep.replicas(i + 1));
    const { release, phases } = onArgo({ replicas, steps });
    const rollout = find(phases.get('release')!, 'Rollout', 'shop');
    const canary = rollout.spec.strategy.canary;
    const weights = canary.steps.filter((s: Doc) => s.setWeight !== undefined).map((s: Doc) => s.setWeight);
    const declared = release.declaration.steps!.map((s) => s.addresses[0].routes[0].backends.map((b) => b.weight));
    expect(weights.map((w: number) => basicCanaryCounts(replicas, w, canary.maxSurge)).map((c: { canary: number; stable: number }) => [c.stable, c.canary])).toEqual(declared);
    expect(declared).toEqual(steps.map((_, i) => [replicas - i - 1, i + 1]));
  });

  test('a step without gates pauses for a person; a gated step runs its analyses instead', () => {
    const { release, phases } = onArgo({
      replicas: 4,
      steps: [CanaryStep.replicas(1), CanaryStep.replicas(2)],
      gates: { 'canary-50': [Gate.prometheus({ address: PROMETHEUS, query: 'sum(rate(errors_total{version="{{canaryVersion}}"}[1m]))', successCondition: 'result < 0.5', count: 3, failureLimit: 1 })] },
    });
    const docs = phases.get('release')!;
    expect(find(docs, 'Rollout', 'shop').spec.strategy.canary.steps).toEqual([
      { setWeight: 25 },
      { pause: {} },
      { setWeight: 50 },
      { analysis: { templates: [{ templateName: 'shop-analysis-canary-50-1-1-0' }] } },
    ]);
    expect(find(docs, 'AnalysisTemplate', 'shop-analysis-canary-50-1-1-0').spec.metrics).toEqual([
      {
        name: 'analysis',
        count: 3,
        interval: '60s',
        failureLimit: 1,
        successCondition: 'len(result) > 0 && all(result, {# < 0.5})',
        provider: { prometheus: { address: PROMETHEUS, query: 'sum(rate(errors_total{version="1.1.0"}[1m]))', timeout: 10 } },
      },
    ]);
    expect(release.declaration.steps!.map((s) => [s.name, s.pause, s.gates?.map((g) => g.job)])).toEqual([
      ['canary-25', {}, undefined],
      ['canary-50', undefined, ['shop-analysis-canary-50-1-1-0']],
    ]);
    // The templates are in every folder, so that no apply prunes one a running analysis needs.
    for (const p of ['stable', 'rollback']) expect(find(phases.get(p)!, 'AnalysisTemplate', 'shop-analysis-canary-50-1-1-0')).toBeDefined();
  });

  test("an HTTP gate runs the phases engine's gate Job as Argo's job provider, against the canaryService", () => {
    const { phases } = onArgo({ gates: { 'canary-33': [Gate.http({ path: '/healthz', expectStatus: 204 })] } });
    const docs = phases.get('release')!;
    const metric = find(docs, 'AnalysisTemplate', 'shop-smoke-canary-33-1-1-0').spec.metrics[0];
    expect([metric.count, metric.failureLimit]).toEqual([1, 0]);
    const container = metric.provider.job.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'URL', value: 'http://shop-canary:8080/healthz' });
    expect(metric.provider.job.spec.backoffLimit).toBe(0);
    expect(find(docs, 'Rollout', 'shop').spec.strategy.canary.canaryService).toBe('shop-canary');
  });

  test('a canary configuration runs with the canary image; both ConfigMaps stay while the controller may need either', () => {
    const { phases } = onArgo({
      canaryImage: 'acme/shop:1.0.0',
      canaryVersion: '1.0.0-cfg2',
      config: { files: { 'app.yaml': 'level: info\n' }, mountPath: '/etc/shop' },
      canaryConfig: { files: { 'app.yaml': 'level: debug\n' }, mountPath: '/etc/shop' },
    });
    const configMaps = (p: string) => phases.get(p)!.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name);
    expect(configMaps('stable')).toHaveLength(1);
    expect(configMaps('release')).toHaveLength(2);
    expect(configMaps('rollback')).toEqual(configMaps('release'));
    const mounted = (p: string) => find(phases.get(p)!, 'Rollout', 'shop').spec.template.spec.volumes.find((v: Doc) => v.configMap).configMap.name;
    expect(mounted('release')).not.toBe(mounted('stable'));
    expect(mounted('rollback')).toBe(mounted('stable'));
  });

  test('every folder passes verify, and the library defaults hold in the Rollout', () => {
    const { app } = onArgo({ replicas: 5, steps: [CanaryStep.replicas(1), CanaryStep.replicas(3)], gates: { 'canary-20': [Gate.http()] } });
    expect(verifyApp(app)).toEqual([]);
  });

  test.each([
    ['a gate of the dark phase', { gates: { dark: [Gate.http()] } }, 'gates.dark', /no dark step/],
    ['a gate of promote', { gates: { promote: [Gate.http()] } }, 'gates.promote', /promotes by itself/],
    ['a gate of rollback', { gates: { rollback: [Gate.http()] } }, 'gates.rollback', /aborts by itself/],
    ['two canary pods on top of three', { capacity: CapacityMode.SURGE, steps: [CanaryStep.replicas(2)] }, 'steps', /at most 4 pods in all.*no weight gives 2 canary and 3 stable pods/],
    ['a minimum above replicas − maxUnavailable', { replicas: 4, rollingUpdate: { maxUnavailable: 2 }, minAvailable: 3 }, 'minAvailable', /at most 2, the pods Argo Rollouts keeps available during a rollout/],
    ['an unknown engine option', { engine: Engine.argoRollouts({ revisionHistory: 3 } as never) }, 'engine.revisionHistory', /a property of ArgoRolloutsOptions: one of revisionHistoryLimit/],
    ['an engine that is not one', { engine: 'argo' as never }, 'engine', /Engine\.phases\(\), Engine\.argoRollouts\(\) or Engine\.flagger\(\)/],
  ] as Array<[string, Partial<CanaryAppProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => onArgo(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });

  test('one canary pod on top works with a surge pod: 1 of 4 at setWeight 25', () => {
    const { phases } = onArgo({ capacity: CapacityMode.SURGE });
    expect(find(phases.get('release')!, 'Rollout', 'shop').spec.strategy.canary.steps[0]).toEqual({ setWeight: 25 });
  });

  test('options go into the Rollout', () => {
    const { phases } = onArgo({ engine: Engine.argoRollouts({ revisionHistoryLimit: 3, abortScaleDownDelaySeconds: 0 }) });
    const spec = find(phases.get('stable')!, 'Rollout', 'shop').spec;
    expect([spec.revisionHistoryLimit, spec.strategy.canary.abortScaleDownDelaySeconds]).toEqual([3, 0]);
  });
});

describe('verify on Argo Rollouts objects', () => {
  const findingsAfter = (edit: (docs: Doc[]) => void) => {
    const { app } = onArgo({ gates: { 'canary-33': [Gate.http()] } });
    const files = renderApp(app).map((f) => f);
    const [release] = loadOutput(files);
    for (const phase of release.phases) edit(phase.objects as unknown as Doc[]);
    return verifyRelease(release).findings.map((f) => `${f.check} ${f.phase}: ${formatFinding(f)}`);
  };

  test('the Rollout against its CRD schema', () => {
    const found = findingsAfter((docs) => (find(docs, 'Rollout', 'shop').spec.strategy.canary.steps[0].setWeight = 'half'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^schema stable: .*Rollout\/shop.*setWeight/)]));
  });

  test("the Rollout's open pod template as a Deployment's", () => {
    const found = findingsAfter((docs) => (find(docs, 'Rollout', 'shop').spec.template.spec.containers[0].imagePullPolice = 'Always'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^schema stable: .*imagePullPolice/)]));
  });

  test('the restricted policy in the Rollout', () => {
    const found = findingsAfter((docs) => (find(docs, 'Rollout', 'shop').spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^policy stable: .*allowPrivilegeEscalation/)]));
  });

  test('the pods of a Rollout serve its Services', () => {
    const found = findingsAfter((docs) => (find(docs, 'Rollout', 'shop').spec.template.metadata.labels['app.kubernetes.io/name'] = 'other'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^wiring stable: .*Service\/shop.*selects no pods/)]));
  });

  test('the AnalysisTemplate against its CRD schema', () => {
    const found = findingsAfter((docs) => (find(docs, 'AnalysisTemplate', 'shop-smoke-canary-33-1-1-0').spec.metrics[0].successConditon = 'result == 1'));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^schema stable: .*AnalysisTemplate/)]));
  });
});

test('everySeries: a gate condition over every value of the vector, none failing', () => {
  expect(everySeries('result >= 0.95 && result <= 1 || result == 0')).toBe('len(result) > 0 && all(result, {# >= 0.95 && # <= 1 || # == 0})');
});
