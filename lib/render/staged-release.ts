import { Construct } from 'constructs';
import { Engine } from '../engine/engine';
import { Checks, keysOf, orDefault } from '../model/checks';
import { parseImage, versionLabel, versionNameSuffix } from '../model/image';
import { Limits } from '../model/limits';
import { pruneSelector } from '../model/labels';
import { DeclaredRelease } from '../model/release';
import { AppVersion, FrontendRun, StagePlan, planStages } from '../model/stage-plan';
import { CleanupMode, StageStrategy } from '../model/stage-strategy';
import { ActiveStage } from './active-stage';
import { Backend } from './backend';
import { PhasedRelease } from './phased-release';
import { PhaseGates } from './gate';
import { ResolvedGate } from './gate-job';
import { PhaseGateSet, withGates } from './phase-gates';
import { SmokeStage } from './smoke-stage';
import { SmokeTestOptions, expectedAnswer, resolveSmokeTest, smokeTestGate } from './smoke-test';
import { looksSecret } from './env-value';
import { TIER_KEYS, Tier, TierProps } from './tier';
import { ResolvedRollingUpdate } from './workload';
import { ConfigOptions } from './released-config';

/** A version of the application: the image of each tier. */
export interface StageVersionProps {
  /** Image of the frontend, pinned by tag or digest. */
  readonly frontendImage: string;
  /** Image of the backend, pinned by tag or digest. */
  readonly backendImage: string;
  /**
   * Value of the version labels of both tiers, and suffix of the names of
   * per-version objects (`backend-v2`; `1.4.0` gives `backend-1-4-0`).
   * @default - the tag (or digest) of frontendImage
   */
  readonly version?: string;
  /** Released configuration of the frontend at this version (see ConfigOptions). @default - the frontend tier's config */
  readonly frontendConfig?: ConfigOptions;
  /** Released configuration of the backend at this version. @default - the backend tier's config */
  readonly backendConfig?: ConfigOptions;
}

/** The tier that receives the requests and calls the backend. */
export interface FrontendTierProps extends TierProps {
  /**
   * Environment variable that tells the frontend which backend to call; its value
   * is the address of the backend Service of its version, e.g. `http://backend-v2:80`.
   * @default 'BACKEND_URL'
   */
  readonly backendUrlVariable?: string;
}

export interface StagedReleaseProps {
  /**
   * Name of the release: value of `app.kubernetes.io/instance` on every object and
   * folder of its phases.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - no namespace in the manifests (kubectl's current one) */
  readonly namespace?: string;
  /** @default StageStrategy.ISOLATED */
  readonly strategy?: StageStrategy;
  /**
   * The frontend: one copy per stage (`frontend-active`, `frontend-smoke`).
   * @default - FrontendTierProps defaults
   */
  readonly frontend?: FrontendTierProps;
  /**
   * The backend the frontend calls.
   * @default - TierProps defaults
   */
  readonly backend?: TierProps;
  /** The version in production when the release starts. */
  readonly active: StageVersionProps;
  /** The new version: smoke-tested beside the active one, then rolled out to it. */
  readonly smoke: StageVersionProps;
  /**
   * Seconds a new pod must stay ready before it counts as available and the rollout
   * goes on: slows every rolling update down, so a pod that fails soon after start
   * stops it (the seed uses 30). Applies to every Deployment of the release.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * Pods created above the desired count during a rolling update (a number ≥ 1 or a
   * percentage). No pod is ever removed before its replacement is ready
   * (maxUnavailable is always 0), so the active Service keeps its full capacity.
   * @default 1
   */
  readonly maxSurge?: number | string;
  /** What the last phase does with the old backend and the smoke copy. @default CleanupMode.SCALE_TO_ZERO */
  readonly cleanup?: CleanupMode;
  /** The gate of each smoke phase: an HTTP check of the smoke frontend. @default SmokeTestOptions defaults */
  readonly smokeTest?: SmokeTestOptions;
  /**
   * More gates, by phase name, after the smoke test of the phase if it has one. The
   * versions under test are the smoke stage's frontend and backend (the active stage's
   * in phases without a smoke copy); `{{frontendVersion}}` and `{{backendVersion}}` are
   * placeholders too.
   * @default - the smoke tests only
   */
  readonly gates?: PhaseGates;
}

const STAGED_RELEASE_KEYS = keysOf<StagedReleaseProps>({
  name: true,
  namespace: true,
  strategy: true,
  frontend: true,
  backend: true,
  active: true,
  smoke: true,
  minReadySeconds: true,
  maxSurge: true,
  cleanup: true,
  smokeTest: true,
  gates: true,
});
const FRONTEND_KEYS = [...TIER_KEYS, ...keysOf<Omit<FrontendTierProps, keyof TierProps>>({ backendUrlVariable: true })];
const VERSION_KEYS = keysOf<StageVersionProps>({ frontendImage: true, backendImage: true, version: true, frontendConfig: true, backendConfig: true });

/**
 * A multi-tier application released through a smoke stage: the new version runs as
 * a temporary copy beside the production one (the active stage), is smoke-tested,
 * and the active frontend is then upgraded in place, without losing capacity.
 *
 * With the default isolated strategy the phases are `initial-active`, `smoke`,
 * `upgrade-active` and `cleanup`; with `StageStrategy.COMPATIBLE`, `initial-active`,
 * `smoke`, `smoke-backend`, `smoke-frontend`, `upgrade-active-backend`,
 * `upgrade-active-frontend` and `cleanup`. A pipeline applies them in order and
 * waits, in each smoke phase, for the smoke-test Job named in the phase's description.
 */
export class StagedRelease extends PhasedRelease {
  public readonly releaseName: string;
  public readonly strategy: StageStrategy;
  public readonly plan: StagePlan;
  public readonly frontend: Tier;
  public readonly backend: Tier;
  private readonly namespace?: string;
  private readonly gates: PhaseGateSet;

  constructor(scope: Construct, id: string, props: StagedReleaseProps) {
    super(scope, id);
    const check = this.check;
    check.object('props', props, 'an object of StagedReleaseProps');
    const engine = (props as { engine?: unknown }).engine;
    if (engine !== undefined) {
      check.fail(
        'engine',
        Engine.isEngine(engine) ? engine.toString() : engine,
        'no engine on a StagedRelease, which is always written as phases: its two-tier smoke upgrade (an isolated frontend and backend tested before the switch) is no canary of one workload, ' +
          'which is all Argo Rollouts and Flagger walk; release each tier with a CanaryApp or Gateway to use an engine',
      );
    }
    check.knownKeys('', props, STAGED_RELEASE_KEYS, 'StagedReleaseProps');
    const release = (this.releaseName = check.dnsLabel('name', orDefault(props.name, id), 63, ' (it defaults to the construct id)'));
    const namespace = (this.namespace = props.namespace === undefined ? undefined : check.dnsLabel('namespace', props.namespace));
    const strategy = (this.strategy = check.oneOf('strategy', orDefault(props.strategy, StageStrategy.ISOLATED), Object.values(StageStrategy)));
    const cleanup = check.oneOf('cleanup', orDefault(props.cleanup, CleanupMode.SCALE_TO_ZERO), Object.values(CleanupMode));
    const frontendProps: FrontendTierProps = orDefault(props.frontend, {});
    const frontend = (this.frontend = new Tier(check, 'frontend', frontendProps, 'frontend', FRONTEND_KEYS, 'FrontendTierProps'));
    const backend = (this.backend = new Tier(check, 'backend', orDefault(props.backend, {}), 'backend'));
    if (backend.name === frontend.name) check.fail('backend.name', backend.name, `a tier name other than the frontend's ("${frontend.name}"): it tells the tiers' pods apart`);
    const backendUrlVariable = orDefault(frontendProps.backendUrlVariable, 'BACKEND_URL');
    check.envName('frontend.backendUrlVariable', backendUrlVariable);
    if (looksSecret(backendUrlVariable)) {
      check.fail('frontend.backendUrlVariable', backendUrlVariable, "a name that does not look like a secret's (PASSWORD, TOKEN, API_KEY...): its value, the backend's address, is written in the manifests");
    }
    if (frontendProps.env && backendUrlVariable in frontendProps.env) {
      check.fail(`frontend.env.${backendUrlVariable}`, '<set>', `no value for ${backendUrlVariable}: it carries the address of the backend of each stage's version (frontend.backendUrlVariable)`);
    }

    const active = appVersion(check, 'active', props.active);
    const smoke = appVersion(check, 'smoke', props.smoke);
    if (smoke.version === active.version) check.fail('smoke.version', smoke.version, `a version other than the active one ("${active.version}"): the two run side by side and are told apart by it`);
    if (smoke.nameSuffix === active.nameSuffix) {
      check.fail('smoke.version', smoke.version, `a version whose object names differ from the active one's: "${active.version}" and "${smoke.version}" both give ${backend.name}-${smoke.nameSuffix}`);
    }
    // Each version runs its own configuration, like its own images.
    const configs = new Map(
      (['active', 'smoke'] as const).map((k) => [
        (k === 'active' ? active : smoke).version,
        { frontend: frontend.releasedConfig(check, `${k}.frontendConfig`, props[k].frontendConfig), backend: backend.releasedConfig(check, `${k}.backendConfig`, props[k].backendConfig) },
      ]),
    );
    const sameConfig = JSON.stringify(configs.get(active.version)) === JSON.stringify(configs.get(smoke.version));
    if (smoke.frontendImage === active.frontendImage && smoke.backendImage === active.backendImage && sameConfig) {
      check.fail('smoke', props.smoke, 'a frontendImage, backendImage or configuration other than the active ones: this release would change nothing');
    }

    const rollingUpdate = resolveUpdate(check, props.minReadySeconds, props.maxSurge);
    const smokeTest = resolveSmokeTest(check, 'smokeTest', props.smokeTest);

    this.plan = planStages(check, {
      strategy,
      cleanup,
      frontend: { name: frontend.name, replicas: frontend.replicas, smokeReplicas: frontend.smokeReplicas },
      backend: { name: backend.name, replicas: backend.replicas, smokeReplicas: backend.smokeReplicas },
      active,
      smoke,
    });
    this.gates = new PhaseGateSet(check, 'gates', props.gates, this.plan.phases.map((p) => p.name));

    for (const phase of this.plan.phases) {
      const chart = this.addPhase(release, phase.name, namespace);
      const backends = new Map<string, Backend>();
      for (const b of phase.backends) {
        backends.set(b.name, new Backend(chart, b.name, { release, namespace, tier: backend, name: b.name, version: b.version, image: b.image, replicas: b.replicas, stage: b.stage, rollingUpdate, config: configs.get(b.version)!.backend }));
      }
      const stage = (run: FrontendRun) => ({
        release,
        namespace,
        tier: frontend,
        version: run.version,
        image: run.image,
        config: configs.get(run.version)!.frontend,
        replicas: run.replicas,
        backend: backends.get(run.backend)!,
        backendUrlVariable,
        rollingUpdate,
      });
      new ActiveStage(chart, 'active', stage(phase.active));
      if (phase.smoke) new SmokeStage(chart, 'smoke', stage(phase.smoke));
      // The versions under test: the smoke stage's while it runs (it has no Service at zero pods), else the active stage's.
      const tested = phase.smoke && phase.smoke.replicas > 0 ? phase.smoke : phase.active;
      const testedBackend = phase.backends.find((b) => b.name === tested.backend)!;
      const own = phase.smokeTest && phase.smoke
        ? [{
            field: 'smokeTest',
            gate: smokeTestGate(smokeTest, phase.smoke.name, expectedAnswer(smokeTest, {
              frontend: frontend.name,
              frontendVersion: phase.smokeTest.frontendVersion,
              backend: backend.name,
              backendVersion: phase.smokeTest.backendVersion,
            })),
            override: (g: ResolvedGate): ResolvedGate => ({
              ...g,
              backoffLimit: smokeTest.backoffLimit,
              resources: smokeTest.resources,
              declared: { ...g.declared, activeDeadlineSeconds: smokeTest.activeDeadlineSeconds },
            }),
          }]
        : [];
      const declared = this.gates.render(chart, {
        release,
        namespace,
        phase: phase.name,
        prefix: '',
        versions: [{ of: frontend.name, version: tested.version }, { of: backend.name, version: testedBackend.version }],
        placeholders: { frontendVersion: tested.version, backendVersion: testedBackend.version },
        defaultServices: [tested.name],
      }, own);
      if (phase.smokeTest && declared[0]?.job !== phase.smokeTest.jobName) throw new Error(`smoke test Job ${declared[0]?.job} is not the planned ${phase.smokeTest.jobName}`);
    }
  }

  /**
   * One production address, `frontend-active`, whose ready pods never drop below its
   * full replica count: rolling updates add a pod before removing one.
   */
  protected declare(): Omit<DeclaredRelease, 'pruneAllowlist'> {
    return {
      apiVersion: 'cdk8s-canary/v1',
      release: this.releaseName,
      strategy: 'smoke-active',
      provider: 'service',
      namespace: this.namespace,
      pruneSelector: pruneSelector(this.releaseName),
      phases: this.plan.phases.map((p) => ({
        name: p.name,
        description: p.description,
        addresses: [
          {
            name: p.active.name,
            minAvailable: this.frontend.replicas,
            routes: [{ conditions: [], backends: [{ version: p.active.version, weight: p.active.replicas }] }],
          },
        ],
        ...withGates(this.gates.declaredFor(p.name)),
      })),
      transitions: this.plan.transitions,
    };
  }
}

function appVersion(check: Checks, field: string, given: StageVersionProps): AppVersion {
  const props = check.object(field, given, 'an object with frontendImage and backendImage') as unknown as StageVersionProps;
  check.knownKeys(field, props, VERSION_KEYS, 'StageVersionProps');
  const frontendImage = parseImage(check, `${field}.frontendImage`, props.frontendImage);
  const backendImage = parseImage(check, `${field}.backendImage`, props.backendImage);
  const version = versionLabel(check, `${field}.version`, props.version, frontendImage, `${field}.frontendImage`, '"v2" or "1.4.0"');
  return { version, nameSuffix: versionNameSuffix(version), frontendImage: frontendImage.reference, backendImage: backendImage.reference };
}

function resolveUpdate(check: Checks, minReadySeconds: number | undefined, maxSurge: number | string | undefined): ResolvedRollingUpdate {
  const surge = check.countOrPercent('maxSurge', orDefault(maxSurge, 1), 1, Limits.MAX_REPLICAS, `an integer from 1 to ${Limits.MAX_REPLICAS} or a percentage from '1%' to '100%': with no pod removed before its replacement is ready, the rollout needs room for one more`);
  const ready = minReadySeconds === undefined ? 0 : check.integer('minReadySeconds', minReadySeconds, 0, Limits.MAX_SECONDS);
  return { maxSurge: surge, maxUnavailable: 0, minReadySeconds: ready || undefined };
}
