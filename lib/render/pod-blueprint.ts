import { k8s } from './k8s';
import { Checks, join, keysOf, orDefault } from '../model/checks';
import { Labels } from '../model/labels';
import { ContainerOptions, ContainerPort, ResourceAmounts, ResourceOptions, SecurityOptions } from './container-options';
import { Drain } from './drain';
import { ResolvedOverrides, resolveOverrides } from './overrides';
import { CONFIG_VOLUME, ResolvedConfig, resolveConfig } from './released-config';
import { checkPodUniqueness, objectNames, renderEnv, resolveExtraContainers, resolveMounts, resolveVolumes, restrictedContainer } from './pod-parts';
import { DEFAULT_GRACE_PERIOD, PodPlacement, resolvePlacement } from './pod-placement';
import { Probe } from './probe';
import { Amount, quantity } from './quantity';

/** Every prop of ContainerOptions: a construct whose props extend it refuses any other key. */
export const CONTAINER_OPTION_KEYS = keysOf<ContainerOptions>({
  ports: true,
  readinessProbe: true,
  livenessProbe: true,
  env: true,
  envFromSecrets: true,
  podLabelsFile: true,
  command: true,
  args: true,
  resources: true,
  security: true,
  containerName: true,
  podLabels: true,
  podAnnotations: true,
  startupProbe: true,
  drain: true,
  terminationGracePeriodSeconds: true,
  envFromConfigMaps: true,
  volumes: true,
  mounts: true,
  sidecars: true,
  initContainers: true,
  serviceAccountName: true,
  automountServiceAccountToken: true,
  imagePullSecrets: true,
  nodeSelector: true,
  tolerations: true,
  affinity: true,
  topologySpread: true,
  priorityClassName: true,
  config: true,
  overrides: true,
});
const PORT_KEYS = keysOf<ContainerPort>({ name: true, containerPort: true, servicePort: true, nodePort: true, protocol: true });
const RESOURCE_KEYS = keysOf<ResourceOptions>({ requests: true, limits: true });
const AMOUNT_KEYS = keysOf<ResourceAmounts>({ cpu: true, memory: true });
const SECURITY_KEYS = keysOf<SecurityOptions>({ runAsUser: true, runAsGroup: true, fsGroup: true, supplementalGroups: true, readOnlyRootFilesystem: true });

/** Labels set on every pod by the library; a user pod label must not replace them. */
export const RESERVED_POD_LABELS: readonly string[] = [Labels.NAME, Labels.INSTANCE, Labels.VERSION, Labels.MANAGED_BY];

/**
 * Directories a podLabelsFile may not be in: its directory is mounted over, and hiding
 * one of these breaks the container (no shell, no libraries, no CA certificates).
 */
export const SYSTEM_DIRECTORIES: readonly string[] = [
  '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64',
  '/usr/local', '/usr/local/bin', '/proc', '/sys', '/dev', '/etc/ssl',
];

const DEFAULT_REQUESTS: ResourceAmounts = { cpu: '100m', memory: '128Mi' };
const EXTRA_DEFAULTS = { requests: { cpu: '50m', memory: '64Mi' }, memoryLimit: '128Mi' };
const DEFAULT_MEMORY_LIMIT = { text: '256Mi' };
// IANA service name (RFC 6335): what a container port name, and so a Service targetPort, must be.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
const FILE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** A port after defaults: named, with its Service port. */
export interface ResolvedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly nodePort?: number;
  readonly protocol: string;
}

/**
 * The validated pod of a workload, minus the image: every phase of a release renders
 * the same blueprint with the image of its track, so pods differ only where they must.
 */
export class PodBlueprint {
  public readonly ports: readonly ResolvedPort[];
  /** The user's extra pod labels, checked not to replace any label the construct sets. */
  public readonly podLabels: { readonly [key: string]: string };
  /** The user's pod annotations. */
  public readonly podAnnotations: { readonly [key: string]: string };
  private readonly container: Omit<k8s.Container, 'image'>;
  private readonly sidecars: k8s.Container[];
  private readonly initContainers: k8s.Container[];
  private readonly volumes: k8s.Volume[];
  private readonly podSecurity: k8s.PodSecurityContext;
  private readonly placement: PodPlacement;
  private readonly mountPaths: readonly string[];
  private readonly appName: string;
  /** The released configuration of the options; a CanaryApp's canary may run another (`releasedConfig`). */
  public readonly config?: ResolvedConfig;
  /** The escape hatch: fields merged last into the Deployment, pod and container. */
  public readonly overrides: ResolvedOverrides;

  /**
   * @param field prefix of the fields in errors, when the options are nested in the props
   * @param reservedLabels label keys the construct sets on pods besides RESERVED_POD_LABELS (its track label)
   */
  constructor(check: Checks, appName: string, options: ContainerOptions, field = '', reservedLabels: readonly string[] = []) {
    const at = (f: string) => join(field, f);
    this.ports = resolvePorts(check, at('ports'), options.ports);
    const names = this.ports.map((p) => p.name);
    const numbers = this.ports.map((p) => p.containerPort);
    const readiness = this.probe(check, at('readinessProbe'), orDefault(options.readinessProbe, Probe.tcpSocket()), names, numbers);
    const liveness = options.livenessProbe === undefined ? undefined : this.probe(check, at('livenessProbe'), options.livenessProbe, names, numbers);
    const startup = options.startupProbe === undefined ? undefined : this.probe(check, at('startupProbe'), options.startupProbe, names, numbers);
    const security: SecurityOptions = options.security === undefined ? {} : check.object(at('security'), options.security);
    check.knownKeys(at('security'), security, SECURITY_KEYS, 'SecurityOptions (the rest of the restricted profile is not optional)');
    const readOnlyRoot = security.readOnlyRootFilesystem === undefined ? false : check.boolean(at('security.readOnlyRootFilesystem'), security.readOnlyRootFilesystem);

    const env = renderEnv(check, at('env'), options.env);
    const envFrom = [
      ...objectNames(check, at('envFromSecrets'), options.envFromSecrets, 'Secret').map((name) => ({ secretRef: { name } })),
      ...objectNames(check, at('envFromConfigMaps'), options.envFromConfigMaps, 'ConfigMap').map((name) => ({ configMapRef: { name } })),
    ];

    const mounts: k8s.VolumeMount[] = [];
    this.volumes = [];
    const builtin = new Map<string, string>();
    if (options.podLabelsFile !== undefined) {
      const { dir, file } = labelsFile(check, at('podLabelsFile'), options.podLabelsFile, readOnlyRoot);
      mounts.push({ name: 'podinfo', mountPath: dir, readOnly: true });
      this.volumes.push({ name: 'podinfo', downwardAPI: { items: [{ path: file, fieldRef: { fieldPath: 'metadata.labels' } }] } });
      builtin.set('podinfo', 'of podLabelsFile');
    }
    if (readOnlyRoot) {
      mounts.push({ name: 'tmp', mountPath: '/tmp' });
      this.volumes.push({ name: 'tmp', emptyDir: {} });
      builtin.set('tmp', 'at /tmp of readOnlyRootFilesystem');
    }
    // Released configuration takes the volume name `released-config`, whether this workload has files or another's does.
    builtin.set(CONFIG_VOLUME, 'of released configuration (config)');
    const volumes = resolveVolumes(check, at('volumes'), options.volumes, builtin);
    mounts.push(...resolveMounts(check, at('mounts'), options.mounts, volumes, mounts.map((m) => m.mountPath)));
    this.mountPaths = mounts.map((m) => m.mountPath);
    this.appName = appName;
    this.config = this.releasedConfig(check, at('config'), options.config);
    this.volumes.push(...[...volumes.values()].map((v) => v.volume));
    const resources = resolveResources(check, at('resources'), options.resources, { requests: DEFAULT_REQUESTS, memoryLimit: DEFAULT_MEMORY_LIMIT.text });

    this.placement = resolvePlacement(check, field, options);
    const gracePeriod = this.placement.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD;
    if (options.drain !== undefined && !Drain.isDrain(options.drain)) check.fail(at('drain'), options.drain, 'a drain made with Drain.sleep(seconds) or Drain.exec(command, seconds)');
    const drain = options.drain?._render(check, at('drain'), gracePeriod);

    this.container = {
      name: check.dnsLabel(at('containerName'), orDefault(options.containerName, appName)),
      command: options.command === undefined ? undefined : check.strings(at('command'), options.command),
      args: options.args === undefined ? undefined : check.strings(at('args'), options.args),
      ports: this.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
      env: env.length ? env : undefined,
      envFrom: envFrom.length ? envFrom : undefined,
      readinessProbe: readiness,
      livenessProbe: liveness,
      startupProbe: startup,
      lifecycle: drain ? { preStop: drain.preStop as never } : undefined,
      resources,
      securityContext: restrictedContainer(readOnlyRoot),
      volumeMounts: mounts.length ? mounts : undefined,
    };
    const extra = {
      volumes,
      resources: (f: string, given: unknown) => resolveResources(check, f, given, EXTRA_DEFAULTS),
      portName: (f: string, value: unknown) => portName(check, f, value),
    };
    this.sidecars = resolveExtraContainers(check, at('sidecars'), options.sidecars, extra, true);
    this.initContainers = resolveExtraContainers(check, at('initContainers'), options.initContainers, extra, false);
    checkPodUniqueness(check, field, this.container as k8s.Container, this.sidecars, this.initContainers);
    const supplementalGroups = security.supplementalGroups === undefined ? [] : check.list(at('security.supplementalGroups'), security.supplementalGroups, 'a list of group ids', 0);
    this.podSecurity = {
      runAsNonRoot: true,
      runAsUser: optionalId(check, at('security.runAsUser'), security.runAsUser),
      runAsGroup: optionalId(check, at('security.runAsGroup'), security.runAsGroup),
      fsGroup: optionalId(check, at('security.fsGroup'), security.fsGroup),
      supplementalGroups: supplementalGroups.length ? supplementalGroups.map((g, i) => check.integer(at(`security.supplementalGroups[${i}]`), g, 1)) : undefined,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    this.podLabels = check.labels(at('podLabels'), options.podLabels, [...RESERVED_POD_LABELS, ...reservedLabels]);
    this.overrides = resolveOverrides(check, at('overrides'), options.overrides);
    this.podAnnotations = this.placement.annotations;
  }

  /**
   * The pod spec running `image`.
   * @param selector the workload's selector, which its topology spread counts pods by
   */
  public podSpec(image: string, selector: { [key: string]: string }, extraEnv: k8s.EnvVar[] = [], config = this.config): k8s.PodSpec {
    const env = [...(this.container.env ?? []), ...extraEnv];
    const spread = this.placement.spread?.(selector);
    const files = config?.files;
    const volumes = [...this.volumes, ...(files ? [{ name: CONFIG_VOLUME, configMap: { name: files.name } }] : [])];
    const mounts = [...(this.container.volumeMounts ?? []), ...(files ? [{ name: CONFIG_VOLUME, mountPath: files.mountPath, readOnly: true }] : [])];
    const envFrom = [...(this.container.envFrom ?? []), ...(config?.env ? [{ configMapRef: { name: config.env.name } }] : [])];
    return {
      ...this.placement.spec,
      containers: [
        { ...this.container, image, env: env.length ? env : undefined, envFrom: envFrom.length ? envFrom : undefined, volumeMounts: mounts.length ? mounts : undefined, ...this.overrides.container },
        ...this.sidecars,
      ],
      initContainers: this.initContainers.length ? this.initContainers : undefined,
      securityContext: this.podSecurity,
      topologySpreadConstraints: spread,
      volumes: volumes.length ? volumes : undefined,
      ...this.overrides.pod,
    };
  }

  /** Released configuration for this pod (files mounted beside its other mounts, values as envFrom). */
  public releasedConfig(check: Checks, field: string, given: unknown): ResolvedConfig | undefined {
    const config = resolveConfig(check, field, given, this.appName);
    const path = config?.files?.mountPath;
    if (path !== undefined && this.mountPaths.includes(path)) check.fail(join(field, 'mountPath'), path, 'a directory no mount of the container uses already');
    return config;
  }

  /** Renders a probe and checks that it targets a TCP port: a TCP or HTTP probe on a UDP port never succeeds. */
  private probe(check: Checks, field: string, probe: unknown, names: string[], numbers: number[]): k8s.Probe {
    if (!Probe.isProbe(probe)) check.fail(field, probe, 'a probe made with Probe.httpGet(path) or Probe.tcpSocket()');
    const rendered = probe._render(check, field, names, numbers);
    const target = (rendered.httpGet ?? rendered.tcpSocket)!.port.value;
    const port = this.ports.find((p) => p.name === target || p.containerPort === target)!;
    if (port.protocol !== 'TCP') check.fail(`${field}.port`, target, `a TCP port: ${port.name} is ${port.protocol} (give the probe a port, or list a TCP port first)`);
    return rendered;
  }
}

function resolvePorts(check: Checks, field: string, ports: unknown): ResolvedPort[] {
  const given = ports === undefined ? [{ containerPort: 8080 }] : check.list(field, ports, 'a non-empty list of container ports, such as [{ containerPort: 8080 }]');
  const resolved = given.map((raw, i) => {
    const at = `${field}[${i}]`;
    const p: ContainerPort = check.object(at, raw, 'an object such as { name: "http", containerPort: 8080 }') as unknown as ContainerPort;
    check.knownKeys(at, p, PORT_KEYS, 'ContainerPort');
    const given = p.name === undefined && i === 0 ? 'http' : p.name;
    if (given === undefined) check.fail(`${at}.name`, given, 'a port name: every port after the first needs one, since Services target ports by name');
    const name = portName(check, `${at}.name`, given);
    const containerPort = check.integer(`${at}.containerPort`, p.containerPort, 1, 65535);
    return {
      name,
      containerPort,
      servicePort: check.integer(`${at}.servicePort`, p.servicePort === undefined ? containerPort : p.servicePort, 1, 65535),
      nodePort: p.nodePort === undefined ? undefined : check.integer(`${at}.nodePort`, p.nodePort, 30000, 32767),
      protocol: check.oneOf(`${at}.protocol`, p.protocol === undefined ? 'TCP' : p.protocol, ['TCP', 'UDP', 'SCTP'] as const),
    };
  });
  const by = (f: string) => (i: number) => `${field}[${i}].${f}`;
  check.unique(by('name'), resolved.map((p) => p.name), 'a name not used by an earlier port');
  check.unique(by('containerPort'), resolved.map((p) => `${p.containerPort}/${p.protocol}`), 'a container port not used by an earlier port with the same protocol');
  check.unique(by('servicePort'), resolved.map((p) => `${p.servicePort}/${p.protocol}`), 'a Service port not used by an earlier port with the same protocol (it defaults to the container port)');
  const withNodePort = resolved.filter((p) => p.nodePort !== undefined);
  check.unique((i) => `${field}[${resolved.indexOf(withNodePort[i])}].nodePort`, withNodePort.map((p) => `${p.nodePort}/${p.protocol}`), 'a node port not used by an earlier port with the same protocol');
  return resolved;
}

/** A port name: an IANA service name, what a Service's targetPort names. */
function portName(check: Checks, field: string, name: unknown): string {
  if (typeof name !== 'string' || name.length > 15 || !PORT_NAME.test(name)) {
    check.fail(field, name, "an IANA service name: at most 15 lower-case letters, digits and single '-', with at least one letter, such as 'http' or 'grpc-web'");
  }
  return name;
}

/** Splits the labels file into the mounted directory and the file name, refusing paths that cannot work. */
function labelsFile(check: Checks, field: string, value: unknown, readOnlyRoot: boolean): { dir: string; file: string } {
  const segments = typeof value === 'string' && FILE_PATH.test(value) ? value.split('/').slice(1) : [];
  // The file name also becomes a downward API item path, which may not start with '..'.
  if (segments.length < 2 || segments.some((s) => s === '.' || s === '..') || segments[segments.length - 1].startsWith('..')) {
    check.fail(field, value, "an absolute file path below a directory, such as '/etc/podinfo/labels', without '.' or '..' (nor a file name starting with '..')");
  }
  const dir = `/${segments.slice(0, -1).join('/')}`;
  if (SYSTEM_DIRECTORIES.includes(dir)) check.fail(field, value, `a file in a directory of its own: ${dir} is mounted over, which would hide the image's ${dir}`);
  if (readOnlyRoot && dir === '/tmp') check.fail(field, value, 'a file outside /tmp: with readOnlyRootFilesystem, /tmp is the writable emptyDir');
  return { dir, file: segments[segments.length - 1] };
}

/**
 * Requests and limits of a container: the given amounts over `defaults`, key by key,
 * a memory limit always (the default one, raised to a larger memory request), and
 * no limit of zero or below its request.
 */
export function resolveResources(check: Checks, field: string, given: unknown, defaults: { requests: ResourceAmounts; memoryLimit: string }): k8s.ResourceRequirements {
  const at = (f: string) => join(field, f);
  const resources: ResourceOptions = given === undefined ? {} : check.object(field, given);
  check.knownKeys(field, resources, RESOURCE_KEYS, 'ResourceOptions');
  const requests = amounts(check, at('requests'), resources.requests, defaults.requests);
  const defaultLimit = quantity(check, at('limits.memory'), defaults.memoryLimit);
  // A memory request above the default limit raises the default limit with it.
  const memoryLimit = requests.memory && requests.memory.value > defaultLimit.value ? requests.memory : defaultLimit;
  const limits = amounts(check, at('limits'), resources.limits, { memory: memoryLimit.text });
  for (const key of AMOUNT_KEYS as Array<keyof ResourceAmounts>) {
    const limit = limits[key];
    const request = requests[key];
    if (limit === undefined) continue;
    if (limit.value === 0) check.fail(at(`limits.${key}`), limit.text, `a quantity above 0: a zero limit leaves the container no ${key}`);
    if (request && limit.value < request.value) {
      const whose = request.given ? '' : `, the default; lower ${at(`requests.${key}`)} too`;
      check.fail(at(`limits.${key}`), limit.text, `a limit at least the request (${request.text}${whose}): Kubernetes rejects a ${key} limit below its request`);
    }
  }
  return { requests: quantities(requests), limits: quantities(limits) };
}

/** The given amounts over the defaults, key by key: setting the cpu request keeps the default memory request. */
function amounts(check: Checks, field: string, given: unknown, defaults: ResourceAmounts): { cpu?: Amount; memory?: Amount } {
  const o: ResourceAmounts = given === undefined ? {} : check.object(field, given);
  check.knownKeys(field, o, AMOUNT_KEYS, 'ResourceAmounts');
  const out: { cpu?: Amount; memory?: Amount } = {};
  for (const key of AMOUNT_KEYS as Array<keyof ResourceAmounts>) {
    if (o[key] !== undefined) out[key] = { ...quantity(check, `${field}.${key}`, o[key]), given: true };
    else if (defaults[key] !== undefined) out[key] = quantity(check, `${field}.${key}`, defaults[key]);
  }
  return out;
}

function quantities(a: { cpu?: Amount; memory?: Amount }): { [key: string]: k8s.Quantity } | undefined {
  const out: { [key: string]: k8s.Quantity } = {};
  for (const key of ['cpu', 'memory'] as const) if (a[key]) out[key] = k8s.Quantity.fromString(a[key]!.text);
  return Object.keys(out).length ? out : undefined;
}

function optionalId(check: Checks, field: string, value: unknown): number | undefined {
  // runAsNonRoot is always on, so uid 0 would only make the pod fail at start.
  return value === undefined ? undefined : check.integer(field, value, 1);
}
