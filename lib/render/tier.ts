import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { Checks, keysOf, orDefault } from '../model/checks';
import { Labels, releaseLabels } from '../model/labels';
import { Limits } from '../model/limits';
import { StageLabels } from '../model/stage-strategy';
import { AutoscalingOptions, renderAutoscaler, resolveAutoscaling, ResolvedAutoscaling } from './autoscaling';
import { ContainerOptions } from './container-options';
import { renderConfigMaps, ResolvedConfig } from './released-config';
import { exposureProp, ResolvedExposure, ServiceExposureOptions } from './service-exposure';
import { CONTAINER_OPTION_KEYS, PodBlueprint, ResolvedPort } from './pod-blueprint';
import { ResolvedRollingUpdate, ServiceType, renderDeployment, renderService } from './workload';

/** One tier of a multi-tier application (the frontend, the backend) and its pods. */
export interface TierProps extends ContainerOptions {
  /**
   * Name of the tier: value of `app.kubernetes.io/name` on its objects and prefix of
   * their names (`frontend-active`, `backend-v1`). Starts with a letter, since it
   * begins Service names.
   * @default - 'frontend' or 'backend'
   */
  readonly name?: string;
  /** Pods of the tier in production. @default 3 */
  readonly replicas?: number;
  /** Pods of the tier's temporary smoke copy. @default 1 */
  readonly smokeReplicas?: number;
  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) for every Deployment of the tier that has
   * pods in a phase, named like it. Its minimum is what the phase gives that Deployment:
   * `minReplicas` (default `replicas`) in production, `smokeReplicas` for the smoke copy,
   * so a version's backend that starts as a smoke copy keeps one autoscaler when it goes
   * to production. The Deployments then set no `spec.replicas` (each apply would reset the
   * count); a Deployment the cleanup scales to zero sets `replicas: 0` and loses its
   * autoscaler, which cannot hold zero pods. Both stages call Services, whose requests
   * do not depend on pod counts, so each Deployment scales alone.
   * @default - no autoscaler: each Deployment runs the pods of its phase
   */
  readonly autoscaling?: AutoscalingOptions;
  /** Type of the tier's production Service. @default ServiceType.CLUSTER_IP */
  readonly serviceType?: ServiceType;
  /**
   * Type of the Service of the tier's smoke copy. The smoke test runs inside the
   * cluster, so it needs no external address.
   * @default ServiceType.CLUSTER_IP
   */
  readonly smokeServiceType?: ServiceType;
  /** Annotations and load balancer fields of the tier's production Services (not of its smoke copies'). @default - none */
  readonly service?: ServiceExposureOptions;
}

/** What one Deployment of a tier runs, and how its pods are told apart from the tier's others. */
export interface TierWorkload {
  /** Value of `app.kubernetes.io/instance`. */
  readonly release: string;
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** Name of the Deployment and of its Service. */
  readonly name: string;
  /** Version the Deployment runs. */
  readonly version: string;
  /** Image the Deployment runs. */
  readonly image: string;
  /** Desired pod count. */
  readonly replicas: number;
  /** The label that, with the tier name, selects the Deployment's pods: fixed for the Deployment's life. */
  readonly selector: readonly [key: string, value: string];
  /** Type of its Service. */
  readonly serviceType: ServiceType;
  /** How its pods are replaced when the image changes. */
  readonly rollingUpdate: ResolvedRollingUpdate;
  /** Variables added after the tier's own. @default - none */
  readonly env?: k8s.EnvVar[];
  /** Whether it serves production (its Service gets the tier's `service` options), rather than a smoke test. */
  readonly production: boolean;
  /** Released configuration of the version it runs. @default - the tier's config */
  readonly config?: ResolvedConfig;
}

/** @internal Every prop of TierProps. */
export const TIER_KEYS = [
  ...CONTAINER_OPTION_KEYS,
  ...keysOf<Omit<TierProps, keyof ContainerOptions>>({ name: true, replicas: true, smokeReplicas: true, autoscaling: true, serviceType: true, smokeServiceType: true, service: true }),
];

/** A validated tier: every stage and version of it renders the same pod with its own image. */
export class Tier {
  public readonly name: string;
  /** Pods of the tier in production: the autoscaler's minimum when it has one. */
  public readonly replicas: number;
  public readonly smokeReplicas: number;
  /** @default - none */
  public readonly autoscaling?: ResolvedAutoscaling;
  public readonly serviceType: ServiceType;
  public readonly smokeServiceType: ServiceType;
  /** The ports of the tier's Services; the first one is what callers use. */
  public readonly ports: readonly ResolvedPort[];
  private readonly blueprint: PodBlueprint;
  private readonly exposure?: ResolvedExposure;

  /**
   * @param check names the construct in errors
   * @param field the prop holding the tier (`frontend`), prefix of every field in errors
   * @param given the tier's props, as the caller passed them
   * @param defaultName the tier's name when the props give none
   * @param keys the props the tier accepts: the frontend's add backendUrlVariable
   * @param typeName the props' type, named in the error for a misspelt prop
   */
  constructor(check: Checks, field: string, given: TierProps, defaultName: string, keys: readonly string[] = TIER_KEYS, typeName = 'TierProps') {
    const props: TierProps = check.object(field, given, "the tier's options: an object ({} for the defaults)");
    check.knownKeys(field, props, keys, typeName);
    this.name = check.dns1035Label(`${field}.name`, orDefault(props.name, defaultName), 63 - '-active'.length, ' (it begins the names of its Services)');
    const replicas = check.integer(`${field}.replicas`, orDefault(props.replicas, 3), 1, Limits.MAX_REPLICAS);
    this.smokeReplicas = check.integer(`${field}.smokeReplicas`, orDefault(props.smokeReplicas, 1), 1, Limits.MAX_REPLICAS);
    const autoscaling = props.autoscaling === undefined ? undefined : resolveAutoscaling(check, `${field}.autoscaling`, props.autoscaling, replicas);
    if (autoscaling && this.smokeReplicas > autoscaling.maxReplicas) {
      check.fail(`${field}.smokeReplicas`, this.smokeReplicas, `at most ${autoscaling.maxReplicas}, the maxReplicas of the tier's autoscaler (the smoke copy is autoscaled from smokeReplicas)`);
    }
    this.autoscaling = autoscaling;
    this.replicas = autoscaling?.minReplicas ?? replicas;
    const types = Object.values(ServiceType);
    this.serviceType = check.oneOf(`${field}.serviceType`, orDefault(props.serviceType, ServiceType.CLUSTER_IP), types);
    this.smokeServiceType = check.oneOf(`${field}.smokeServiceType`, orDefault(props.smokeServiceType, ServiceType.CLUSTER_IP), types);
    this.exposure = exposureProp(check, `${field}.service`, props.service, this.serviceType);
    // Selectors are made of these: a pod label of the same key would be replaced without a word.
    this.blueprint = new PodBlueprint(check, this.name, props, field, [StageLabels.STAGE, StageLabels.VERSION_LINE]);
    this.ports = this.blueprint.ports;
    this.ports.forEach((p, i) => {
      // Two Services of a tier always coexist at some phase (active and smoke, or two versions).
      if (p.nodePort !== undefined) check.fail(`${field}.ports[${i}].nodePort`, p.nodePort, 'no fixed nodePort: the tier has two Services at once during a release, and a node port can be allocated only once');
    });
  }

  /** Released configuration of one version of the tier, checked against the tier's mounts. */
  public releasedConfig(check: Checks, field: string, given: unknown): ResolvedConfig | undefined {
    return given === undefined ? this.blueprint.config : this.blueprint.releasedConfig(check, field, given);
  }

  /** Address of a Service of this tier, as callers inside the namespace write it. */
  public url(service: string): string {
    return `http://${service}:${this.ports[0].servicePort}`;
  }

  /**
   * Renders one Deployment of the tier and the Service of the same name in front of it.
   * A Deployment scaled to zero gets no Service: one without endpoints would only turn
   * a stray caller's requests into connection errors.
   */
  public render(scope: Construct, w: TierWorkload): { readonly deployment: ApiObject; readonly service?: ApiObject } {
    const [key, value] = w.selector;
    const objectLabels = { [Labels.NAME]: this.name, ...releaseLabels(w.release), [key]: value };
    const labels = { ...objectLabels, [Labels.VERSION]: w.version };
    const selector = { [Labels.NAME]: this.name, [key]: value };
    const config = w.config ?? this.blueprint.config;
    renderConfigMaps(scope, config, { namespace: w.namespace, labels: { [Labels.NAME]: this.name, ...releaseLabels(w.release) } });
    const deployment = renderDeployment(scope, 'deployment', {
      name: w.name,
      namespace: w.namespace,
      labels,
      selector,
      podLabels: { ...this.blueprint.podLabels, ...labels },
      podAnnotations: this.blueprint.podAnnotations,
      specOverrides: this.blueprint.overrides.deployment,
      // An autoscaler sets the count: a replicas field would reset it on every apply.
      replicas: this.autoscaling && w.replicas > 0 ? undefined : w.replicas,
      rollingUpdate: w.rollingUpdate,
      podSpec: this.blueprint.podSpec(w.image, selector, w.env, config),
    });
    if (this.autoscaling && w.replicas > 0) {
      renderAutoscaler(scope, 'autoscaler', { name: w.name, namespace: w.namespace, labels, deployment: w.name, minReplicas: w.replicas, autoscaling: this.autoscaling });
    }
    if (w.replicas === 0) return { deployment };
    const service = renderService(scope, 'service', {
      name: w.name,
      namespace: w.namespace,
      labels: objectLabels,
      selector,
      type: w.serviceType,
      ports: this.ports,
      exposure: w.production ? this.exposure : undefined,
    });
    return { deployment, service };
  }
}
