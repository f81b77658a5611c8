import { EnvValue } from './env-value';
import { Probe } from './probe';

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
  /** @default - none */
  readonly fsGroup?: number;
  /**
   * Mount the root filesystem read-only, with a writable emptyDir at /tmp.
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
}

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
}
