import { Testing } from 'cdk8s';
import { CanaryApp, Gateway, GatewayProps, Release, Traffic } from '../../lib';
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
