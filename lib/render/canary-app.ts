import { Construct } from 'constructs';
import { CanaryPhase, CanaryPlan, planCanary } from '../model/canary-plan';
import { CanaryStep, CapacityMode } from '../model/canary-step';
import { defaultVersion, parseImage } from '../model/image';
import { Labels, pruneSelector, releaseLabels } from '../model/labels';
import { DeclaredRelease } from '../model/release';
import { ContainerOptions } from './container-options';
import { PhasedRelease } from './phased-release';
import { PodBlueprint } from './pod-blueprint';
import { RollingUpdateOptions, ResolvedRollingUpdate, ServiceType, renderDeployment, renderService, resolveRollingUpdate } from './workload';

/** The production Service of a canary app. */
export interface CanaryServiceOptions {
  /** @default - the application name */
  readonly name?: string;
  /** @default ServiceType.CLUSTER_IP */
  readonly type?: ServiceType;
}

/** Props of a CanaryApp: the two images, how many pods, how the share grows, and (from ContainerOptions) what runs in each pod. */
export interface CanaryAppProps extends ContainerOptions {
  /**
   * Name of the application: prefix of the object names and value of the
   * `app.kubernetes.io/name` and `app.kubernetes.io/instance` labels.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - no namespace in the manifests (kubectl's current one) */
  readonly namespace?: string;
  /** The image in production now, pinned by tag or digest. */
  readonly stableImage: string;
  /** The new image, pinned by tag or digest. */
  readonly canaryImage: string;
  /** Value of the version label of stable pods. @default - the tag (or digest) of stableImage */
  readonly stableVersion?: string;
  /** Value of the version label of canary pods. @default - the tag (or digest) of canaryImage */
  readonly canaryVersion?: string;
  /** Pods of the stable track at full capacity. @default 3 */
  readonly replicas?: number;
  /** The canary phases, in order of growing share. @default [CanaryStep.replicas(1)] */
  readonly steps?: CanaryStep[];
  /** Whether canary pods replace stable ones or come on top. @default CapacityMode.CONSTANT */
  readonly capacity?: CapacityMode;
  /** @default - a ClusterIP Service named after the application */
  readonly service?: CanaryServiceOptions;
  /** @default RollingUpdateOptions defaults: maxSurge 1, maxUnavailable 0 */
  readonly rollingUpdate?: RollingUpdateOptions;
  /**
   * The fewest ready pods the production Service may have at any moment of the
   * release, checked by the verifier on every transition.
   * @default - replicas - 1, at least 1
   */
  readonly minAvailable?: number;
  /** Key of the label that tells the tracks apart (the appinfo seed reads `release`). @default 'track' */
  readonly trackLabel?: string;
}

/**
 * A canary release of one application on plain Kubernetes: a stable and a canary
 * Deployment behind one production Service, the canary's share set by replica
 * counts. Renders every phase: stable, dark, each canary step, promote, rollback.
 */
export class CanaryApp extends PhasedRelease {
  /** Application name, prefix of every object name. */
  public readonly appName: string;
  public readonly plan: CanaryPlan;
  private readonly serviceName: string;
  private readonly minAvailable: number;
  private readonly namespace?: string;

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    const check = this.check;
    const name = (this.appName = check.dnsLabel('name', props.name ?? id, 63 - '-canary'.length));
    this.namespace = props.namespace === undefined ? undefined : check.dnsLabel('namespace', props.namespace);
    const replicas = check.integer('replicas', props.replicas ?? 3, 1);
    const capacity = check.oneOf('capacity', props.capacity ?? CapacityMode.CONSTANT, Object.values(CapacityMode));
    const stableImage = parseImage(check, 'stableImage', props.stableImage);
    const canaryImage = parseImage(check, 'canaryImage', props.canaryImage);
    if (canaryImage.reference === stableImage.reference) check.fail('canaryImage', props.canaryImage, 'an image other than stableImage');
    const stableVersion = check.labelValue('stableVersion', props.stableVersion ?? defaultVersion(stableImage));
    const canaryVersion = check.labelValue('canaryVersion', props.canaryVersion ?? defaultVersion(canaryImage));
    if (canaryVersion === stableVersion) check.fail('canaryVersion', canaryVersion, 'a version label other than the stable one, so that the two tracks can be told apart');
    const trackLabel = check.labelKey('trackLabel', props.trackLabel ?? Labels.TRACK);
    const serviceType = check.oneOf('service.type', props.service?.type ?? ServiceType.CLUSTER_IP, Object.values(ServiceType));
    this.serviceName = check.dnsLabel('service.name', props.service?.name ?? name);
    const rollingUpdate = resolveRollingUpdate(check, 'rollingUpdate', props.rollingUpdate);
    this.minAvailable = check.integer('minAvailable', props.minAvailable ?? Math.max(1, replicas - 1), 1, replicas);
    const steps = props.steps ?? [CanaryStep.replicas(1)];
    if (!Array.isArray(steps) || steps.length === 0) check.fail('steps', steps, 'at least one canary step');
    const extraPodLabels = check.labels('podLabels', props.podLabels);
    const blueprint = new PodBlueprint(check, name, props);
    if (serviceType === ServiceType.CLUSTER_IP) {
      blueprint.ports.forEach((p, i) => p.nodePort !== undefined && check.fail(`ports[${i}].nodePort`, p.nodePort, 'no nodePort on a ClusterIP Service (set service.type to NODE_PORT or LOAD_BALANCER)'));
    }

    this.plan = planCanary(check, {
      replicas,
      steps,
      capacity,
      stable: { image: stableImage, version: stableVersion },
      canary: { image: canaryImage, version: canaryVersion },
    });

    const objectLabels = { [Labels.NAME]: name, ...releaseLabels(name) };
    const trackSelector = (track: string) => ({ [Labels.NAME]: name, [trackLabel]: track });
    const renderTrack = (scope: Construct, track: 'stable' | 'canary', state: CanaryPhase['stable'], ru: ResolvedRollingUpdate) =>
      renderDeployment(scope, `${track}-deployment`, {
        name: `${name}-${track}`,
        namespace: this.namespace,
        labels: { ...objectLabels, [trackLabel]: track, [Labels.VERSION]: state.version },
        selector: trackSelector(track),
        podLabels: { ...extraPodLabels, ...objectLabels, [trackLabel]: track, [Labels.VERSION]: state.version },
        replicas: state.replicas,
        rollingUpdate: ru,
        podSpec: blueprint.podSpec(state.image.reference),
      });

    for (const phase of this.plan.phases) {
      const chart = this.addPhase(name, phase.name, this.namespace);
      renderService(chart, 'service', {
        name: this.serviceName,
        namespace: this.namespace,
        labels: objectLabels,
        // Pinned to the stable track while a canary runs unreleased; the app label alone otherwise.
        selector: phase.canary && !phase.canaryReleased ? trackSelector('stable') : { [Labels.NAME]: name },
        type: serviceType,
        ports: blueprint.ports,
      });
      renderTrack(chart, 'stable', phase.stable, rollingUpdate);
      if (phase.canary) {
        renderTrack(chart, 'canary', phase.canary, rollingUpdate);
        renderService(chart, 'preview-service', {
          name: `${name}-canary`,
          namespace: this.namespace,
          labels: { ...objectLabels, [trackLabel]: 'canary' },
          selector: trackSelector('canary'),
          type: ServiceType.CLUSTER_IP,
          ports: blueprint.ports.map((p) => ({ ...p, nodePort: undefined })),
        });
      }
    }
  }

  protected declare(): Omit<DeclaredRelease, 'pruneAllowlist'> {
    return {
      apiVersion: 'cdk8s-canary/v1',
      release: this.appName,
      strategy: 'canary',
      provider: 'service',
      namespace: this.namespace,
      pruneSelector: pruneSelector(this.appName),
      phases: this.plan.phases.map((p) => ({
        name: p.name,
        description: p.description,
        addresses: [
          {
            name: this.serviceName,
            minAvailable: this.minAvailable,
            routes: [
              {
                conditions: [],
                backends: [
                  { version: p.stable.version, weight: p.stable.replicas },
                  ...(p.canary && p.canaryReleased ? [{ version: p.canary.version, weight: p.canary.replicas }] : []),
                ],
              },
            ],
          },
        ],
      })),
      transitions: this.plan.transitions,
    };
  }
}
