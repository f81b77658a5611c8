import { parseAllDocuments } from 'yaml';
import { validateSchema } from '../../lib/verify/schema/schema';
import { find, selectedDeployments } from '../support/manifests';
import { exampleFiles, releaseOf } from '../support/examples';

const files = exampleFiles();
const phases = (release: string) => releaseOf(files, release).phases;

describe('addressbook (Semaphore canary pipeline)', () => {
  const ab = phases('addressbook');

  test('stable 3 → 2 stable + 1 canary → promote 3 on the new image, or rollback 3 on the old', () => {
    const summary = [...ab].map(([p, docs]) =>
      `${p}: ` + docs.filter((d) => d.kind === 'Deployment').map((d) => `${d.metadata.name}=${d.spec.replicas}@${d.spec.template.spec.containers[0].image.split(':').pop()}`).join(' '),
    );
    expect(summary).toEqual([
      'stable: addressbook-stable=3@1.0.0',
      'dark: addressbook-canary=1@1.1.0 addressbook-stable=3@1.0.0',
      'canary-33: addressbook-canary=1@1.1.0 addressbook-stable=2@1.0.0',
      'promote: addressbook-stable=3@1.1.0',
      'rollback: addressbook-stable=3@1.0.0',
    ]);
  });

  test('the LoadBalancer addressbook-lb forwards port 80 to the pods on 3000, gated by /ready', () => {
    const docs = ab.get('canary-33')!;
    const lb = find(docs, 'Service', 'addressbook-lb');
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
    const pods = selectedDeployments(docs, lb);
    expect(pods.map((d) => d.metadata.name).sort()).toEqual(['addressbook-canary', 'addressbook-stable']);
    for (const d of pods) {
      const c = d.spec.template.spec.containers[0];
      expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
      expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 1 });
    }
  });

  test('database settings come from the Secret db-params by reference only', () => {
    const c = find(ab.get('stable')!, 'Deployment', 'addressbook-stable').spec.template.spec.containers[0];
    expect(c.env.map((e: any) => e.name)).toEqual(['DB_HOST', 'DB_PORT', 'DB_SCHEMA', 'DB_USER', 'DB_PASSWORD', 'DB_SSL']);
    for (const e of c.env) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom.secretKeyRef).toEqual({ name: 'db-params', key: e.name });
    }
  });
});

describe('appinfo (canary with downward-API pod information)', () => {
  const ai = phases('appinfo');

  test('3 stable pods keep serving and one canary comes on top: 1/(3+1) of the requests', () => {
    const docs = ai.get('canary-25')!;
    const service = find(docs, 'Service', 'appinfo');
    const served = selectedDeployments(docs, service).map((d) => [d.metadata.name, d.spec.replicas]);
    expect(served.sort()).toEqual([['appinfo-canary', 1], ['appinfo-stable', 3]]);
  });

  test('NodePort Service on 8080; pods labelled app=appinfo and release=stable|canary', () => {
    const docs = ai.get('canary-25')!;
    const service = find(docs, 'Service', 'appinfo');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]);
    expect(find(docs, 'Deployment', 'appinfo-stable').spec.template.metadata.labels).toMatchObject({ app: 'appinfo', release: 'stable' });
    expect(find(docs, 'Deployment', 'appinfo-canary').spec.template.metadata.labels).toMatchObject({ app: 'appinfo', release: 'canary' });
    expect(find(docs, 'Deployment', 'appinfo-canary').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'appinfo', 'release': 'canary' });
  });

  test('pod name and namespace as env, labels as the file /etc/labels', () => {
    const pod = find(ai.get('stable')!, 'Deployment', 'appinfo-stable').spec.template.spec;
    const c = pod.containers[0];
    expect(c.name).toBe('appinfo-containers');
    expect(c.env).toEqual([
      { name: 'MY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(c.volumeMounts).toEqual([{ name: 'podinfo', mountPath: '/etc', readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }]);
  });
});

describe('every document of every example validates against the upstream schemas', () => {
  const manifestFiles = files.filter((f) => f.path.endsWith('/manifest.yaml'));

  test.each(manifestFiles.map((f) => [f.path, f.content]))('%s', (_path, content) => {
    const docs = parseAllDocuments(content).map((d) => d.toJS());
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.flatMap((d) => validateSchema(d))).toEqual([]);
  });
});
