import { Testing } from 'cdk8s';
import {
  CanaryApp,
  CanaryAppProps,
  ClaimAccessMode,
  Drain,
  EmptyDirMedium,
  EnvValue,
  Gateway,
  Probe,
  Release,
  SpreadPolicy,
  StagedRelease,
  TopologySpread,
  Traffic,
  Volume,
} from '../../lib';
import { configError } from '../support/errors';
import { Doc, find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };

function canary(props: Partial<CanaryAppProps> = {}) {
  const app = Testing.app();
  const release = new CanaryApp(app, 'shop', { ...base, ...props });
  return { app, release, phases: phasesOf(release) };
}

const podOf = (docs: Doc[], name: string) => find(docs, 'Deployment', name).spec.template;

/** A pod with everything a production service sets. */
const production: Partial<CanaryAppProps> = {
  serviceAccountName: 'shop',
  imagePullSecrets: ['registry-credentials'],
  podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] } } },
  topologySpread: TopologySpread.acrossNodesAndZones(),
  priorityClassName: 'business-critical',
  terminationGracePeriodSeconds: 45,
  security: { runAsUser: 10001, fsGroup: 10001, supplementalGroups: [2000], readOnlyRootFilesystem: true },
  startupProbe: Probe.httpGet('/healthz', { failureThreshold: 30, periodSeconds: 2 }),
  drain: Drain.sleep(10),
  envFromConfigMaps: ['shop-settings'],
  volumes: {
    config: Volume.fromConfigMap('shop-files', { items: { 'app.yaml': 'app.yaml' } }),
    tls: Volume.fromSecret('shop-tls', { defaultMode: 0o440 }),
    cache: Volume.emptyDir({ medium: EmptyDirMedium.MEMORY, sizeLimit: '64Mi' }),
    shared: Volume.fromPersistentVolumeClaim('shop-assets', { accessMode: ClaimAccessMode.READ_ONLY_MANY }),
    identity: Volume.projected({ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400 }, podLabelsPath: 'labels' }),
  },
  mounts: [
    { volume: 'config', path: '/etc/shop' },
    { volume: 'tls', path: '/etc/tls' },
    { volume: 'cache', path: '/var/cache/shop' },
    { volume: 'shared', path: '/srv/assets' },
    { volume: 'identity', path: '/var/run/secrets/identity' },
  ],
  sidecars: [{ name: 'metrics', image: 'prom/statsd-exporter:v0.27.1', ports: [{ name: 'metrics', containerPort: 9090 }], mounts: [{ volume: 'cache', path: '/cache' }] }],
  initContainers: [{ name: 'migrate', image: 'acme/shop-migrate:1.0.0', args: ['--up'], env: { DB_URL: EnvValue.fromSecret('shop-db', 'url') }, resources: { requests: { cpu: '200m' } } }],
};

describe('pod options', () => {
  test('a production pod renders every option, and every phase passes the verifier', () => {
    const { app, phases } = canary(production);
    const pod = podOf(phases.get('canary-33')!, 'shop-canary');
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' });
    const spec = pod.spec;
    expect(spec).toMatchObject({
      serviceAccountName: 'shop',
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'registry-credentials' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      priorityClassName: 'business-critical',
      terminationGracePeriodSeconds: 45,
      securityContext: { fsGroup: 10001, supplementalGroups: [2000], runAsNonRoot: true },
    });
    expect(spec.containers.map((c: Doc) => c.name)).toEqual(['shop', 'metrics']);
    expect(spec.initContainers.map((c: Doc) => c.name)).toEqual(['migrate']);
    const main = spec.containers[0];
    expect(main.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(main.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 30, periodSeconds: 2 });
    expect(main.envFrom).toEqual([{ configMapRef: { name: 'shop-settings' } }]);
    expect(main.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config', mountPath: '/etc/shop', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'cache', mountPath: '/var/cache/shop' },
      { name: 'shared', mountPath: '/srv/assets', readOnly: true },
      { name: 'identity', mountPath: '/var/run/secrets/identity', readOnly: true },
    ]);
    expect(spec.volumes.find((v: Doc) => v.name === 'identity').projected.sources).toEqual([
      { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } },
    ]);
    // Sidecars and init containers get the restricted profile and resources of their own.
    for (const c of [spec.containers[1], spec.initContainers[0]]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true });
      expect(c.resources.limits.memory).toBe('128Mi');
    }
    expect(spec.initContainers[0].resources.requests).toEqual({ cpu: '200m', memory: '64Mi' });
    expect(verifyApp(app)).toEqual([]);
  });

  test("each track's topology spread counts its own pods, never the other track's", () => {
    const { phases } = canary({ topologySpread: TopologySpread.across(['topology.kubernetes.io/zone'], { maxSkew: 2, whenUnsatisfiable: SpreadPolicy.DO_NOT_SCHEDULE }) });
    const docs = phases.get('canary-33')!;
    for (const track of ['stable', 'canary']) {
      const d = find(docs, 'Deployment', `shop-${track}`);
      expect(d.spec.template.spec.topologySpreadConstraints).toEqual([
        { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: d.spec.selector.matchLabels } },
      ]);
    }
    const spread = TopologySpread.acrossNodesAndZones();
    const nodesAndZones = podOf(canary({ topologySpread: spread }).phases.get('stable')!, 'shop-stable').spec.topologySpreadConstraints;
    expect(nodesAndZones.map((c: Doc) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
  });

  test('Drain.exec runs the command; the wait must leave the process time within the grace period', () => {
    const pod = podOf(canary({ drain: Drain.exec(['/bin/sh', '-c', 'sleep 5'], 5) }).phases.get('stable')!, 'shop-stable');
    expect(pod.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } });
    const e = configError(() => canary({ drain: Drain.sleep(30) }));
    expect([e.field, e.expected]).toEqual(['drain.seconds', 'an integer from 1 to 25']);
    const longer = podOf(canary({ drain: Drain.sleep(40), terminationGracePeriodSeconds: 60 }).phases.get('stable')!, 'shop-stable');
    expect(longer.spec.containers[0].lifecycle.preStop.sleep.seconds).toBe(40);
  });

  test.each([
    ['a mount naming no volume', { mounts: [{ volume: 'config', path: '/etc/app' }] }, 'mounts[0].volume', /declare it in volumes/],
    ['a mount naming another volume', { volumes: { cache: Volume.emptyDir() }, mounts: [{ volume: 'config', path: '/etc/app' }] }, 'mounts[0].volume', /one of cache/],
    ['a sidecar mount naming no volume', { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', mounts: [{ volume: 'x', path: '/x' }] }] }, 'sidecars[0].mounts[0].volume', /volume of the pod/],
    ['a relative mount path', { volumes: { c: Volume.emptyDir() }, mounts: [{ volume: 'c', path: 'etc/app' }] }, 'mounts[0].path', /absolute path/],
    ['two mounts at one path', { volumes: { c: Volume.emptyDir(), d: Volume.emptyDir() }, mounts: [{ volume: 'c', path: '/x' }, { volume: 'd', path: '/x' }] }, 'mounts[1].path', /no earlier mount/],
    ['a mount over /tmp with a read-only root', { security: { readOnlyRootFilesystem: true }, volumes: { c: Volume.emptyDir() }, mounts: [{ volume: 'c', path: '/tmp' }] }, 'mounts[0].path', /library does not mount/],
    ['a volume named like a built-in one', { podLabelsFile: '/etc/podinfo/labels', volumes: { podinfo: Volume.emptyDir() } }, 'volumes key', /of podLabelsFile/],
    ['a subPath climbing out', { volumes: { c: Volume.emptyDir() }, mounts: [{ volume: 'c', path: '/x', subPath: '../etc' }] }, 'mounts[0].subPath', /without '\.\.'/],
    ['a ReadWriteOnce claim', { volumes: { data: Volume.fromPersistentVolumeClaim('data') } }, 'volumes.data.accessMode', /two pods of data at once/],
    ['a sidecar named like the main container', { sidecars: [{ name: 'shop', image: 'envoyproxy/envoy:v1.31.0' }] }, 'sidecars[0].name', /the application's container/],
    ['an init container named like a sidecar', { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }], initContainers: [{ name: 'proxy', image: 'busybox:1.36' }] }, 'initContainers[0].name', /sidecars\[0\]\.name is "proxy"/],
    ['a sidecar on the main container port', { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', containerPort: 8080 }] }] }, 'sidecars[0].ports[0].containerPort', /share its network/],
    ['a sidecar image not pinned', { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy' }] }, 'sidecars[0].image', /tag|digest/],
    ['a sidecar weakening its security', { sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', privileged: true } as never] }, 'sidecars[0].privileged', /a property of SidecarOptions/],
    ['an init container with ports', { initContainers: [{ name: 'x', image: 'busybox:1.36', ports: [] } as never] }, 'initContainers[0].ports', /InitContainerOptions/],
    ['a toleration without key nor Exists', { tolerations: [{ value: 'x' }] }, 'tolerations[0].key', /Exists/],
    ['tolerationSeconds without NoExecute', { tolerations: [{ key: 'k', tolerationSeconds: 5 }] }, 'tolerations[0].tolerationSeconds', /NoExecute/],
    ['an annotation that is not a string', { podAnnotations: { 'prometheus.io/port': 9090 as never } }, 'podAnnotations.prometheus.io/port', /write numbers and booleans in quotes/],
    ['a service account that is not a name', { serviceAccountName: 'Shop' }, 'serviceAccountName', /DNS-1123 subdomain/],
    ['an image pull secret twice', { imagePullSecrets: ['r', 'r'] }, 'imagePullSecrets[1]', /not used earlier/],
    ['a spread that is not a TopologySpread', { topologySpread: { topologyKey: 'zone' } as never }, 'topologySpread', /TopologySpread\.acrossNodesAndZones/],
    ['a spread of skew 0', { topologySpread: TopologySpread.acrossNodesAndZones({ maxSkew: 0 }) }, 'topologySpread.maxSkew', /from 1 to 1000/],
    ['a drain that is not a Drain', { drain: 10 as never }, 'drain', /Drain\.sleep/],
    ['a supplemental group of root', { security: { supplementalGroups: [0] } }, 'security.supplementalGroups[0]', /integer ≥ 1/],
  ] as Array<[string, Partial<CanaryAppProps>, string, RegExp]>)('refuses %s', (_title, props, field, expected) => {
    const e = configError(() => canary(props));
    expect(e.path).toBe('shop');
    expect(e.field).toBe(field);
    expect(e.expected).toMatch(expected);
  });

  test('a limit equal to its request in another notation is accepted (700m and 0.7 are one amount)', () => {
    const pod = podOf(canary({ resources: { requests: { cpu: '700m', memory: '1Gi' }, limits: { cpu: '0.7', memory: '1024Mi' } } }).phases.get('stable')!, 'shop-stable');
    expect(pod.spec.containers[0].resources).toEqual({ requests: { cpu: '700m', memory: '1Gi' }, limits: { cpu: '0.7', memory: '1024Mi' } });
  });

  test('the options reach Gateway versions and StagedRelease tiers, with their errors under their field', () => {
    const app = Testing.app();
    const gateway = new Gateway(app, 'shop', {
      provider: Traffic.istio(),
      serviceAccountName: 'shop',
      drain: Drain.sleep(5),
      versions: { v1: { image: 'acme/shop:1.0.0' }, v2: { image: 'acme/shop:2.0.0', sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' }] } },
      phases: [Release.to('v1').withDark('v2'), Release.to('v2').withDark('v1'), Release.to('v2')],
    });
    const docs = phasesOf(gateway).get(gateway.phaseNames[0])!;
    expect(find(docs, 'Deployment', 'shop-v1').spec.template.spec.containers.map((c: Doc) => c.name)).toEqual(['shop']);
    expect(find(docs, 'Deployment', 'shop-v2').spec.template.spec).toMatchObject({ serviceAccountName: 'shop', containers: [{ name: 'shop', lifecycle: { preStop: { sleep: { seconds: 5 } } } }, { name: 'proxy' }] });
    expect(verifyApp(app)).toEqual([]);
    const e = configError(() =>
      new StagedRelease(Testing.app(), 'seamless', {
        active: { version: 'v1', frontendImage: 'acme/f:1', backendImage: 'acme/b:1' },
        smoke: { version: 'v2', frontendImage: 'acme/f:2', backendImage: 'acme/b:2' },
        backend: { mounts: [{ volume: 'x', path: '/x' }] },
      }),
    );
    expect(e.field).toBe('backend.mounts[0].volume');
  });
});
