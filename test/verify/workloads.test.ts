import { brief, deployment, findings, phase, plain, RELEASE_LABELS, service } from './builders';

/** Pod wiring, autoscalers and the replicas-removal transition, each on a deliberately broken manifest. */

const app = { app: 'shop' };

function hpa(target: string, minReplicas = 2, maxReplicas = 6) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'shop', labels: { ...RELEASE_LABELS } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas,
      maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

function autoscaled() {
  const d = deployment('shop', { podLabels: app });
  delete d.spec.replicas;
  return d;
}

describe('pods, autoscalers and replicas', () => {
  test('a mount naming no volume of its pod', () => {
    const d = deployment('shop', { podLabels: app });
    d.spec.template.spec.volumes = [{ name: 'cache', emptyDir: {} }];
    d.spec.template.spec.containers[0].volumeMounts = [{ name: 'cache', mountPath: '/cache' }, { name: 'config', mountPath: '/etc/shop' }];
    expect(findings(plain(phase('one', service('shop', app), d)), 'wiring').map(brief)).toEqual([
      { check: 'wiring', phase: 'one', object: 'Deployment/shop', field: 'spec.template.spec.containers[0].volumeMounts[1].name', message: '"config" names no volume of the pod (it has cache)' },
    ]);
  });

  test('two containers of a pod with one name, an init container among them', () => {
    const d = deployment('shop', { podLabels: app });
    const main = d.spec.template.spec.containers[0];
    d.spec.template.spec.initContainers = [{ ...main, name: 'shop', ports: undefined, readinessProbe: undefined }];
    expect(findings(plain(phase('one', service('shop', app), d)), 'wiring').map((f) => `${f.field}: ${f.message}`)).toEqual([
      'spec.template.spec.initContainers[0].name: "shop" is also the name of containers[0]: container names must be unique in a pod',
    ]);
  });

  test("an autoscaler whose target is not in the phase, and an autoscaled Deployment that sets replicas", () => {
    const missing = findings(plain(phase('one', service('shop', app), deployment('shop', { podLabels: app }), hpa('shop-v2'))), 'wiring').map(brief);
    expect(missing).toEqual([
      { check: 'wiring', phase: 'one', object: 'HorizontalPodAutoscaler/shop', field: 'spec.scaleTargetRef', message: 'Deployment/shop-v2 is not in this phase: the autoscaler scales nothing (and reports FailedGetScale)' },
    ]);
    const withReplicas = findings(plain(phase('one', service('shop', app), deployment('shop', { podLabels: app, replicas: 3 }), hpa('shop'))), 'wiring').map((f) => `${f.object}: ${f.field}: ${f.message}`);
    expect(withReplicas).toEqual([
      'Deployment/shop: spec.replicas: set to 3 while HorizontalPodAutoscaler/shop scales it: every `kubectl apply` resets the count the autoscaler chose; leave spec.replicas out',
    ]);
    expect(findings(plain(phase('one', service('shop', app), autoscaled(), hpa('shop'))))).toEqual([]);
  });

  test('a transition that drops spec.replicas from a Deployment that had it', () => {
    const r = plain(phase('one', service('shop', app), deployment('shop', { podLabels: app, replicas: 4 })), phase('two', service('shop', app), autoscaled(), hpa('shop', 4, 8)));
    expect(findings(r, 'transition').map(brief)).toEqual([
      {
        check: 'transition',
        phase: 'one → two',
        object: 'Deployment/shop',
        field: 'spec.replicas',
        message: 'removed (it was 4): client-side `kubectl apply` deletes the field and the API server scales the Deployment to 1 at once; run `kubectl apply edit-last-applied` to drop it first, or apply with --server-side',
      },
    ]);
    // Adding replicas back is safe, and an autoscaled Deployment counts its autoscaler's minimum.
    const back = plain(phase('one', service('shop', app), autoscaled(), hpa('shop', 4, 8)), phase('two', service('shop', app), deployment('shop', { podLabels: app, replicas: 4 })));
    expect(findings(back).filter((f) => f.object === 'Deployment/shop')).toEqual([]);
  });

  test("capacity counts an autoscaled Deployment at its autoscaler's minReplicas", () => {
    const upgraded = (min: number) => {
      const d = autoscaled();
      d.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 1 };
      d.spec.template.spec.containers[0].image = 'registry.example.com/shop:1.1.0';
      const before = autoscaled();
      before.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 1 };
      const r = plain(phase('one', service('shop', app), before, hpa('shop', min, 8)), phase('two', service('shop', app), d, hpa('shop', min, 8)));
      return findings(r, 'transition').map((f) => `${f.object}: ${f.message}`);
    };
    // One pod and maxUnavailable 1: the rollout takes the only pod away; two keep one ready.
    expect(upgraded(1)).toEqual([expect.stringMatching(/^Service\/shop: goes from 1 ready pod to none while the rollouts run/)]);
    expect(upgraded(2)).toEqual([]);
  });

  test('a ConfigMap the release renders, missing from a phase whose pods mount it; a referenced-only Secret is not a finding', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config-1', labels: { ...RELEASE_LABELS } }, data: { 'app.yaml': 'x' } };
    const d = deployment('shop', { podLabels: app });
    d.spec.template.spec.volumes = [{ name: 'config', configMap: { name: 'shop-config-1' } }];
    d.spec.template.spec.containers[0].volumeMounts = [{ name: 'config', mountPath: '/etc/shop' }];
    d.spec.template.spec.containers[0].envFrom = [{ secretRef: { name: 'shop-db' } }];
    const r = plain(phase('one', service('shop', app), d, configMap), phase('two', service('shop', app), d));
    expect(findings(r, 'wiring').map(brief)).toEqual([
      {
        check: 'wiring',
        phase: 'two',
        object: 'Deployment/shop',
        field: 'spec.template.spec.volumes[0].configMap.name',
        message: 'ConfigMap/shop-config-1 is rendered by other phases of the release but not this one: its pods do not start, and its prune deletes the ConfigMap; every phase that runs them must contain it',
      },
    ]);
  });
});
