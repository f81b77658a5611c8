import { brief, deployment, distRelease, Doc, editObject, findings, phase, plain, podSpec, service } from './builders';

const PSS = '(Pod Security Standards "restricted")';
const C0 = 'spec.template.spec.containers[0]';

describe('policy', () => {
  const addressbook = distRelease('addressbook');
  const breakStable = (edit: (d: Doc) => void) => findings(editObject(addressbook, ['stable'], 'Deployment', 'addressbook-stable', edit), 'policy').map(brief);
  const at = (field: string, message: string) => ({ check: 'policy', phase: 'stable', object: 'Deployment/addressbook-stable', field, message });

  test('the synthesized addressbook follows every policy', () => {
    expect(findings(addressbook, 'policy')).toEqual([]);
  });

  test('a privileged container', () => {
    expect(breakStable((d) => (d.spec.template.spec.containers[0].securityContext.privileged = true))).toEqual([
      at(`${C0}.securityContext.privileged`, `must not be true: a privileged container has every capability of the node ${PSS}`),
    ]);
  });

  test('runAsNonRoot set nowhere', () => {
    expect(
      breakStable((d) => {
        delete d.spec.template.spec.securityContext.runAsNonRoot;
        delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
      }),
    ).toEqual([at(`${C0}.securityContext.runAsNonRoot`, `must be true (here or in the pod's securityContext) ${PSS}`)]);
  });

  test('privilege escalation, added capabilities, unconfined seccomp, host namespaces and hostPath', () => {
    const messages = breakStable((d) => {
      const spec = d.spec.template.spec;
      spec.hostNetwork = true;
      spec.securityContext.seccompProfile.type = 'Unconfined';
      spec.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
      spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      spec.containers[0].securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] };
    }).map((f) => `${f.field}: ${f.message}`);
    expect(messages).toEqual([
      `spec.template.spec.hostNetwork: must not be true: it shares the node's namespaces with the pod ${PSS}`,
      `spec.template.spec.volumes[0].hostPath: must not be used: it exposes the node's filesystem ${PSS}`,
      `spec.template.spec.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost, not Unconfined ${PSS}`,
      `${C0}.securityContext.allowPrivilegeEscalation: must be false ${PSS}`,
      `${C0}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in the pod's securityContext) ${PSS}`,
      `${C0}.securityContext.capabilities.add: may add only NET_BIND_SERVICE, not SYS_ADMIN ${PSS}`,
    ]);
  });

  test('an image on the latest tag, and one with no tag at all', () => {
    expect(breakStable((d) => (d.spec.template.spec.containers[0].image = 'docker.io/acme/addressbook:latest'))).toEqual([
      at(`${C0}.image`, '"docker.io/acme/addressbook:latest" is invalid; expected a tag other than "latest" (or a digest): a floating tag cannot be rolled back'),
    ]);
    expect(breakStable((d) => (d.spec.template.spec.containers[0].image = 'docker.io/acme/addressbook'))).toEqual([
      at(`${C0}.image`, '"docker.io/acme/addressbook" is invalid; expected an image pinned by a tag or a digest (":1.4.2" or "@sha256:..."): without one the runtime pulls ":latest"'),
    ]);
  });

  test('a literal value in a secret-looking variable', () => {
    expect(breakStable((d) => (d.spec.template.spec.containers[0].env[4] = { name: 'DB_PASSWORD', value: 'hunter2' }))).toEqual([
      at(`${C0}.env[4].value`, 'DB_PASSWORD holds a literal value; a secret belongs in a Secret, referenced with valueFrom.secretKeyRef'),
    ]);
  });

  test('no resource requests', () => {
    expect(breakStable((d) => delete d.spec.template.spec.containers[0].resources.requests)).toEqual([
      at(`${C0}.resources.requests.cpu`, 'missing: without requests the scheduler places the pod blind and the kubelet evicts it first'),
      at(`${C0}.resources.requests.memory`, 'missing: without requests the scheduler places the pod blind and the kubelet evicts it first'),
    ]);
  });

  test('no readiness probe on a container behind a Service', () => {
    expect(breakStable((d) => delete d.spec.template.spec.containers[0].readinessProbe)).toEqual([
      at(`${C0}.readinessProbe`, 'missing: Service/addressbook-lb sends requests to port http of this container as soon as it starts, before it can serve them'),
    ]);
  });

  test('no readiness probe is needed where no Service sends requests', () => {
    const worker = deployment('worker', { podLabels: { app: 'worker' } });
    delete worker.spec.template.spec.containers[0].readinessProbe;
    expect(findings(plain(phase('one', worker, service('shop', { app: 'shop' }))), 'policy')).toEqual([]);
  });

  test('Jobs too: a Job running as root', () => {
    const spec = podSpec('registry.example.com/migrate:1.0.0');
    spec.restartPolicy = 'Never';
    spec.securityContext.runAsUser = 0;
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec } } };
    expect(findings(plain(phase('one', job)), 'policy').map(brief)).toEqual([
      { check: 'policy', phase: 'one', object: 'Job/migrate', field: 'spec.template.spec.securityContext.runAsUser', message: `must not be 0 (root) ${PSS}` },
    ]);
  });

  test('a problem of an object repeated in later phases is reported once', () => {
    const r = editObject(addressbook, ['stable', 'dark', 'rollback'], 'Deployment', 'addressbook-stable', (d) => delete d.spec.template.spec.containers[0].readinessProbe);
    const found = findings(r, 'policy');
    expect(found.map((f) => [f.phase, f.alsoIn])).toEqual([['stable', ['dark', 'rollback']]]);
  });
});

describe('schema findings name the phase, the object and the field', () => {
  test('replicas written as a word', () => {
    const r = editObject(distRelease('addressbook'), ['promote'], 'Deployment', 'addressbook-stable', (d) => (d.spec.replicas = 'three'));
    expect(findings(r, 'schema').map(brief)).toEqual([
      { check: 'schema', phase: 'promote', object: 'Deployment/addressbook-stable', field: 'spec.replicas', message: 'must be integer, not string' },
    ]);
  });

  test('a document whose metadata lost its indentation', () => {
    const r = plain(phase('one', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: null, name: 'sockshop', spec: { hosts: ['*'] } }));
    expect(findings(r, 'schema').map((f) => `${f.object}: ${f.field}: ${f.message}`)).toEqual([
      'VirtualService in document 1 of one.yaml: name: unknown field "name"',
      'VirtualService in document 1 of one.yaml: metadata: must be object, not null',
    ]);
  });
});
