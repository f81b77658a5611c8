import * as fc from 'fast-check';
import { ClaimAccessMode, ContainerOptions, ContainerPort, Drain, EmptyDirMedium, EnvValue, SpreadPolicy, TopologySpread, Volume, WorkloadOverrides } from '../../../lib';
import { any, dnsSubdomain, labelKey, labelValue, quantity } from './primitives';
import type { OptionInvalid } from './container-options';

/**
 * The pod-level and extra-container options of ContainerOptions (volumes, mounts,
 * sidecars, init containers, scheduling, identity, drain), valid and invalid.
 */

const IMAGES = ['envoyproxy/envoy:v1.31.0', 'registry.example.com/tools/log-shipper:2.1', 'busybox:1.36', `ghcr.io/acme/init@sha256:${'a'.repeat(64)}`];

const keysOptions = fc.record({ items: fc.dictionary(fc.constantFrom('app.yaml', 'a.conf', 'key'), fc.constantFrom('app.yaml', 'conf/a.conf', 'x'), { minKeys: 1, maxKeys: 2 }), defaultMode: fc.integer({ min: 0, max: 0o777 }), optional: fc.boolean() }, { requiredKeys: [] });

const volume: fc.Arbitrary<Volume> = fc.oneof(
  fc.tuple(dnsSubdomain(), keysOptions).map(([n, o]) => Volume.fromConfigMap(n, o)),
  fc.tuple(dnsSubdomain(), keysOptions).map(([n, o]) => Volume.fromSecret(n, o)),
  fc.record({ medium: fc.constantFrom(EmptyDirMedium.DISK, EmptyDirMedium.MEMORY), sizeLimit: quantity('memory').map((q) => q[0]) }, { requiredKeys: [] }).map((o) => Volume.emptyDir(o)),
  fc.tuple(dnsSubdomain(), fc.constantFrom(ClaimAccessMode.READ_WRITE_MANY, ClaimAccessMode.READ_ONLY_MANY), fc.option(fc.boolean(), { nil: undefined })).map(([n, accessMode, readOnly]) => Volume.fromPersistentVolumeClaim(n, { accessMode, readOnly })),
  fc
    .record({ configMaps: fc.uniqueArray(dnsSubdomain(), { maxLength: 2 }), secrets: fc.uniqueArray(dnsSubdomain(), { maxLength: 2 }), podLabelsPath: fc.constant('labels'), serviceAccountToken: fc.record({ audience: fc.constantFrom('vault', 'sts.amazonaws.com'), expirationSeconds: fc.integer({ min: 600, max: 86400 }) }) }, { requiredKeys: ['podLabelsPath'] })
    .map((o) => Volume.projected(o)),
);

/** Volumes named v0.., and mounts of them at /mnt/v0.. (read-only or not, with or without subPath). */
const volumesAndMounts = fc.array(volume, { maxLength: 3 }).chain((vs) =>
  fc.record({
    volumes: fc.constant(Object.fromEntries(vs.map((v, i) => [`v${i}`, v]))),
    mounts: fc.subarray(vs.map((_, i) => i)).chain((is) =>
      fc.tuple(...is.map((i) => fc.record({ volume: fc.constant(`v${i}`), path: fc.constant(`/mnt/v${i}`), readOnly: fc.option(fc.boolean(), { nil: undefined }), subPath: fc.option(fc.constant('sub/dir'), { nil: undefined }) }, { requiredKeys: ['volume', 'path'] }))),
    ),
  }),
);

const resources = fc.record({ requests: fc.record({ cpu: fc.constantFrom('10m', '50m', '1') }), limits: fc.record({ memory: fc.constantFrom('128Mi', '1Gi') }) }, { requiredKeys: [] });

function extraContainers(prefix: string, mountable: readonly string[], freePorts: readonly number[]) {
  return fc.array(
    fc.record(
      {
        image: fc.constantFrom(...IMAGES),
        args: fc.array(fc.string(), { minLength: 1, maxLength: 2 }),
        env: fc.constant({ LEVEL: EnvValue.fromValue('debug'), DB_URL: EnvValue.fromSecret('db', 'url') }),
        resources,
        readOnlyRootFilesystem: fc.boolean(),
        mounts: fc.subarray([...mountable]).map((vs) => vs.map((v) => ({ volume: v, path: `/sidecar/${v}` }))),
      },
      { requiredKeys: ['image'] },
    ),
    { maxLength: 2 },
  ).map((cs) => cs.map((c, i) => ({ name: `${prefix}-${i}`, ...c, ...(prefix === 'sidecar' && freePorts[i] ? { ports: [{ name: `side${i}`, containerPort: freePorts[i] }] } : {}) })));
}

const toleration = fc.oneof(
  fc.record({ key: labelKey(), value: labelValue(), effect: fc.constantFrom<'NoSchedule' | 'PreferNoSchedule'>('NoSchedule', 'PreferNoSchedule') }),
  fc.record({ key: labelKey(), operator: fc.constant<'Exists'>('Exists'), effect: fc.constant<'NoExecute'>('NoExecute'), tolerationSeconds: fc.integer({ min: 0, max: 3600 }) }),
  fc.constant({ operator: 'Exists' as const }),
);

const spread = fc.oneof(
  fc.constant(TopologySpread.acrossNodesAndZones()),
  fc.record({ maxSkew: fc.integer({ min: 1, max: 5 }), whenUnsatisfiable: fc.constantFrom(SpreadPolicy.DO_NOT_SCHEDULE, SpreadPolicy.SCHEDULE_ANYWAY) }).map((o) => TopologySpread.across(['topology.kubernetes.io/zone'], o)),
);

/** The pod options of ContainerOptions, given the container's ports (sidecar ports avoid them). */
export function podOptions(ps: readonly ContainerPort[] | undefined): fc.Arbitrary<Partial<ContainerOptions>> {
  const taken = new Set((ps ?? [{ containerPort: 8080 }]).map((p) => p.containerPort));
  const freePorts = [9901, 9902, 19090, 19091].filter((p) => !taken.has(p));
  return fc.tuple(volumesAndMounts, fc.integer({ min: 30, max: 120 })).chain(([vm, grace]) =>
    fc.record(
      {
        volumes: fc.constant(vm.volumes),
        mounts: fc.constant(vm.mounts),
        sidecars: extraContainers('sidecar', Object.keys(vm.volumes), freePorts),
        initContainers: extraContainers('init', Object.keys(vm.volumes), []),
        podAnnotations: fc.dictionary(labelKey(), fc.string(), { maxKeys: 3 }),
        terminationGracePeriodSeconds: fc.constant(grace),
        drain: fc.oneof(fc.integer({ min: 1, max: 25 }).map(Drain.sleep), fc.constant(Drain.exec(['sleep', '5'], 5))),
        envFromConfigMaps: fc.uniqueArray(dnsSubdomain(), { maxLength: 2 }),
        serviceAccountName: dnsSubdomain(),
        automountServiceAccountToken: fc.constant(false),
        imagePullSecrets: fc.uniqueArray(dnsSubdomain(), { maxLength: 2 }),
        nodeSelector: fc.dictionary(labelKey(), labelValue(), { maxKeys: 2 }),
        tolerations: fc.array(toleration, { maxLength: 2 }),
        affinity: fc.constant({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m6i.large'] }] } }] } }),
        topologySpread: spread,
        priorityClassName: dnsSubdomain(),
        overrides: fc.record(
          {
            deployment: fc.record({ revisionHistoryLimit: fc.integer({ min: 0, max: 20 }), progressDeadlineSeconds: fc.integer({ min: 60, max: 3600 }) }, { requiredKeys: [] }),
            pod: fc.record({ enableServiceLinks: fc.boolean(), dnsPolicy: fc.constantFrom('ClusterFirst', 'Default') }, { requiredKeys: [] }),
            container: fc.record({ workingDir: fc.constantFrom('/srv', '/app'), terminationMessagePolicy: fc.constantFrom('File', 'FallbackToLogsOnError') }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        config: fc
          .record({ files: fc.dictionary(fc.constantFrom('app.yaml', 'b.conf', 'flags.json'), fc.string(), { minKeys: 1, maxKeys: 3 }), env: fc.dictionary(fc.constantFrom('LEVEL', 'MODE', 'x.y'), fc.string(), { minKeys: 1, maxKeys: 2 }) }, { requiredKeys: [] })
          .filter((c) => c.files !== undefined || c.env !== undefined),
      },
      // Mounts name the volumes: the two come together, or not at all.
      { requiredKeys: ['volumes', 'mounts', 'sidecars', 'initContainers'] },
    ),
  );
}

const as = <T>(x: unknown) => x as T;

export function podOptionInvalids(): OptionInvalid[] {
  return [
    { title: 'mount without a volume of that name', field: 'mounts[0].volume', expected: /the name of a volume of the pod/, patch: () => ({ volumes: undefined, mounts: [{ volume: 'config', path: '/etc/app' }] }) },
    { title: 'mount path not absolute', field: 'mounts[0].path', expected: /an absolute path/, patch: () => any('etc/app', '', '/a/../b', 42).map((path) => ({ volumes: { c: Volume.emptyDir() }, mounts: [{ volume: 'c', path: as<string>(path) }] })) },
    { title: 'two mounts at one path', field: 'mounts[1].path', expected: /no earlier mount/, patch: () => ({ volumes: { c: Volume.emptyDir(), d: Volume.emptyDir() }, mounts: [{ volume: 'c', path: '/x' }, { volume: 'd', path: '/x' }] }) },
    { title: 'subPath climbing out of the volume', field: 'mounts[0].subPath', expected: /without '\.\.'/, patch: () => any('..', '../x', 'a/../../b', '/abs').map((subPath) => ({ volumes: { c: Volume.emptyDir() }, mounts: [{ volume: 'c', path: '/x', subPath }] })) },
    { title: 'volume not made with a Volume factory', field: 'volumes.data', expected: /Volume\.fromConfigMap/, patch: () => any({ emptyDir: {} }, 'data', null).map((v) => ({ volumes: { data: as<Volume>(v) } })) },
    { title: 'ReadWriteOnce claim shared by the pods of a release', field: 'volumes.data.accessMode', expected: /READ_WRITE_MANY or READ_ONLY_MANY/, patch: () => any(undefined, ClaimAccessMode.READ_WRITE_ONCE, ClaimAccessMode.READ_WRITE_ONCE_POD).map((accessMode) => ({ volumes: { data: Volume.fromPersistentVolumeClaim('data', { accessMode: as<ClaimAccessMode>(accessMode) }) } })) },
    { title: 'emptyDir size not a quantity', field: 'volumes.cache.sizeLimit', expected: /Kubernetes quantity/, patch: () => any('1GB', '', 64).map((sizeLimit) => ({ volumes: { cache: Volume.emptyDir({ sizeLimit: as<string>(sizeLimit) }) } })) },
    { title: 'sidecar named like the main container', field: 'sidecars[0].name', expected: /a name no other container of the pod has/, patch: () => ({ containerName: 'web', sidecars: [{ name: 'web', image: IMAGES[0] }] }) },
    { title: 'init container named like a sidecar', field: 'initContainers[0].name', expected: /a name no other container of the pod has/, patch: () => ({ sidecars: [{ name: 'proxy', image: IMAGES[0] }], initContainers: [{ name: 'proxy', image: IMAGES[2] }] }) },
    { title: 'sidecar or init container image not pinned', field: 'initContainers[0].image', expected: /image reference|tag|digest/, patch: () => any('busybox', 'busybox:latest', '', 7).map((image) => ({ initContainers: [{ name: 'init', image: as<string>(image) }] })) },
    { title: 'sidecar option that would weaken the restricted profile', field: 'sidecars[0].securityContext', expected: /a property of SidecarOptions/, patch: () => ({ sidecars: [as({ name: 'proxy', image: IMAGES[0], securityContext: { privileged: true } })] }) },
    { title: 'sidecar listening on a port of another container', field: 'sidecars[1].ports[0].containerPort', expected: /share its network/, patch: () => ({ ports: [{ containerPort: 80 }], readinessProbe: undefined, livenessProbe: undefined, startupProbe: undefined, sidecars: [0, 1].map((i) => ({ name: `s${i}`, image: IMAGES[0], ports: [{ name: `p${i}`, containerPort: 9100 }] })) }) },
    { title: 'drain leaving no time to shut down', field: 'drain.seconds', expected: /an integer from 1 to/, patch: () => any(0, 200, 1.5).map((s) => ({ terminationGracePeriodSeconds: undefined, drain: Drain.sleep(as<number>(s)) })) },
    { title: 'drain not made with Drain.sleep or Drain.exec', field: 'drain', expected: /Drain\.sleep/, patch: () => any(10, 'sleep 10', { sleep: 10 }).map((d) => ({ drain: as<Drain>(d) })) },
    { title: 'pod annotation value not a string', field: 'podAnnotations.prometheus.io/port', expected: /a string/, patch: () => any(9090, true, null).map((v) => ({ podAnnotations: { 'prometheus.io/port': as<string>(v) } })) },
    { title: 'service account name invalid', field: 'serviceAccountName', expected: /DNS-1123 subdomain/, patch: () => any('Shop', 'a_b', '', 42).map((n) => ({ serviceAccountName: as<string>(n) })) },
    { title: 'toleration without key, not Exists', field: 'tolerations[0].key', expected: /Exists/, patch: () => ({ tolerations: [{ value: 'x' }] }) },
    { title: 'topologySpread not made with TopologySpread', field: 'topologySpread', expected: /TopologySpread\.acrossNodesAndZones/, patch: () => any({ topologyKey: 'zone' }, 'zone').map((t) => ({ topologySpread: as<TopologySpread>(t) })) },
    { title: 'terminationGracePeriodSeconds out of range', field: 'terminationGracePeriodSeconds', expected: /an integer from 0 to 86400/, patch: () => any(-1, 1.5, 86401, '30').map((t) => ({ drain: undefined, terminationGracePeriodSeconds: as<number>(t) })) },
    { title: 'envFromConfigMaps name invalid', field: 'envFromConfigMaps[0]', expected: /DNS-1123 subdomain/, patch: () => any('Cfg', '', 3).map((n) => ({ envFromConfigMaps: as<string[]>([n]) })) },
    { title: 'escape hatch touching a selector', field: 'overrides.deployment.selector', expected: /trackLabel or versionLabel/, patch: () => ({ overrides: { deployment: { selector: { matchLabels: { app: 'x' } } } } }) },
    { title: 'escape hatch setting a field a prop owns', field: 'overrides.container.image', expected: /the image of each track or version/, patch: () => ({ overrides: { container: { image: 'acme/other:1.0' } } }) },
    { title: 'escape hatch field the Kubernetes schema does not have', field: 'overrides.pod.runtimeClass', expected: /a field of the Kubernetes PodSpec \(unknown field "runtimeClass"\)/, patch: () => any('gvisor', 1, {}).map((v) => ({ overrides: as<WorkloadOverrides>({ pod: { runtimeClass: v } }) })) },
    { title: 'escape hatch field of the wrong type', field: 'overrides.container.workingDir', expected: /accepted by the Kubernetes Container \(must be string/, patch: () => any(42, ['/srv'], true).map((v) => ({ overrides: { container: { workingDir: as<string>(v) } } })) },
    { title: 'escape hatch weakening the restricted profile', field: 'overrides.pod.hostNetwork', expected: /restricted profile forbids it/, patch: () => ({ overrides: { pod: { hostNetwork: true } } }) },
    { title: 'released config value that looks like a secret', field: 'config.env.API_TOKEN', expected: /not a secret/, patch: () => ({ config: { env: { API_TOKEN: 'abc' } } }) },
    { title: 'released config with neither files nor env', field: 'config', expected: /files, env or both/, patch: () => ({ config: {} }) },
    { title: 'released config file name with a path', field: 'config.files', expected: /a file name/, patch: () => any('a/b', '..', 'a b').map((f) => ({ config: { files: { [f]: 'x' } } })) },
  ];
}
