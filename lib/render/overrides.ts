import { k8s } from './k8s';
import { Checks, isPlainObject, join, keysOf } from '../model/checks';
import { SpecFragmentKind, validateSpecFragment } from '../verify/schema/spec-fragments';
import { formatPath, PathSegment } from '../verify/schema/schema-issue';

/**
 * The escape hatch: Kubernetes fields this library has no prop for, written as the API
 * writes them (the k8s L1 types), merged last into every Deployment, pod and application
 * container the construct renders. Each part is checked at synthesis with the schema
 * `verify` applies (unknown fields, types, enums), and `plan` shows it like any other field. Fields the release or a prop owns are refused, naming the prop:
 * selectors, labels, images, replicas, probes, security and the rest would otherwise be
 * changed behind the release's back (a changed selector cannot even be applied).
 */
export interface WorkloadOverrides {
  /** Fields of the Deployment spec, e.g. `{ revisionHistoryLimit: 3, progressDeadlineSeconds: 900 }`. @default - none */
  readonly deployment?: Partial<k8s.DeploymentSpec>;
  /** Fields of the pod spec, e.g. `{ dnsConfig: { options: [{ name: 'ndots', value: '2' }] }, runtimeClassName: 'gvisor' }`. @default - none */
  readonly pod?: Partial<k8s.PodSpec>;
  /** Fields of the application's container, e.g. `{ workingDir: '/srv', terminationMessagePolicy: 'FallbackToLogsOnError' }`. @default - none */
  readonly container?: Partial<k8s.Container>;
}

const OVERRIDE_KEYS = keysOf<WorkloadOverrides>({ deployment: true, pod: true, container: true });

/** Field → the prop that sets it, or why no one may. */
const OWNED: { readonly [part in keyof WorkloadOverrides]: { readonly [field: string]: string } } = {
  deployment: {
    selector: 'set it with the release (trackLabel or versionLabel): a Deployment selector is immutable and must match the pods it owns',
    template: 'set it with overrides.pod and overrides.container',
    replicas: 'set it with replicas (or autoscaling)',
    strategy: 'set it with rollingUpdate',
    minReadySeconds: 'set it with rollingUpdate.minReadySeconds',
  },
  pod: {
    containers: 'set it with sidecars (and the application container\'s own props)',
    initContainers: 'set it with initContainers',
    volumes: 'set it with volumes',
    securityContext: 'set it with security (the rest of the restricted profile is not optional)',
    hostNetwork: 'the restricted profile forbids it',
    hostPID: 'the restricted profile forbids it',
    hostIPC: 'the restricted profile forbids it',
    serviceAccountName: 'set it with serviceAccountName',
    serviceAccount: 'set it with serviceAccountName',
    automountServiceAccountToken: 'set it with automountServiceAccountToken',
    imagePullSecrets: 'set it with imagePullSecrets',
    nodeSelector: 'set it with nodeSelector',
    tolerations: 'set it with tolerations',
    affinity: 'set it with affinity',
    topologySpreadConstraints: 'set it with topologySpread',
    priorityClassName: 'set it with priorityClassName',
    terminationGracePeriodSeconds: 'set it with terminationGracePeriodSeconds',
  },
  container: {
    name: 'set it with containerName',
    image: 'set it with the image of each track or version',
    command: 'set it with command',
    args: 'set it with args',
    ports: 'set it with ports',
    env: 'set it with env',
    envFrom: 'set it with envFromSecrets, envFromConfigMaps or config',
    readinessProbe: 'set it with readinessProbe',
    livenessProbe: 'set it with livenessProbe',
    startupProbe: 'set it with startupProbe',
    resources: 'set it with resources',
    securityContext: 'set it with security (the rest of the restricted profile is not optional)',
    volumeMounts: 'set it with mounts',
    lifecycle: 'set it with drain',
  },
};

/** The overrides after their checks, each part a plain object (empty when not given). */
export interface ResolvedOverrides {
  /** Merged last into each Deployment spec. */
  readonly deployment: { readonly [key: string]: unknown };
  /** Merged last into each pod spec. */
  readonly pod: { readonly [key: string]: unknown };
  /** Merged last into the application's container. */
  readonly container: { readonly [key: string]: unknown };
}

export function resolveOverrides(check: Checks, field: string, given: unknown): ResolvedOverrides {
  if (given === undefined) return { deployment: {}, pod: {}, container: {} };
  const o = check.object(field, given, 'an object such as { pod: { dnsPolicy: "ClusterFirst" } }') as WorkloadOverrides;
  check.knownKeys(field, o, OVERRIDE_KEYS, 'WorkloadOverrides');
  const part = (p: keyof WorkloadOverrides) => {
    const at = join(field, p);
    if (o[p] === undefined) return {};
    if (!isPlainObject(o[p])) check.fail(at, o[p], `an object of ${p === 'deployment' ? 'Deployment spec' : p === 'pod' ? 'pod spec' : 'container'} fields, as the Kubernetes API writes them`);
    const fields = o[p] as { [key: string]: unknown };
    for (const [k, v] of Object.entries(fields)) {
      const owner = OWNED[p]![k];
      if (v !== undefined && owner !== undefined) check.fail(`${at}.${k}`, v, `no ${k} here: ${owner}`);
    }
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    checkKubernetesFields(check, at, p, given);
    return given;
  };
  return { deployment: part('deployment'), pod: part('pod'), container: part('container') };
}

/**
 * Fields written as the Kubernetes API writes them, checked with the schema `verify`
 * applies to the manifests (unknown fields, types, enums, required fields), so a typo
 * fails at synthesis, naming the prop, rather than at `kubectl apply`.
 * @param field the prop holding `fields`; an issue is reported at `<field>.<its path>`
 */
export function checkKubernetesFields(check: Checks, field: string, part: SpecFragmentKind, fields: { readonly [key: string]: unknown }): void {
  const [issue] = validateSpecFragment(part, fields);
  if (issue === undefined) return;
  const unknown = issue.message.startsWith('unknown field');
  check.fail(join(field, formatPath(issue.path)), valueAt(fields, issue.path), `${unknown ? 'a field of' : 'a value accepted by'} the Kubernetes ${TYPE_NAMES[part]} (${issue.message})`);
}

const TYPE_NAMES: { readonly [part in keyof WorkloadOverrides]-?: string } = { deployment: 'DeploymentSpec', pod: 'PodSpec', container: 'Container' };

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((v, segment) => (v !== null && typeof v === 'object' ? (v as { [key: string]: unknown })[segment] : undefined), value);
}
