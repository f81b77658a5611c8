import { resolveAmount, transitionCapacity } from '../../lib/verify/capacity/capacity';
import { PhaseIndex } from '../../lib/verify/loading/phase-index';
import { brief, deployment, destinationRule, distRelease, editObject, findings, phase, release, service, virtualService } from './builders';

describe('capacity during transitions', () => {
  const addressbook = distRelease('addressbook');
  const allPhases = addressbook.phases.map((p) => p.name);

  test('the synthesized addressbook keeps its declared minimum', () => {
    expect(findings(addressbook, 'capacity')).toEqual([]);
  });

  test('percentages: maxSurge rounds up, maxUnavailable rounds down, defaults 25%', () => {
    expect(resolveAmount('25%', '25%', 3, true)).toBe(1);
    expect(resolveAmount('25%', '25%', 3, false)).toBe(0);
    expect(resolveAmount(undefined, '25%', 10, false)).toBe(2);
    expect(resolveAmount(2, '25%', 10, false)).toBe(2);
    expect(resolveAmount('100%', '25%', 3, false)).toBe(3);
  });

  test('a rolling update that may take every pod down', () => {
    const broken = editObject(addressbook, allPhases, 'Deployment', 'addressbook-stable', (d) => (d.spec.strategy.rollingUpdate.maxUnavailable = '100%'));
    expect(findings(broken, 'capacity').map(brief)).toEqual([
      {
        check: 'capacity',
        phase: 'canary-33 → promote',
        object: 'Service/addressbook-lb',
        field: 'spec.selector',
        message:
          'serves as few as 1 ready pod during the transition, below the declared minimum of 2 (Deployment/addressbook-stable 2 → 3 replicas, new pod template: rolling update with maxUnavailable 3 keeps ≥ 0 of 3 available; Deployment/addressbook-canary is pruned once the rollouts are done)',
      },
    ]);
  });

  test('strategy Recreate', () => {
    const broken = editObject(addressbook, allPhases, 'Deployment', 'addressbook-stable', (d) => (d.spec.strategy = { type: 'Recreate' }));
    expect(findings(broken, 'capacity').map((f) => `${f.phase}: ${f.message}`)).toEqual([
      'canary-33 → promote: serves as few as 1 ready pod during the transition, below the declared minimum of 2 (Deployment/addressbook-stable 2 → 3 replicas, new pod template: strategy Recreate stops every old pod first; Deployment/addressbook-canary is pruned once the rollouts are done)',
    ]);
  });

  test('a phase below the declared minimum once complete', () => {
    const app = { app: 'shop' };
    const r = release('service', [[phase('one', service('shop', app), deployment('shop', { podLabels: app, replicas: 2 })), [{ name: 'shop', minAvailable: 3, routes: [{ conditions: [], backends: [{ version: 'unversioned', weight: 1 }] }] }]]]);
    expect(findings(r, 'capacity').map(brief)).toEqual([
      { check: 'capacity', phase: 'one', object: 'Service/shop', field: 'spec.selector', message: 'serves 2 ready pods, below the declared minimum of 3' },
    ]);
  });

  test('weight sent to a subset whose pods start in the same phase', () => {
    const v1 = deployment('shop-v1', { podLabels: { app: 'shop', version: 'v1' }, replicas: 3 });
    const v2 = deployment('shop-v2', { podLabels: { app: 'shop', version: 'v2' } });
    const dr = destinationRule('shop', 'shop', { v1: { version: 'v1' }, v2: { version: 'v2' } });
    const route = (subset: string, weight: number) => ({ destination: { host: 'shop', subset }, weight });
    const declared = (v2Weight: number) => [{ name: 'shop', minAvailable: 2, routes: [{ conditions: [], backends: [{ version: 'v1', weight: 100 - v2Weight }, ...(v2Weight ? [{ version: 'v2', weight: v2Weight }] : [])] }] }];
    const r = release('istio', [
      [phase('stable', service('shop', { app: 'shop' }), v1, dr, virtualService('shop', [{ route: [route('v1', 100)] }])), declared(0)],
      [phase('canary-10', service('shop', { app: 'shop' }), v1, v2, dr, virtualService('shop', [{ route: [route('v1', 90), route('v2', 10)] }])), declared(10)],
    ]);
    expect(findings(r, 'capacity').map(brief)).toEqual([
      {
        check: 'capacity',
        phase: 'stable → canary-10',
        object: 'VirtualService/shop',
        field: 'spec.http[0].route[1].destination',
        message:
          'Service/shop subset v2 receives requests (spec.http[0]) while it has no ready pod during the transition: Deployment/shop-v2 is created in this phase and starts with no ready pod; start its pods in an earlier phase',
      },
    ]);
  });

  test('the model: a rolling update keeps desired − maxUnavailable, a scale-down is immediate, pruned pods count until the end', () => {
    const app = { app: 'shop' };
    const before = new PhaseIndex(phase('a', deployment('web', { podLabels: app, replicas: 4 }), deployment('old', { podLabels: app, replicas: 2 })));
    const after = new PhaseIndex(phase('b', deployment('web', { podLabels: app, replicas: 4, image: 'registry.example.com/shop:2.0.0', maxUnavailable: '50%' })));
    const c = transitionCapacity(before, after, (labels) => labels.app === 'shop');
    expect(c.parts.map((p) => [p.ref, p.during, p.after])).toEqual([
      ['Deployment/web', 2, 4],
      ['Deployment/old', 2, 0],
    ]);
    expect(c.least).toBe(4);
    const scaledDown = new PhaseIndex(phase('c', deployment('web', { podLabels: app, replicas: 1 })));
    expect(transitionCapacity(before, scaledDown, (labels) => labels.app === 'shop').least).toBe(1);
  });
});
