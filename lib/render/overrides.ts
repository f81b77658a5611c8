import { k8s } from './k8s';
import { Checks, isPlainObject, join, keysOf } from '../model/checks';

/**
 * The escape hatch: Kubernetes fields this library has no prop for, written as the API
 * writes them (the k8s L1 types), merged last into every Deployment, pod and application
 * container the construct renders. `verify` schema-checks the result and `plan` shows it
 * like any other field. Fields the release or a prop owns are refused, naming the prop:
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

/** Field → the prop that sets it (or why it is not overridable). */
const OWNED: { readonly [part in keyof WorkloadOverrides]: { readonly [field: string]: string } } = {
  deployment: {
    selector: 'the release (trackLabel or versionLabel): a Deployment selector is immutable and must match the pods it owns',
    template: 'overrides.pod and overrides.container',
    replicas: 'replicas (or autoscaling)',
    strategy: 'rollingUpdate',
    minReadySeconds: 'rollingUpdate.minReadySeconds',
  },
  pod: {
    containers: 'sidecars (and the application container\'s own props)',
    initContainers: 'initContainers',
    volumes: 'volumes',
    securityContext: 'security (the rest of the restricted profile is not optional)',
    hostNetwork: 'nothing: the restricted profile forbids it',
    hostPID: 'nothing: the restricted profile forbids it',
    hostIPC: 'nothing: the restricted profile forbids it',
    serviceAccountName: 'serviceAccountName',
    serviceAccount: 'serviceAccountName',
    automountServiceAccountToken: 'automountServiceAccountToken',
    imagePullSecrets: 'imagePullSecrets',
    nodeSelector: 'nodeSelector',
    tolerations: 'tolerations',
    affinity: 'affinity',
    topologySpreadConstraints: 'topologySpread',
    priorityClassName: 'priorityClassName',
    terminationGracePeriodSeconds: 'terminationGracePeriodSeconds',
  },
  container: {
    name: 'containerName',
    image: 'the image of each track or version',
    command: 'command',
    args: 'args',
    ports: 'ports',
    env: 'env',
    envFrom: 'envFromSecrets, envFromConfigMaps or config',
    readinessProbe: 'readinessProbe',
    livenessProbe: 'livenessProbe',
    startupProbe: 'startupProbe',
    resources: 'resources',
    securityContext: 'security (the rest of the restricted profile is not optional)',
    volumeMounts: 'mounts',
    lifecycle: 'drain',
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
      if (v !== undefined && owner !== undefined) check.fail(`${at}.${k}`, v, `no ${k} here: set it with ${owner}`);
    }
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  };
  return { deployment: part('deployment'), pod: part('pod'), container: part('container') };
}
