import { k8s } from './k8s';
import { Checks } from '../model/checks';
import { ContainerOptions, ContainerPort } from './container-options';
import { Probe } from './probe';

const DEFAULT_REQUESTS = { cpu: '100m', memory: '128Mi' };
const DEFAULT_LIMITS = { memory: '256Mi' };
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

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
  private readonly container: Omit<k8s.Container, 'image'>;
  private readonly volumes: k8s.Volume[];
  private readonly podSecurity: k8s.PodSecurityContext;

  constructor(check: Checks, appName: string, options: ContainerOptions, field = '') {
    const at = (f: string) => (field ? `${field}.${f}` : f);
    this.ports = resolvePorts(check, at('ports'), options.ports);
    const names = this.ports.map((p) => p.name);
    const numbers = this.ports.map((p) => p.containerPort);
    const readiness = (options.readinessProbe ?? Probe.tcpSocket())._render(check, at('readinessProbe'), names, numbers);
    const liveness = options.livenessProbe?._render(check, at('livenessProbe'), names, numbers);
    const security = options.security ?? {};
    const readOnlyRoot = security.readOnlyRootFilesystem ?? false;

    const env = Object.entries(options.env ?? {}).map(([name, value]) => {
      if (!ENV_NAME.test(name)) check.fail(at(`env key`), name, "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit");
      return value._toEnvVar(check, at(`env.${name}`), name);
    });
    const envFrom = (options.envFromSecrets ?? []).map((s, i) => ({ secretRef: { name: check.dnsSubdomain(at(`envFromSecrets[${i}]`), s) } }));
    check.unique(at('envFromSecrets'), options.envFromSecrets ?? []);

    const mounts: k8s.VolumeMount[] = [];
    this.volumes = [];
    if (options.podLabelsFile !== undefined) {
      const file = options.podLabelsFile;
      const slash = typeof file === 'string' ? file.lastIndexOf('/') : -1;
      if (typeof file !== 'string' || !file.startsWith('/') || slash <= 0 || slash === file.length - 1) {
        check.fail(at('podLabelsFile'), file, "an absolute file path below a directory, such as '/etc/podinfo/labels'");
      }
      mounts.push({ name: 'podinfo', mountPath: file.slice(0, slash), readOnly: true });
      this.volumes.push({ name: 'podinfo', downwardApi: { items: [{ path: file.slice(slash + 1), fieldRef: { fieldPath: 'metadata.labels' } }] } });
    }
    if (readOnlyRoot) {
      mounts.push({ name: 'tmp', mountPath: '/tmp' });
      this.volumes.push({ name: 'tmp', emptyDir: {} });
    }

    this.container = {
      name: check.dnsLabel(at('containerName'), options.containerName ?? appName),
      command: options.command,
      args: options.args,
      ports: this.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
      env: env.length ? env : undefined,
      envFrom: envFrom.length ? envFrom : undefined,
      readinessProbe: readiness,
      livenessProbe: liveness,
      resources: {
        requests: quantities(check, at('resources.requests'), options.resources?.requests ?? DEFAULT_REQUESTS),
        limits: quantities(check, at('resources.limits'), options.resources?.limits ?? DEFAULT_LIMITS),
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: readOnlyRoot,
        runAsNonRoot: true,
      },
      volumeMounts: mounts.length ? mounts : undefined,
    };
    this.podSecurity = {
      runAsNonRoot: true,
      runAsUser: optionalId(check, at('security.runAsUser'), security.runAsUser),
      runAsGroup: optionalId(check, at('security.runAsGroup'), security.runAsGroup),
      fsGroup: optionalId(check, at('security.fsGroup'), security.fsGroup),
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  /** The pod spec running `image`. */
  public podSpec(image: string, extraEnv: k8s.EnvVar[] = []): k8s.PodSpec {
    const env = [...(this.container.env ?? []), ...extraEnv];
    return {
      automountServiceAccountToken: false,
      containers: [{ ...this.container, image, env: env.length ? env : undefined }],
      securityContext: this.podSecurity,
      volumes: this.volumes.length ? this.volumes : undefined,
    };
  }
}

function resolvePorts(check: Checks, field: string, ports: ContainerPort[] | undefined): ResolvedPort[] {
  const given = ports ?? [{ containerPort: 8080 }];
  if (!Array.isArray(given) || given.length === 0) check.fail(field, ports, 'at least one container port');
  const resolved = given.map((p, i) => ({
    name: check.dnsLabel(`${field}[${i}].name`, p.name ?? (i === 0 ? 'http' : undefined), 15),
    containerPort: check.integer(`${field}[${i}].containerPort`, p.containerPort, 1, 65535),
    servicePort: check.integer(`${field}[${i}].servicePort`, p.servicePort ?? p.containerPort, 1, 65535),
    nodePort: p.nodePort === undefined ? undefined : check.integer(`${field}[${i}].nodePort`, p.nodePort, 30000, 32767),
    protocol: check.oneOf(`${field}[${i}].protocol`, p.protocol ?? 'TCP', ['TCP', 'UDP', 'SCTP'] as const),
  }));
  check.unique(`${field} names`, resolved.map((p) => p.name));
  check.unique(`${field} containerPorts`, resolved.map((p) => `${p.containerPort}/${p.protocol}`));
  check.unique(`${field} servicePorts`, resolved.map((p) => `${p.servicePort}/${p.protocol}`));
  return resolved;
}

function quantities(check: Checks, field: string, amounts: { cpu?: string; memory?: string }): { [key: string]: k8s.Quantity } | undefined {
  const out: { [key: string]: k8s.Quantity } = {};
  for (const key of ['cpu', 'memory'] as const) {
    const v = amounts[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !QUANTITY.test(v)) check.fail(`${field}.${key}`, v, "a Kubernetes quantity such as '250m', '1', '128Mi'");
    out[key] = k8s.Quantity.fromString(v);
  }
  return Object.keys(out).length ? out : undefined;
}

function optionalId(check: Checks, field: string, value: number | undefined): number | undefined {
  // runAsNonRoot is always on, so uid 0 would only make the pod fail at start.
  return value === undefined ? undefined : check.integer(field, value, 1, 2147483647);
}
