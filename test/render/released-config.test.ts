import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, Gateway, Release, StagedRelease, Traffic } from '../../lib';
import { configError } from '../support/errors';
import { Doc, find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };
const v1 = { files: { 'app.yaml': 'mode: safe\nworkers: 4\n' }, env: { LOG_LEVEL: 'info' } };
const v2 = { files: { 'app.yaml': 'mode: fast\nworkers: 8\n', 'flags.json': '{"beta":true}' }, env: { LOG_LEVEL: 'info' } };

function canary(props: Partial<CanaryAppProps>) {
  const app = Testing.app();
  const release = new CanaryApp(app, 'shop', { ...base, ...props });
  return { app, phases: phasesOf(release) };
}

const configMaps = (docs: Doc[]) => docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name).sort();
const mountedBy = (docs: Doc[], deployment: string) => {
  const spec = find(docs, 'Deployment', deployment).spec.template.spec;
  return [spec.volumes.find((v: Doc) => v.name === 'released-config').configMap.name, spec.containers[0].envFrom[0].configMapRef.name];
};

describe('configuration released like an image', () => {
  test('the canary runs the new ConfigMap, stable keeps the old one until promote, rollback brings it back', () => {
    const { app, phases } = canary({ config: v1, canaryConfig: v2 });
    const stable = phases.get('stable')!;
    const [oldFiles, env] = mountedBy(stable, 'shop-stable');
    expect(oldFiles).toMatch(/^shop-config-[0-9a-f]{10}$/);
    expect(find(stable, 'ConfigMap', oldFiles)).toMatchObject({ immutable: true, data: v1.files });
    expect(find(stable, 'ConfigMap', env).data).toEqual({ LOG_LEVEL: 'info' });
    const [newFiles, newEnv] = mountedBy(phases.get('canary-33')!, 'shop-canary');
    expect(newFiles).not.toBe(oldFiles);
    // The same values give the same ConfigMap: the env part did not change.
    expect(newEnv).toBe(env);
    expect(mountedBy(phases.get('canary-33')!, 'shop-stable')[0]).toBe(oldFiles);
    expect(configMaps(phases.get('canary-33')!)).toEqual([env, oldFiles, newFiles].sort());
    expect(mountedBy(phases.get('promote')!, 'shop-stable')[0]).toBe(newFiles);
    expect(configMaps(phases.get('promote')!)).toEqual([env, newFiles].sort());
    expect(mountedBy(phases.get('rollback')!, 'shop-stable')[0]).toBe(oldFiles);
    expect(configMaps(phases.get('rollback')!)).toEqual([env, oldFiles].sort());
    const container = find(stable, 'Deployment', 'shop-stable').spec.template.spec.containers[0];
    expect(container.volumeMounts).toEqual([{ name: 'released-config', mountPath: '/etc/config', readOnly: true }]);
    expect(verifyApp(app)).toEqual([]);
  });

  test('a configuration-only canary runs the stable image with a version of its own', () => {
    const { app, phases } = canary({ canaryImage: base.stableImage, canaryVersion: '1.0.0-config.2', config: v1, canaryConfig: v2 });
    const docs = phases.get('canary-33')!;
    expect(find(docs, 'Deployment', 'shop-canary').spec.template.spec.containers[0].image).toBe(base.stableImage);
    expect(mountedBy(docs, 'shop-canary')[0]).not.toBe(mountedBy(docs, 'shop-stable')[0]);
    expect(verifyApp(app)).toEqual([]);
  });

  test('Gateway versions each run their own configuration; a StagedRelease tier its one', () => {
    const app = Testing.app();
    const gw = new Gateway(app, 'shop', {
      provider: Traffic.istio(),
      config: v1,
      versions: { v1: { image: 'acme/shop:1.0.0' }, v2: { image: 'acme/shop:2.0.0', config: v2 } },
      phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1').named('v2'), Release.to('v2').named('v1-removed')],
    });
    const g = phasesOf(gw);
    expect(configMaps(g.get('v1-dark-v2')!)).toHaveLength(3);
    expect(configMaps(g.get('v1-removed')!)).toHaveLength(2);
    const staged = new StagedRelease(app, 'seamless', {
      namespace: 'seamless',
      backend: { config: { env: { POOL: '10' } } },
      active: { version: 'v1', frontendImage: 'acme/f:1', backendImage: 'acme/b:1' },
      smoke: { version: 'v2', frontendImage: 'acme/f:2', backendImage: 'acme/b:2' },
    });
    for (const docs of phasesOf(staged).values()) expect(configMaps(docs)).toEqual([expect.stringMatching(/^backend-config-/)]);
    expect(verifyApp(app)).toEqual([]);
  });

  test.each(['isolated', 'compatible'] as const)('a StagedRelease (%s) runs each version with its own configuration, in every phase', (strategy) => {
    const app = Testing.app();
    const staged = new StagedRelease(app, 'seamless', {
      strategy: strategy as never,
      active: { version: 'v1', frontendImage: 'acme/f:1', backendImage: 'acme/b:1', backendConfig: { env: { POOL: '10' } } },
      smoke: { version: 'v2', frontendImage: 'acme/f:1', backendImage: 'acme/b:1', backendConfig: { env: { POOL: '20' } } },
    });
    for (const [phase, docs] of phasesOf(staged)) {
      for (const d of docs.filter((x) => x.kind === 'Deployment' && x.metadata.labels!['app.kubernetes.io/name'] === 'backend')) {
        const name = d.spec.template.spec.containers[0].envFrom[0].configMapRef.name;
        const pool = find(docs, 'ConfigMap', name).data.POOL;
        expect([phase, d.metadata.name, pool]).toEqual([phase, d.metadata.name, d.metadata.labels!['app.kubernetes.io/version'] === 'v1' ? '10' : '20']);
      }
    }
    expect(verifyApp(app)).toEqual([]);
  });

  test.each([
    ['the same image and configuration for both tracks', { canaryImage: base.stableImage, canaryVersion: 'x', config: v1 }, 'canaryImage', /or a canaryConfig other than config/],
    ['a secret-looking value', { config: { env: { DB_PASSWORD: 'x' } } }, 'config.env.DB_PASSWORD', /not a secret/],
    ['a file name with a slash', { config: { files: { 'a/b': 'x' } } }, 'config.files', /a file name/],
    ['neither files nor env', { config: {} }, 'config', /files, env or both/],
    ['a mountPath used by a mount', { volumes: {}, config: { files: { a: 'b' }, mountPath: '/tmp' }, security: { readOnlyRootFilesystem: true } }, 'config.mountPath', /no mount of the container uses/],
    ['a misspelt option', { config: { file: {} } as never }, 'config.file', /did you mean "files"/],
  ] as Array<[string, Partial<CanaryAppProps>, string, RegExp]>)('refuses %s', (_t, props, field, expected) => {
    const e = configError(() => canary(props));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });
});
