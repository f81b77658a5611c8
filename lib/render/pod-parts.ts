import { k8s } from './k8s';
import { Checks, join, keysOf } from '../model/checks';
import { parseImage } from '../model/image';
import { ContainerPort, SidecarOptions, VolumeMountOptions } from './container-options';
import { EnvValue } from './env-value';
import { Volume, relativePath } from './volume';

/** The restricted profile of the Pod Security Standards, for every container of a pod. */
export function restrictedContainer(readOnlyRoot: boolean): k8s.Container['securityContext'] {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: readOnlyRoot, runAsNonRoot: true };
}

/** Environment variables by name, each an EnvValue, rendered in order. */
export function renderEnv(check: Checks, field: string, given: unknown): k8s.EnvVar[] {
  const env = given === undefined ? {} : check.object(field, given, 'an object of environment variables, { NAME: EnvValue }');
  return Object.entries(env).map(([name, value]) => {
    check.envName(field, name);
    if (!EnvValue.isEnvValue(value)) check.fail(`${field}.${name}`, value, "an EnvValue, such as EnvValue.fromValue('info') or EnvValue.fromSecret('db', 'password')");
    return value._toEnvVar(check, `${field}.${name}`, name);
  });
}

/** Names of existing Secrets or ConfigMaps, each once. */
export function objectNames(check: Checks, field: string, given: unknown, what: string): string[] {
  const names = given === undefined ? [] : check.list(field, given, `a list of ${what} names`, 0);
  names.forEach((n, i) => check.dnsSubdomain(`${field}[${i}]`, n));
  check.unique(field, names);
  return names as string[];
}

/** A volume of the pod, as rendered, and whether its mounts default to read-only. */
export interface PodVolume {
  readonly volume: k8s.Volume;
  readonly readOnly: boolean;
}

const VOLUME_NAME_HINT = ' (it names the volume in the pod)';

/** The user's volumes, by name; `builtin` are the names of the volumes the library adds, which they may not take. */
export function resolveVolumes(check: Checks, field: string, given: unknown, builtin: ReadonlyMap<string, string>): Map<string, PodVolume> {
  const out = new Map<string, PodVolume>();
  if (given === undefined) return out;
  const volumes = check.object(field, given, 'an object of volumes, { name: Volume.fromConfigMap("app") }');
  for (const [name, volume] of Object.entries(volumes)) {
    check.dnsLabel(`${field} key`, name, 63, VOLUME_NAME_HINT);
    const taken = builtin.get(name);
    if (taken !== undefined) check.fail(`${field} key`, name, `a volume name other than "${name}", the volume ${taken}`);
    if (!Volume.isVolume(volume)) check.fail(`${field}.${name}`, volume, 'a volume made with Volume.fromConfigMap, Volume.fromSecret, Volume.emptyDir, Volume.fromPersistentVolumeClaim or Volume.projected');
    const r = volume._render(check, `${field}.${name}`, name);
    out.set(name, { volume: r.volume, readOnly: r.readOnly });
  }
  return out;
}

const MOUNT_KEYS = keysOf<VolumeMountOptions>({ volume: true, path: true, readOnly: true, subPath: true });
const MOUNT_PATH = /^(\/[^/\0\n]+)+$/;

/**
 * The mounts of one container. Each names a volume of the pod; paths are absolute, not
 * mounted twice, and not one of `taken` (mounts the library adds).
 */
export function resolveMounts(check: Checks, field: string, given: unknown, volumes: ReadonlyMap<string, PodVolume>, taken: readonly string[] = []): k8s.VolumeMount[] {
  const list = given === undefined ? [] : check.list(field, given, 'a list of mounts such as [{ volume: "config", path: "/etc/app" }]', 0);
  const mounts = list.map((raw, i) => {
    const at = `${field}[${i}]`;
    const m = check.object(at, raw, 'a mount such as { volume: "config", path: "/etc/app" }') as unknown as VolumeMountOptions;
    check.knownKeys(at, m, MOUNT_KEYS, 'VolumeMountOptions');
    const volume = volumes.get(m.volume);
    if (volume === undefined) {
      check.fail(`${at}.volume`, m.volume, volumes.size ? `the name of a volume of the pod: one of ${[...volumes.keys()].join(', ')}` : 'the name of a volume of the pod; the pod has none: declare it in volumes');
    }
    absolutePath(check, `${at}.path`, m.path);
    const readOnly = m.readOnly === undefined ? volume.readOnly : check.boolean(`${at}.readOnly`, m.readOnly);
    return {
      name: m.volume,
      mountPath: m.path,
      readOnly: readOnly || undefined,
      subPath: m.subPath === undefined ? undefined : relativePath(check, `${at}.subPath`, m.subPath),
    };
  });
  mounts.forEach((m, i) => {
    if (taken.includes(m.mountPath)) check.fail(`${field}[${i}].path`, m.mountPath, 'a path the library does not mount already (podLabelsFile\'s directory, or /tmp with readOnlyRootFilesystem)');
  });
  check.unique((i) => `${field}[${i}].path`, mounts.map((m) => m.mountPath), 'a path no earlier mount of the container uses');
  return mounts;
}

/** An absolute path in a container, without '.' or '..' segments. */
export function absolutePath(check: Checks, field: string, value: unknown): string {
  const segments = typeof value === 'string' && MOUNT_PATH.test(value) ? value.split('/').slice(1) : [];
  if (!segments.length || segments.some((s) => s === '.' || s === '..')) check.fail(field, value, "an absolute path such as '/etc/app', without '.' or '..'");
  return value as string;
}

const EXTRA_KEYS = keysOf<SidecarOptions>({ name: true, image: true, command: true, args: true, env: true, resources: true, mounts: true, readOnlyRootFilesystem: true, ports: true });
const EXTRA_PORT_KEYS = keysOf<ContainerPort>({ name: true, containerPort: true, protocol: true, servicePort: true, nodePort: true });

/** What a sidecar or init container needs from its pod. */
export interface ExtraContainerContext {
  readonly volumes: ReadonlyMap<string, PodVolume>;
  readonly resources: (field: string, given: unknown) => k8s.ResourceRequirements;
  readonly portName: (field: string, value: unknown) => string;
}

/** Sidecars or init containers, each restricted, pinned, with resources. */
export function resolveExtraContainers(check: Checks, field: string, given: unknown, ctx: ExtraContainerContext, sidecars: boolean): k8s.Container[] {
  const list = given === undefined ? [] : check.list(field, given, `a list of containers such as [{ name: "proxy", image: "envoyproxy/envoy:v1.31.0" }]`, 0);
  return list.map((raw, i) => {
    const at = `${field}[${i}]`;
    const o = check.object(at, raw, 'a container such as { name: "proxy", image: "envoyproxy/envoy:v1.31.0" }') as unknown as SidecarOptions;
    check.knownKeys(at, o, sidecars ? EXTRA_KEYS : EXTRA_KEYS.filter((k) => k !== 'ports'), sidecars ? 'SidecarOptions' : 'InitContainerOptions');
    const readOnlyRoot = o.readOnlyRootFilesystem === undefined ? false : check.boolean(`${at}.readOnlyRootFilesystem`, o.readOnlyRootFilesystem);
    const env = renderEnv(check, `${at}.env`, o.env);
    const mounts = resolveMounts(check, `${at}.mounts`, o.mounts, ctx.volumes);
    return {
      name: check.dnsLabel(`${at}.name`, o.name),
      image: parseImage(check, `${at}.image`, o.image).reference,
      command: o.command === undefined ? undefined : check.strings(`${at}.command`, o.command),
      args: o.args === undefined ? undefined : check.strings(`${at}.args`, o.args),
      ports: sidecars ? sidecarPorts(check, `${at}.ports`, o.ports, ctx) : undefined,
      env: env.length ? env : undefined,
      resources: ctx.resources(`${at}.resources`, o.resources),
      securityContext: restrictedContainer(readOnlyRoot),
      volumeMounts: mounts.length ? mounts : undefined,
    };
  });
}

function sidecarPorts(check: Checks, field: string, given: unknown, ctx: ExtraContainerContext): k8s.Container['ports'] {
  if (given === undefined) return undefined;
  const list = check.list(field, given, 'a list of ports such as [{ name: "metrics", containerPort: 9090 }]', 0);
  return list.map((raw, i) => {
    const at = `${field}[${i}]`;
    const p = check.object(at, raw, 'a port such as { name: "metrics", containerPort: 9090 }') as unknown as ContainerPort;
    check.knownKeys(at, p, EXTRA_PORT_KEYS.filter((k) => k !== 'servicePort' && k !== 'nodePort'), "a sidecar's ContainerPort (no Service sends to it)");
    return {
      name: ctx.portName(`${at}.name`, p.name),
      containerPort: check.integer(`${at}.containerPort`, p.containerPort, 1, 65535),
      protocol: check.oneOf(`${at}.protocol`, p.protocol ?? 'TCP', ['TCP', 'UDP', 'SCTP'] as const),
    };
  });
}

/** The names of every container of a pod, and every port, are unique in it. */
export function checkPodUniqueness(check: Checks, field: string, main: k8s.Container, sidecars: readonly k8s.Container[], inits: readonly k8s.Container[]): void {
  const at = (f: string) => join(field, f);
  const seen = new Map<string, string>([[main.name, at('containerName')]]);
  const named = [...sidecars.map((c, i) => [c, at(`sidecars[${i}].name`)] as const), ...inits.map((c, i) => [c, at(`initContainers[${i}].name`)] as const)];
  for (const [c, f] of named) {
    const earlier = seen.get(c.name);
    if (earlier !== undefined) check.fail(f, c.name, `a name no other container of the pod has (${earlier} is "${c.name}"${earlier === at('containerName') ? ', the application\'s container, named after the application unless containerName says otherwise' : ''})`);
    seen.set(c.name, f);
  }
  // Containers of a pod share its network: a port number or name is the pod's, once.
  const ports = new Map<string, string>();
  const portNames = new Map<string, string>();
  const all = [['ports', main] as const, ...sidecars.map((c, i) => [`sidecars[${i}].ports`, c] as const)];
  for (const [f, c] of all) {
    (c.ports ?? []).forEach((p, k) => {
      const number = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
      const n = ports.get(number);
      if (n !== undefined && f !== 'ports') check.fail(at(`${f}[${k}].containerPort`), p.containerPort, `a port no other container of the pod listens on (${n} does: the containers of a pod share its network)`);
      ports.set(number, at(`${f}[${k}]`));
      const byName = p.name === undefined ? undefined : portNames.get(p.name);
      if (byName !== undefined && f !== 'ports') check.fail(at(`${f}[${k}].name`), p.name, `a port name no other container of the pod uses (${byName} does)`);
      if (p.name !== undefined) portNames.set(p.name, at(`${f}[${k}]`));
    });
  }
}
