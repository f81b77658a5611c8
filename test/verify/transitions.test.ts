import { DEFAULT_PRUNE_ALLOWLIST } from '../../lib/model/prune-allowlist';
import { brief, deployment, distRelease, editObject, findings, phase, plain, release, RELEASE_LABELS, service, virtualService } from './builders';

const IMMUTABLE = 'is immutable, so `kubectl apply` of this phase fails; keep it as it is, or give the object a new name';

describe('transitions between consecutive phases', () => {
  const addressbook = distRelease('addressbook');

  test('the synthesized addressbook has no transition findings', () => {
    expect(findings(addressbook, 'transition')).toEqual([]);
  });

  test('a Deployment selector changed between phases', () => {
    const broken = editObject(addressbook, ['dark'], 'Deployment', 'addressbook-stable', (d) => {
      d.spec.selector.matchLabels.tier = 'web';
      d.spec.template.metadata.labels.tier = 'web';
    });
    const change = (from: string, to: string) => `changes from ${from} to ${to}: the selector of a Deployment ${IMMUTABLE}`;
    const before = 'app.kubernetes.io/name=addressbook,track=stable';
    const after = 'app.kubernetes.io/name=addressbook,track=stable,tier=web';
    expect(findings(broken, 'transition').map(brief)).toEqual([
      { check: 'transition', phase: 'stable → dark', object: 'Deployment/addressbook-stable', field: 'spec.selector', message: change(before, after) },
      { check: 'transition', phase: 'dark → canary-33', object: 'Deployment/addressbook-stable', field: 'spec.selector', message: change(after, before) },
      { check: 'transition', phase: 'dark → rollback', object: 'Deployment/addressbook-stable', field: 'spec.selector', message: change(after, before) },
    ]);
  });

  test('a removed object without the prune labels', () => {
    const broken = editObject(addressbook, ['dark', 'canary-33'], 'Deployment', 'addressbook-canary', (d) => delete d.metadata.labels['app.kubernetes.io/instance']);
    const message = `is left out of this phase but lacks app.kubernetes.io/instance=addressbook: \`kubectl apply --prune -l app.kubernetes.io/instance=addressbook,app.kubernetes.io/managed-by=cdk8s-canary\` leaves it running`;
    expect(findings(broken, 'transition').map((f) => `${f.phase}: ${f.object}: ${f.field}: ${f.message}`)).toEqual([
      `canary-33 → promote: Deployment/addressbook-canary: metadata.labels: ${message}`,
      `dark → rollback: Deployment/addressbook-canary: metadata.labels: ${message}`,
      `canary-33 → rollback: Deployment/addressbook-canary: metadata.labels: ${message}`,
    ]);
  });

  const app = { app: 'shop' };
  const shop = deployment('shop', { podLabels: app, replicas: 2 });

  test('a removed kind that kubectl prunes only when allow-listed: covered by the allowlist the writer computes', () => {
    const vs = virtualService('shop', [{ route: [{ destination: { host: 'shop' } }] }]);
    const r = release('service', [
      [phase('one', service('shop', app), shop, vs), []],
      [phase('two', service('shop', app), shop), []],
    ]);
    expect(r.declaration?.pruneAllowlist).toEqual(['apps/v1/Deployment', 'core/v1/Service', 'networking.istio.io/v1/VirtualService']);
    expect(findings(r, 'transition')).toEqual([]);
  });

  test('a removed kind missing from a broken declaration of the allowlist', () => {
    const vs = virtualService('shop', [{ route: [{ destination: { host: 'shop' } }] }]);
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'shop', labels: { ...RELEASE_LABELS } }, spec: { minAvailable: 1, selector: { matchLabels: app } } };
    const r = release(
      'service',
      [
        [phase('one', service('shop', app), shop, vs, pdb), []],
        [phase('two', service('shop', app), shop), []],
      ],
      undefined,
      ['apps/v1/Deployment', 'core/v1/Service', 'networking.istio.io/v1beta1/VirtualService'],
    );
    expect(findings(r, 'transition').map(brief)).toEqual([
      {
        check: 'transition',
        phase: 'one → two',
        object: 'PodDisruptionBudget/shop',
        field: 'kind',
        message: "is left out of this phase, but policy/v1/PodDisruptionBudget is not in the release's pruneAllowlist: `kubectl apply --prune` prunes PodDisruptionBudget only when the pipeline passes --prune-allowlist=policy/v1/PodDisruptionBudget",
      },
    ]);
  });

  test('a release.json without pruneAllowlist is pruned with kubectl default list, which has no VirtualService', () => {
    const vs = virtualService('shop', [{ route: [{ destination: { host: 'shop' } }] }]);
    const r = release(
      'service',
      [
        [phase('one', service('shop', app), shop, vs), []],
        [phase('two', service('shop', app), shop), []],
      ],
      undefined,
      [...DEFAULT_PRUNE_ALLOWLIST],
    );
    expect(findings(r, 'transition').map((f) => `${f.object}: ${f.field}`)).toEqual(['VirtualService/shop: kind']);
  });

  test('a removed object in plain YAML, which declares no prune selector', () => {
    const r = plain(phase('one', service('shop', app), shop, service('extra', app)), phase('two', service('shop', app), shop));
    expect(findings(r, 'transition').map((f) => `${f.phase}: ${f.object}: ${f.message}`)).toEqual([
      'one → two: Service/extra: is left out of this phase, but the release declares no prune selector: `kubectl apply` leaves it running (delete it, or verify a release folder with a release.json)',
    ]);
  });

  test('a Service clusterIP changed', () => {
    const withIp = (ip: string) => ({ ...service('shop', app), spec: { ...service('shop', app).spec, clusterIP: ip } });
    const r = plain(phase('one', withIp('10.0.0.10'), shop), phase('two', withIp('10.0.0.11'), shop));
    expect(findings(r, 'transition').map((f) => `${f.object}: ${f.field}: ${f.message}`)).toEqual([
      `Service/shop: spec.clusterIP: changes from "10.0.0.10" to "10.0.0.11": the clusterIP of a Service ${IMMUTABLE}`,
    ]);
  });

  test('a Job template changed', () => {
    const job = (image: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
    });
    const r = plain(phase('one', job('registry.example.com/migrate:1')), phase('two', job('registry.example.com/migrate:2')));
    expect(findings(r, 'transition').map((f) => `${f.object}: ${f.field}: ${f.message}`)).toEqual([`Job/migrate: spec.template: changes: the pod template of a Job ${IMMUTABLE}`]);
  });

  test('StatefulSet volumeClaimTemplates changed', () => {
    const sts = (size: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 1,
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'registry.example.com/db:1' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } }],
      },
    });
    const r = plain(phase('one', sts('1Gi')), phase('two', sts('2Gi')));
    expect(findings(r, 'transition').map((f) => `${f.field}: ${f.message}`)).toEqual([`spec.volumeClaimTemplates: changes: spec.volumeClaimTemplates of a StatefulSet ${IMMUTABLE}`]);
  });

  test('a Service switched to pods that start in the same phase goes to none', () => {
    const v1 = deployment('shop-v1', { podLabels: { app: 'shop', version: 'v1' }, replicas: 2 });
    const v2 = deployment('shop-v2', { podLabels: { app: 'shop', version: 'v2' }, replicas: 2 });
    const r = plain(phase('blue', service('shop', { app: 'shop', version: 'v1' }), v1), phase('green', service('shop', { app: 'shop', version: 'v2' }), v1, v2));
    expect(findings(r, 'transition').map(brief)).toEqual([
      {
        check: 'transition',
        phase: 'blue → green',
        object: 'Service/shop',
        field: 'spec.selector',
        message: 'goes from 2 ready pods to none while the rollouts run (Deployment/shop-v2 is created in this phase and starts with no ready pod)',
      },
    ]);
  });
});
