import { Testing } from 'cdk8s';
import { CanaryApp, CleanupMode, Gateway, GatewayProps, Release, StagedRelease, StagedReleaseProps, StageStrategy, Traffic } from '../../lib';
import { configError } from '../support/errors';
import { Doc, find, maybeFind, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const versions = { v1: { image: 'acme/shop:1.0.0', replicas: 3 }, v2: { image: 'acme/shop:2.0.0', replicas: 2 } };
const phases = [Release.to('v1').withDark('v2'), Release.split({ v1: 90, v2: 10 }).named('canary-10'), Release.to('v2').withDark('v1').named('v2'), Release.to('v2').named('v1-removed')];

function gateway(props: Partial<GatewayProps> = {}) {
  const app = Testing.app();
  const release = new Gateway(app, 'shop', { provider: Traffic.istio(), versions, phases, autoscaling: { maxReplicas: 10 }, ...props });
  return { app, release, phases: phasesOf(release) };
}

describe('autoscaling', () => {
  test('behind a router every version gets an autoscaler and its Deployment no replicas, in every phase', () => {
    const { app, release, phases: rendered } = gateway();
    for (const [name, docs] of rendered) {
      for (const d of docs.filter((x) => x.kind === 'Deployment')) {
        expect([name, d.metadata.name, d.spec.replicas]).toEqual([name, d.metadata.name, undefined]);
        const hpa = find(docs, 'HorizontalPodAutoscaler', d.metadata.name);
        expect(hpa.spec).toEqual({
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name },
          minReplicas: d.metadata.name === 'shop-v1' ? 3 : 2,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        });
      }
    }
    expect(maybeFind(rendered.get('v1-removed')!, 'HorizontalPodAutoscaler', 'shop-v1')).toBeUndefined();
    expect(release.declaration.pruneAllowlist).toContain('autoscaling/v2/HorizontalPodAutoscaler');
    expect(verifyApp(app)).toEqual([]);
  });

  test("withReplicas raises the phase's minimum; a version's own autoscaling replaces the Gateway's", () => {
    const { phases: rendered } = gateway({
      versions: { v1: versions.v1, v2: { ...versions.v2, autoscaling: { minReplicas: 1, maxReplicas: 4, cpuUtilization: 60, memoryUtilization: 80 } } },
      phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1').withReplicas({ v2: 4 }).named('v2')],
    });
    const hpa = (phase: string, name: string) => find(rendered.get(phase)!, 'HorizontalPodAutoscaler', name).spec as Doc;
    expect(hpa('v1-dark-v2', 'shop-v2').minReplicas).toBe(1);
    expect(hpa('v2', 'shop-v2')).toMatchObject({ minReplicas: 4, maxReplicas: 4 });
    expect(hpa('v2', 'shop-v2').metrics.map((m: Doc) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 80]]);
  });

  test('a memory target alone sets no CPU target', () => {
    const { phases: rendered } = gateway({ autoscaling: { maxReplicas: 5, memoryUtilization: 75 } });
    const metrics = find(rendered.get('canary-10')!, 'HorizontalPodAutoscaler', 'shop-v1').spec.metrics;
    expect(metrics.map((m: Doc) => m.resource.name)).toEqual(['memory']);
  });

  test.each([
    ['minReplicas above maxReplicas', { autoscaling: { minReplicas: 5, maxReplicas: 4 } }, 'autoscaling.minReplicas', /at most maxReplicas \(4\)/],
    ['a default minimum (the replicas) above maxReplicas', { autoscaling: { maxReplicas: 2 } }, 'autoscaling.minReplicas', /defaults to the replicas/],
    ['a utilization of 0', { autoscaling: { maxReplicas: 5, cpuUtilization: 0 } }, 'autoscaling.cpuUtilization', /integer from 1 to 1000/],
    ['withReplicas above the maximum', { phases: [Release.to('v1').withDark('v2').withReplicas({ v1: 11 })] }, 'phases[0].replicas.v1', /at most 10, the maxReplicas/],
    ['a misspelt option', { autoscaling: { maxReplica: 3 } as never }, 'autoscaling.maxReplica', /did you mean "maxReplicas"/],
    [
      'autoscaling with Traffic.service() where a Service spreads over two versions',
      { provider: Traffic.service(), phases: [Release.to('v1').withDark('v2'), Release.split({ v1: 3, v2: 2 }).named('split'), Release.to('v2').withDark('v1')] },
      'autoscaling',
      /Traffic\.service\(\) splits requests by pod counts.*Traffic\.istio\(\)/,
    ],
  ] as Array<[string, Partial<GatewayProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => gateway(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });

  test('Traffic.service() autoscales versions released one at a time', () => {
    const { app } = gateway({ provider: Traffic.service(), phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1').named('v2'), Release.to('v2').named('v1-removed')] });
    expect(verifyApp(app)).toEqual([]);
  });

  test('a CanaryApp refuses an autoscaler, naming the alternative', () => {
    const e = configError(() => new CanaryApp(Testing.app(), 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', autoscaling: { maxReplicas: 5 } } as never));
    expect([e.field, e.expected]).toEqual(['autoscaling', expect.stringMatching(/ratio of pod counts.*Gateway behind Traffic\.istio\(\)/)]);
  });
});

describe('autoscaling of StagedRelease tiers', () => {
  const staged = (props: Partial<StagedReleaseProps> = {}) => {
    const app = Testing.app();
    const release = new StagedRelease(app, 'shop', {
      frontend: { replicas: 4, autoscaling: { maxReplicas: 8 } },
      backend: { replicas: 3, smokeReplicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 6, memoryUtilization: 80 } },
      active: { version: 'v1', frontendImage: 'acme/front:1', backendImage: 'acme/back:1' },
      smoke: { version: 'v2', frontendImage: 'acme/front:2', backendImage: 'acme/back:2' },
      ...props,
    });
    return { app, release, phases: phasesOf(release) };
  };
  const counts = (docs: Doc[]) =>
    Object.fromEntries(
      docs
        .filter((d) => d.kind === 'Deployment')
        .map((d) => [d.metadata.name, d.spec.replicas ?? `hpa ${maybeFind(docs, 'HorizontalPodAutoscaler', d.metadata.name)?.spec.minReplicas}..${maybeFind(docs, 'HorizontalPodAutoscaler', d.metadata.name)?.spec.maxReplicas}`]),
    );

  test.each([
    [StageStrategy.ISOLATED, CleanupMode.SCALE_TO_ZERO],
    [StageStrategy.ISOLATED, CleanupMode.REMOVE],
    [StageStrategy.COMPATIBLE, CleanupMode.SCALE_TO_ZERO],
    [StageStrategy.COMPATIBLE, CleanupMode.REMOVE],
  ])('%s, %s: every Deployment with pods is autoscaled from the pods of its phase, and every phase verifies', (strategy, cleanup) => {
    const { app, phases: rendered } = staged({ strategy, cleanup });
    for (const [, docs] of rendered) {
      for (const d of docs.filter((x) => x.kind === 'Deployment')) {
        const hpa = maybeFind(docs, 'HorizontalPodAutoscaler', d.metadata.name);
        if (d.spec.replicas === 0) expect(hpa).toBeUndefined();
        else expect([d.metadata.name, d.spec.replicas, hpa?.spec.scaleTargetRef]).toEqual([d.metadata.name, undefined, { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name }]);
      }
    }
    expect(verifyApp(app)).toEqual([]);
  });

  test('isolated: the new backend keeps one autoscaler from smoke copy to production; the cleanup scales the old one to zero', () => {
    const { phases: rendered } = staged();
    expect(counts(rendered.get('initial-active')!)).toEqual({ 'frontend-active': 'hpa 4..8', 'backend-v1': 'hpa 2..6' });
    expect(counts(rendered.get('smoke')!)).toEqual({ 'frontend-active': 'hpa 4..8', 'frontend-smoke': 'hpa 1..8', 'backend-v1': 'hpa 2..6', 'backend-v2': 'hpa 2..6' });
    expect(counts(rendered.get('cleanup')!)).toEqual({ 'frontend-active': 'hpa 4..8', 'frontend-smoke': 0, 'backend-v1': 0, 'backend-v2': 'hpa 2..6' });
    expect(find(rendered.get('smoke')!, 'HorizontalPodAutoscaler', 'backend-v2').spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });

  test("the production minimum is the autoscaler's: the declared capacity of the address follows it", () => {
    const { release } = staged();
    expect(release.declaration.phases.map((p) => p.addresses[0].minAvailable)).toEqual([4, 4, 4, 4]);
    expect(staged({ frontend: { replicas: 4, autoscaling: { minReplicas: 2, maxReplicas: 8 } } }).release.declaration.phases[0].addresses[0].minAvailable).toBe(2);
  });

  test.each([
    ['a smoke copy larger than the maximum', { backend: { smokeReplicas: 7, autoscaling: { maxReplicas: 6, minReplicas: 1 } } }, 'backend.smokeReplicas', /at most 6, the maxReplicas/],
    ['a minimum above the maximum', { frontend: { autoscaling: { minReplicas: 9, maxReplicas: 8 } } }, 'frontend.autoscaling.minReplicas', /at most maxReplicas \(8\)/],
    ['a misspelt option', { frontend: { autoscaling: { max: 8 } as never } }, 'frontend.autoscaling.max', /AutoscalingOptions/],
  ] as Array<[string, Partial<StagedReleaseProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => staged(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });
});
