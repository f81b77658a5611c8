import { Construct } from 'constructs';
import { CanaryPhase, CanaryPlan, planCanary } from '../model/canary-plan';
import { CanaryStep, CapacityMode } from '../model/canary-step';
import { transitionFloors } from '../model/capacity';
import { Checks, keysOf, orDefault } from '../model/checks';
import { parseImage, versionLabel } from '../model/image';
import { Labels, pruneSelector, releaseLabels } from '../model/labels';
import { Limits } from '../model/limits';
import { DeclaredRelease } from '../model/release';
import { Engine, resolveEngine } from '../engine/engine';
import { CanaryRolloutInput, EngineDeclaration, renderCanaryOnArgo } from '../engine/argo-rollouts/canary-rollout';
import { renderCanaryOnFlagger } from '../engine/flagger/canary-app';
import { ContainerOptions } from './container-options';
import { DisruptionBudget, renderDisruptionBudget } from './disruption-budget';
import { PhaseGates } from './gate';
import { PhaseGateSet, withGates } from './phase-gates';
import { PhasedRelease } from './phased-release';
import { ConfigOptions, renderConfigMaps } from './released-config';
import { EXPOSURE_KEYS, resolveExposure, ServiceExposureOptions } from './service-exposure';
import { CONTAINER_OPTION_KEYS, PodBlueprint, RESERVED_POD_LABELS } from './pod-blueprint';
import { RollingUpdateOptions, ResolvedRollingUpdate, ServiceType, renderDeployment, renderService, resolveRollingUpdate } from './workload';

/** The production Service of a canary app (the preview Service stays a plain ClusterIP one). */
export interface CanaryServiceOptions extends ServiceExposureOptions {
  /** @default - the application name */
  readonly name?: string;
  /** @default ServiceType.CLUSTER_IP */
  readonly type?: ServiceType;
}

/** Props of a CanaryApp: the two images, how many pods, how the share grows, and (from ContainerOptions) what runs in each pod. */
export interface CanaryAppProps extends ContainerOptions {
  /**
   * Name of the application: prefix of the object names and value of the
   * `app.kubernetes.io/name` and `app.kubernetes.io/instance` labels. A DNS-1035
   * label (it names Services) of at most 56 characters (`-canary` is appended).
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - no namespace in the manifests (kubectl's current one) */
  readonly namespace?: string;
  /** The image in production now, pinned by tag or digest. */
  readonly stableImage: string;
  /** The new image, pinned by tag or digest. */
  readonly canaryImage: string;
  /**
   * The canary's released configuration, when it differs from the stable one (`config`):
   * the canary runs it, promote moves stable to it, rollback brings `config` back. With
   * it, the canary may run the stable image (a configuration-only release; give it a
   * canaryVersion of its own).
   * @default - the same as config
   */
  readonly canaryConfig?: ConfigOptions;
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
   * release, checked by the verifier on every transition. A value the steps and the
   * rolling update cannot keep is refused, naming the transition that drops below it.
   * @default - replicas - 1 (at least 1), or the fewest pods the steps and rollingUpdate keep when that is less; release.json shows the value
   */
  readonly minAvailable?: number;
  /** Key of the label that tells the tracks apart (the appinfo seed reads `release`). @default 'track' */
  readonly trackLabel?: string;
  /**
   * PodDisruptionBudget of the stable track, named `<name>-stable` and selecting the
   * stable Deployment's pods, in every phase. The canary track gets none: it is short
   * lived and a budget on one or two pods would only slow drains.
   * @default DisruptionBudget.maxUnavailable(1): drains evict one stable pod at a time, at any replica count
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Checks a pipeline waits for before it leaves a phase, by phase name: e.g. an HTTP
   * smoke test of the preview Service in `dark` and a Prometheus analysis in each
   * canary step. The versions under test are the canary's (`{{canaryVersion}}`,
   * `{{stableVersion}}`, `{{service}}` and `{{previewService}}` are placeholders too).
   * @default - no gates
   */
  readonly gates?: PhaseGates;
  /**
   * Who walks the steps: a pipeline applying one folder per phase, or the Argo Rollouts
   * controller (a `Rollout` whose canary steps give the same pod counts, gates as
   * `AnalysisTemplate`s; written as the folders `stable`, `release` and `rollback`).
   * @default Engine.phases()
   */
  readonly engine?: Engine;
}

const CANARY_APP_KEYS = [
  ...CONTAINER_OPTION_KEYS,
  ...keysOf<Omit<CanaryAppProps, keyof ContainerOptions>>({
    name: true,
    namespace: true,
    stableImage: true,
    canaryImage: true,
    canaryConfig: true,
    stableVersion: true,
    canaryVersion: true,
    replicas: true,
    steps: true,
    capacity: true,
    service: true,
    rollingUpdate: true,
    minAvailable: true,
    trackLabel: true,
    disruptionBudget: true,
    gates: true,
    engine: true,
  }),
];
const SERVICE_KEYS = [...EXPOSURE_KEYS, ...keysOf<Omit<CanaryServiceOptions, keyof ServiceExposureOptions>>({ name: true, type: true })];
const PREVIEW_SUFFIX = '-canary';

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
  private readonly gates: PhaseGateSet;
  private readonly engine: Engine;
  private readonly onEngine?: EngineDeclaration;

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    const check = this.check;
    check.object('props', props, 'an object of CanaryAppProps');
    // Not a prop, but a likely one: say why, and what to use instead.
    const asked = (props as { autoscaling?: unknown }).autoscaling;
    if (asked !== undefined) {
      check.fail(
        'autoscaling',
        asked,
        'no autoscaler: a CanaryApp realises the canary share as a ratio of pod counts (one Service over both tracks), which autoscalers would change at will; ' +
          'autoscale a Gateway behind Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx(), whose weights do not depend on pod counts',
      );
    }
    check.knownKeys('', props, CANARY_APP_KEYS, 'CanaryAppProps');
    // The name is also the default Service name and the prefix of the preview Service's: a DNS-1035 label.
    const name = (this.appName = check.dns1035Label('name', orDefault(props.name, id), 63 - PREVIEW_SUFFIX.length, ` (the preview Service appends "${PREVIEW_SUFFIX}"; it defaults to the construct id)`));
    this.namespace = props.namespace === undefined ? undefined : check.dnsLabel('namespace', props.namespace);
    const replicas = check.integer('replicas', orDefault(props.replicas, 3), 1, Limits.MAX_REPLICAS);
    const capacity = check.oneOf('capacity', orDefault(props.capacity, CapacityMode.CONSTANT), Object.values(CapacityMode));
    const stableImage = parseImage(check, 'stableImage', props.stableImage);
    const canaryImage = parseImage(check, 'canaryImage', props.canaryImage);
    if (canaryImage.reference === stableImage.reference && props.canaryConfig === undefined) {
      check.fail('canaryImage', props.canaryImage, 'an image other than stableImage, or a canaryConfig other than config (a configuration-only canary)');
    }
    const stableVersion = versionLabel(check, 'stableVersion', props.stableVersion, stableImage, 'stableImage', '"1.4.2"');
    const canaryVersion = versionLabel(check, 'canaryVersion', props.canaryVersion, canaryImage, 'canaryImage', '"1.4.2"');
    if (canaryVersion === stableVersion) check.fail('canaryVersion', canaryVersion, 'a version label other than the stable one, so that the two tracks can be told apart');
    const trackLabel = check.labelKey('trackLabel', orDefault(props.trackLabel, Labels.TRACK));
    if (RESERVED_POD_LABELS.includes(trackLabel)) check.fail('trackLabel', trackLabel, `a label key other than ${RESERVED_POD_LABELS.join(', ')}, which the library sets itself`);
    const service: CanaryServiceOptions = props.service === undefined ? {} : check.object('service', props.service, 'an object such as { name: "shop-lb", type: ServiceType.LOAD_BALANCER }');
    check.knownKeys('service', service, SERVICE_KEYS, 'CanaryServiceOptions');
    const serviceType = check.oneOf('service.type', orDefault(service.type, ServiceType.CLUSTER_IP), Object.values(ServiceType));
    this.serviceName = check.dns1035Label('service.name', orDefault(service.name, name));
    if (this.serviceName === `${name}${PREVIEW_SUFFIX}`) check.fail('service.name', this.serviceName, `a name other than ${name}${PREVIEW_SUFFIX}, the canary's preview Service`);
    const exposure = resolveExposure(check, 'service', service, serviceType);
    const rollingUpdate = resolveRollingUpdate(check, 'rollingUpdate', props.rollingUpdate);
    const minAvailable = props.minAvailable === undefined ? undefined : check.integer('minAvailable', props.minAvailable, 1, replicas);
    const steps = orDefault(props.steps, [CanaryStep.replicas(1)]);
    const blueprint = new PodBlueprint(check, name, props, '', [trackLabel]);
    const configs = { stable: blueprint.config, canary: props.canaryConfig === undefined ? blueprint.config : blueprint.releasedConfig(check, 'canaryConfig', props.canaryConfig) };
    const sameConfig = JSON.stringify(configs.stable) === JSON.stringify(configs.canary);
    if (canaryImage.reference === stableImage.reference && sameConfig) {
      check.fail('canaryImage', props.canaryImage, 'an image other than stableImage, or a canaryConfig other than config (a configuration-only canary)');
    }
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
    this.engine = resolveEngine(check, 'engine', props.engine);
    this.minAvailable =
      this.engine.kind === 'argo-rollouts' ? argoMinAvailable(check, minAvailable, replicas, rollingUpdate.maxUnavailable) : resolveMinAvailable(check, minAvailable, replicas, this.plan, rollingUpdate.maxUnavailable);
    const budget = resolveBudget(check, props.disruptionBudget, this.plan.phases.map((p) => p.stable.replicas));
    this.gates = new PhaseGateSet(check, 'gates', props.gates, this.plan.phases.map((p) => p.name));

    const objectLabels = { [Labels.NAME]: name, ...releaseLabels(name) };
    const trackSelector = (track: string) => ({ [Labels.NAME]: name, [trackLabel]: track });
    const renderTrack = (scope: Construct, track: 'stable' | 'canary', state: CanaryPhase['stable'], ru: ResolvedRollingUpdate) => {
      // A track runs the configuration of the version it runs: stable moves to the canary's at promote.
      const config = state.version === canaryVersion ? configs.canary : configs.stable;
      renderConfigMaps(scope, config, { namespace: this.namespace, labels: objectLabels });
      return renderDeployment(scope, `${track}-deployment`, {
        name: `${name}-${track}`,
        namespace: this.namespace,
        labels: { ...objectLabels, [trackLabel]: track, [Labels.VERSION]: state.version },
        selector: trackSelector(track),
        podLabels: { ...blueprint.podLabels, ...objectLabels, [trackLabel]: track, [Labels.VERSION]: state.version },
        replicas: state.replicas,
        rollingUpdate: ru,
        podAnnotations: blueprint.podAnnotations,
        specOverrides: blueprint.overrides.deployment,
        podSpec: blueprint.podSpec(state.image.reference, trackSelector(track), [], config),
      });
    };

    if (this.engine.kind !== 'phases') {
      const input: Omit<CanaryRolloutInput, 'options'> = {
        check,
        name,
        namespace: this.namespace,
        objectLabels,
        service: { name: this.serviceName, type: serviceType, exposure },
        previewService: `${name}${PREVIEW_SUFFIX}`,
        ports: blueprint.ports,
        replicas,
        rollingUpdate,
        blueprint,
        stable: { image: stableImage.reference, version: stableVersion, config: configs.stable },
        canary: { image: canaryImage.reference, version: canaryVersion, config: configs.canary },
        plan: this.plan,
        gates: this.gates,
        minAvailable: this.minAvailable,
        budget,
        placeholders: { app: name, service: this.serviceName, previewService: `${name}${PREVIEW_SUFFIX}`, stableVersion, canaryVersion },
      };
      const addPhase = (phase: string) => this.addPhase(name, phase, this.namespace);
      this.onEngine =
        this.engine.kind === 'flagger'
          ? renderCanaryOnFlagger({ ...input, options: this.engine._flagger(check, 'engine') }, addPhase)
          : renderCanaryOnArgo({ ...input, options: this.engine._argoRollouts(check, 'engine') }, addPhase);
      return;
    }
    for (const phase of this.plan.phases) {
      const chart = this.addPhase(name, phase.name, this.namespace);
      if (budget) {
        renderDisruptionBudget(chart, 'stable-disruption-budget', {
          name: `${name}-stable`,
          namespace: this.namespace,
          labels: { ...objectLabels, [trackLabel]: 'stable' },
          selector: trackSelector('stable'),
          budget,
        });
      }
      renderService(chart, 'service', {
        name: this.serviceName,
        namespace: this.namespace,
        labels: objectLabels,
        // Pinned to the stable track while a canary runs unreleased; the app label alone otherwise.
        selector: phase.canary && !phase.canaryReleased ? trackSelector('stable') : { [Labels.NAME]: name },
        type: serviceType,
        ports: blueprint.ports,
        exposure,
      });
      renderTrack(chart, 'stable', phase.stable, rollingUpdate);
      if (phase.canary) {
        renderTrack(chart, 'canary', phase.canary, rollingUpdate);
        renderService(chart, 'preview-service', {
          name: `${name}${PREVIEW_SUFFIX}`,
          namespace: this.namespace,
          labels: { ...objectLabels, [trackLabel]: 'canary' },
          selector: trackSelector('canary'),
          type: ServiceType.CLUSTER_IP,
          ports: blueprint.ports.map((p) => ({ ...p, nodePort: undefined })),
        });
      }
      this.gates.render(chart, {
        release: name,
        namespace: this.namespace,
        phase: phase.name,
        prefix: name,
        // A phase tests the canary while it runs, else what the stable track runs.
        versions: [{ version: (phase.canary ?? phase.stable).version }],
        placeholders: {
          app: name,
          service: this.serviceName,
          previewService: `${name}${PREVIEW_SUFFIX}`,
          stableVersion: this.plan.phases[0].stable.version,
          canaryVersion: canaryVersion,
        },
        defaultServices: [phase.canary ? `${name}${PREVIEW_SUFFIX}` : this.serviceName],
      });
    }
  }

  protected declare(): Omit<DeclaredRelease, 'pruneAllowlist'> {
    const head = {
      apiVersion: 'cdk8s-canary/v1' as const,
      release: this.appName,
      strategy: 'canary' as const,
      provider: 'service' as const,
      namespace: this.namespace,
      pruneSelector: pruneSelector(this.appName),
    };
    if (this.onEngine) return { ...head, engine: this.engine.kind === 'flagger' ? 'flagger' : 'argo-rollouts', ...this.onEngine };
    return {
      ...head,
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
        ...withGates(this.gates.declaredFor(p.name)),
      })),
      transitions: this.plan.transitions,
    };
  }
}

/** The declared minimum of ready pods: given and checked against what the plan keeps, or derived from it. */
function resolveMinAvailable(check: Checks, given: number | undefined, replicas: number, plan: CanaryPlan, maxUnavailable: number | string): number {
  const floors = transitionFloors(plan, maxUnavailable);
  const lowest = floors.reduce((a, b) => (b.least < a.least ? b : a));
  if (given === undefined) return Math.min(Math.max(1, replicas - 1), lowest.least);
  if (given > lowest.least) {
    check.fail(
      'minAvailable',
      given,
      `at most ${lowest.least}, the fewest ready pods the production Service keeps: during ${lowest.from} → ${lowest.to} ${lowest.why}; ` +
        'or use smaller steps, CapacityMode.SURGE or a lower rollingUpdate.maxUnavailable',
    );
  }
  return given;
}

/**
 * The declared minimum on Argo Rollouts: its controller keeps `replicas − maxUnavailable`
 * pods available through a whole rollout (a percentage rounds down), steps and abort alike.
 */
function argoMinAvailable(check: Checks, given: number | undefined, replicas: number, maxUnavailable: number | string): number {
  const unavailable = typeof maxUnavailable === 'number' ? maxUnavailable : Math.floor((Number(maxUnavailable.slice(0, -1)) * replicas) / 100);
  const floor = Math.max(0, replicas - unavailable);
  if (floor === 0) {
    check.fail(
      'rollingUpdate.maxUnavailable',
      maxUnavailable,
      `fewer than the ${replicas} replicas with Engine.argoRollouts() (engine argo-rollouts, feature maxUnavailable): its controller may take every stable pod down ` +
        'before a canary pod is ready, leaving the Service without an endpoint',
    );
  }
  if (given === undefined) return Math.min(Math.max(1, replicas - 1), floor);
  if (given > floor) {
    check.fail('minAvailable', given, `at most ${floor}, the pods Argo Rollouts keeps available during a rollout (replicas − rollingUpdate.maxUnavailable); or lower rollingUpdate.maxUnavailable`);
  }
  return given;
}

function resolveBudget(check: Checks, given: unknown, stableReplicas: number[]) {
  if (given !== undefined && !DisruptionBudget.isDisruptionBudget(given)) {
    check.fail('disruptionBudget', given, 'a budget made with DisruptionBudget.maxUnavailable(n), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()');
  }
  return (given ?? DisruptionBudget.maxUnavailable(1))._resolve(check, 'disruptionBudget', stableReplicas);
}
