import { Drain } from './drain';
import { ConfigOptions } from './released-config';
import { WorkloadOverrides } from './overrides';
import { EnvValue } from './env-value';
import { k8s } from './k8s';
import { Probe } from './probe';
import { TopologySpread } from './topology-spread';
import { Volume } from './volume';

/** A port the container listens on. */
export interface ContainerPort {
  /** Name, used as the Services' `targetPort` so it survives a renumbering. @default 'http' for the first port */
  readonly name?: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Port of the Service in front of the pods. @default - the container port */
  readonly servicePort?: number;
  /** Fixed node port when the Service is a NodePort or LoadBalancer. @default - assigned by the cluster */
  readonly nodePort?: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** CPU and memory, in Kubernetes quantities ('250m', '1', '128Mi'). */
export interface ResourceAmounts {
  /** @default - none */
  readonly cpu?: string;
  /** @default - none */
  readonly memory?: string;
}

/**
 * Requests and limits of the container. A container always has a cpu and a memory
 * request and a memory limit; the amounts given replace the defaults one by one
 * (setting the cpu request keeps the default memory request). A limit below its
 * request is refused, as Kubernetes would refuse it.
 */
export interface ResourceOptions {
  /** @default { cpu: '100m', memory: '128Mi' } */
  readonly requests?: ResourceAmounts;
  /**
   * No CPU limit by default: a CPU limit throttles a busy pod even on an idle node.
   * @default { memory: '256Mi' }, or the memory request when that is larger
   */
  readonly limits?: ResourceAmounts;
}

/** Who the container runs as; the rest of the Pod Security Standards "restricted" profile is always applied. */
export interface SecurityOptions {
  /** @default - the image's user, which must not be root (runAsNonRoot is always set) */
  readonly runAsUser?: number;
  /** @default - the image's group */
  readonly runAsGroup?: number;
  /** Group that owns the files of mounted volumes that support ownership (emptyDir, most claims). @default - none */
  readonly fsGroup?: number;
  /** Further groups of the first process of every container. @default - none */
  readonly supplementalGroups?: number[];
  /**
   * Mount the root filesystem read-only, with a writable emptyDir at /tmp.
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/** Where a volume of the pod appears in a container. */
export interface VolumeMountOptions {
  /** Name of the volume: a key of `volumes`. */
  readonly volume: string;
  /** Absolute path in the container, e.g. '/etc/app'. */
  readonly path: string;
  /** @default - true for ConfigMap, Secret and projected volumes and read-only claims, false otherwise */
  readonly readOnly?: boolean;
  /**
   * Mount one file or directory of the volume, at this relative path. A subPath mount of a
   * ConfigMap or Secret does not follow changes of it (the files of released config never
   * change, so it suits those).
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** A tolerated node taint (tolerations). */
export interface Toleration {
  /** Taint key; leave it out with operator EXISTS to tolerate every taint. @default - every key */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value, with operator 'Equal'. @default - none */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** With effect NoExecute: seconds the pod stays on a node after the taint appears. @default - forever */
  readonly tolerationSeconds?: number;
}

/**
 * A container beside the application's in every pod: a sidecar (proxy, log shipper,
 * metrics exporter) or an init container. It gets the same restricted security profile
 * as the application's container, and its own resources (defaults: requests 50m CPU and
 * 64Mi memory, memory limit 128Mi).
 */
export interface ExtraContainerOptions {
  /** Name, unique in the pod (the application's container is named after the application). */
  readonly name: string;
  /** Image, pinned by tag or digest. */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's cmd */
  readonly args?: string[];
  /** @default - none */
  readonly env?: { [name: string]: EnvValue };
  /** @default - requests { cpu: '50m', memory: '64Mi' }, limits { memory: '128Mi' } */
  readonly resources?: ResourceOptions;
  /** Volumes of the pod it mounts. @default - none */
  readonly mounts?: VolumeMountOptions[];
  /** Mount its root filesystem read-only. @default false */
  readonly readOnlyRootFilesystem?: boolean;
}

/** A sidecar: a regular container of the pod, started with the application's and ready with it. */
export interface SidecarOptions extends ExtraContainerOptions {
  /**
   * Ports it listens on (a metrics endpoint, an admin port). No Service sends to them;
   * each needs a name unique in the pod.
   * @default - none
   */
  readonly ports?: ContainerPort[];
}

/** A container run to completion, in order, before the others start (`initContainers`). */
export interface InitContainerOptions extends ExtraContainerOptions {}

/** What runs in each pod: shared by every construct that renders a workload. */
export interface ContainerOptions {
  /** @default [{ name: 'http', containerPort: 8080 }] */
  readonly ports?: ContainerPort[];
  /** @default Probe.tcpSocket() on the first port */
  readonly readinessProbe?: Probe;
  /** @default - none */
  readonly livenessProbe?: Probe;
  /** Environment variables by name. @default - none */
  readonly env?: { [name: string]: EnvValue };
  /** Secrets whose every key becomes an environment variable (`envFrom`). @default - none */
  readonly envFromSecrets?: string[];
  /**
   * Writes the pod's labels to this file through the downward API; the file follows
   * label changes. Its directory is mounted as a volume, which hides what the image has there.
   * @default - no file
   */
  readonly podLabelsFile?: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's cmd */
  readonly args?: string[];
  /** @default ResourceOptions defaults */
  readonly resources?: ResourceOptions;
  /** @default SecurityOptions defaults */
  readonly security?: SecurityOptions;
  /** Name of the container. @default - the application name */
  readonly containerName?: string;
  /** Extra labels on the pods (not part of any selector). @default - none */
  readonly podLabels?: { [key: string]: string };
  /** Annotations on the pods, e.g. Prometheus' `prometheus.io/scrape`. @default - none */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Probe that holds the readiness and liveness probes off until it passes once: for an
   * application that starts slowly, instead of a long initialDelaySeconds.
   * @default - none
   */
  readonly startupProbe?: Probe;
  /** Wait before SIGTERM so that no request reaches a stopping process; see Drain. @default - none (see Drain for why) */
  readonly drain?: Drain;
  /**
   * Seconds a stopping pod has (drain included) before it is killed.
   * @default - Kubernetes' default, 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /** ConfigMaps whose every key becomes an environment variable (`envFrom`). @default - none */
  readonly envFromConfigMaps?: string[];
  /** Volumes of the pod, by name; containers mount them with `mounts`. @default - none */
  readonly volumes?: { [name: string]: Volume };
  /** Volumes the application's container mounts. A mount must name a volume of `volumes`. @default - none */
  readonly mounts?: VolumeMountOptions[];
  /** Containers beside the application's, in order. @default - none */
  readonly sidecars?: SidecarOptions[];
  /** Containers run to completion before the others, in order. @default - none */
  readonly initContainers?: InitContainerOptions[];
  /**
   * Service account of the pods: needed for workload identity with a cloud (IRSA, GKE and
   * Azure workload identity) or for calling the Kubernetes API. The account is not
   * created here.
   * @default - the namespace's `default` account
   */
  readonly serviceAccountName?: string;
  /**
   * Mount the account's API token in every container. Off unless the application calls
   * the Kubernetes API itself: a token in every pod is a credential an intruder can use.
   * Cloud workload identity usually needs no API token (it projects its own; see
   * Volume.projected).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /** Secrets of type dockerconfigjson for pulling from a private registry. @default - none */
  readonly imagePullSecrets?: string[];
  /** Nodes the pods may run on, by node labels. @default - any node */
  readonly nodeSelector?: { [key: string]: string };
  /** Node taints the pods tolerate. @default - none */
  readonly tolerations?: Toleration[];
  /**
   * Node and pod affinity, as the Kubernetes API writes it (schema-checked at synthesis and by `verify`).
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * How pods spread over nodes and zones; each workload spreads its own pods.
   * @default - none: the scheduler's default spreading
   */
  readonly topologySpread?: TopologySpread;
  /** PriorityClass of the pods. @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /**
   * Configuration released like the image: ConfigMaps `<app>-config-<hash>` mounted or
   * envFrom'd; see ConfigOptions. In a Gateway each version may have its own.
   * @default - none
   */
  readonly config?: ConfigOptions;
  /**
   * Fields of the Deployment, pod and container that no prop sets, merged last; see
   * WorkloadOverrides. Fields a prop or the release owns are refused.
   * @default - none
   */
  readonly overrides?: WorkloadOverrides;
}
