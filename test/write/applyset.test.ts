import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { ApplySetKeys, applySetId, CanaryApp, CanaryAppProps, PruneMode, renderApp } from '../../lib';
import { Doc } from '../support/manifests';
import { configError } from '../support/errors';

function app(props: Partial<CanaryAppProps> = {}): App {
  const a = Testing.app();
  new CanaryApp(a, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', ...props });
  return a;
}

function render(a: App, prune?: PruneMode) {
  const files = renderApp(a, { prune });
  const phase = (p: string) => parseAllDocuments(files.find((f) => f.path === `shop/${p}/manifest.yaml`)!.content).map((d) => d.toJS() as Doc);
  const release = JSON.parse(files.find((f) => f.path === 'shop/release.json')!.content);
  return { files, phase, release };
}

describe('applySetId', () => {
  test('matches the id kubectl computes for the Secret my-set in namespace test', () => {
    // Value from kubectl's own apply tests (pkg/cmd/apply/apply_test.go).
    expect(applySetId({ name: 'my-set', namespace: 'test', kind: 'Secret', group: '' })).toBe('applyset-0eFHV8ySqp7XoShsGvyWFQD3s96yqwHmzc4e0HR1dsY-v1');
  });

  test('is a valid label value for every part of the parent reference', () => {
    const ids = [
      applySetId({ name: 'shop-applyset', namespace: 'shop', kind: 'ConfigMap', group: '' }),
      applySetId({ name: 'shop-applyset', namespace: 'other', kind: 'ConfigMap', group: '' }),
      applySetId({ name: 'shop-applyset', namespace: 'shop', kind: 'Secret', group: '' }),
      applySetId({ name: 'x', namespace: '', kind: 'Release', group: 'example.com' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^applyset-[A-Za-z0-9_-]{43}-v1$/);
  });
});

describe('PruneMode.applySet()', () => {
  const { files, phase, release } = render(app({ namespace: 'shop' }), PruneMode.applySet());
  const id = applySetId({ name: 'shop-applyset', namespace: 'shop', kind: 'ConfigMap', group: '' });

  test('every phase holds the same parent ConfigMap, with the id, the tooling and the kinds of all phases', () => {
    const parents = release.phases.map((p: { name: string }) => phase(p.name).filter((d) => d.kind === 'ConfigMap'));
    for (const p of parents) expect(p).toEqual(parents[0]);
    expect(parents[0]).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'shop-applyset',
          namespace: 'shop',
          labels: {
            'app.kubernetes.io/name': 'shop',
            'app.kubernetes.io/instance': 'shop',
            'app.kubernetes.io/managed-by': 'cdk8s-canary',
            'applyset.kubernetes.io/id': id,
          },
          annotations: {
            'applyset.kubernetes.io/tooling': 'cdk8s-canary/v1',
            'applyset.kubernetes.io/contains-group-kinds': 'Deployment.apps,PodDisruptionBudget.policy,Service',
          },
        },
      },
    ]);
  });

  test('every other object is a member: part-of label, in the parent namespace', () => {
    for (const p of release.phases) {
      const members = phase(p.name).filter((d) => d.kind !== 'ConfigMap');
      expect(members.length).toBeGreaterThan(0);
      for (const d of members) {
        expect(d.metadata.labels![ApplySetKeys.PART_OF]).toBe(id);
        expect(d.metadata.namespace).toBe('shop');
      }
    }
  });

  test('the part-of label stays out of selectors and pod templates, which must not change', () => {
    const plain = render(app({ namespace: 'shop' })).phase('canary-33');
    for (const d of phase('canary-33').filter((x) => x.kind === 'Deployment')) {
      const before = plain.find((x) => x.kind === d.kind && x.metadata.name === d.metadata.name)!;
      expect(d.spec).toEqual(before.spec);
    }
    const service = phase('canary-33').find((d) => d.kind === 'Service' && d.metadata.name === 'shop')!;
    expect(JSON.stringify(service.spec.selector)).not.toContain('applyset');
  });

  test('release.json names the set and prunes by its label', () => {
    expect(release.pruneSelector).toBe(`applyset.kubernetes.io/part-of=${id}`);
    expect(release.applySet).toEqual({ id, parent: 'ConfigMap/shop-applyset', namespace: 'shop', groupKinds: ['Deployment.apps', 'PodDisruptionBudget.policy', 'Service'] });
  });

  test('the parent sorts with the ConfigMaps, before Services and Deployments', () => {
    expect(phase('dark').map((d) => d.kind)).toEqual(['ConfigMap', 'PodDisruptionBudget', 'Service', 'Service', 'Deployment', 'Deployment']);
    expect(files.map((f) => f.path)).toEqual(render(app({ namespace: 'shop' })).files.map((f) => f.path));
  });

  test('a release without a namespace takes the one given to the mode', () => {
    const r = render(app(), PruneMode.applySet({ namespace: 'team-a' }));
    expect(r.phase('stable').every((d) => d.metadata.namespace === 'team-a')).toBe(true);
    expect(r.release.applySet.id).toBe(applySetId({ name: 'shop-applyset', namespace: 'team-a', kind: 'ConfigMap', group: '' }));
  });

  test('a release without any namespace is refused, naming the release and the field', () => {
    expect(configError(() => renderApp(app(), { prune: PruneMode.applySet() })).message).toMatch(/^shop: applySet\.namespace: undefined is invalid; expected a namespace/);
  });
});

test('the label-selector mode (the default) writes no ApplySet key', () => {
  const { files, release } = render(app({ namespace: 'shop' }), PruneMode.labelSelector());
  expect(files.some((f) => f.content.includes('applyset.kubernetes.io'))).toBe(false);
  expect(release.pruneSelector).toBe('app.kubernetes.io/instance=shop,app.kubernetes.io/managed-by=cdk8s-canary');
  expect(release.applySet).toBeUndefined();
  expect(renderApp(app({ namespace: 'shop' }))).toEqual(files);
});
