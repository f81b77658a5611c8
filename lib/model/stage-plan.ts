import { Checks, isDns1035Label, isDnsLabel } from './checks';
import { gateJobName } from './gate-names';
import { CleanupMode, Stage, stageSelector, StageStrategy } from './stage-strategy';

/** A version of the application: its label value and the image of each tier. */
export interface AppVersion {
  /** Value of the version labels, e.g. `v2` or `1.4.0`. */
  readonly version: string;
  /** The version as it appears in object names: `1.4.0` → `1-4-0`. */
  readonly nameSuffix: string;
  /** Image of the frontend at this version. */
  readonly frontendImage: string;
  /** Image of the backend at this version. */
  readonly backendImage: string;
}

/** One Deployment of a tier in one phase, and the Service of the same name in front of it. */
export interface TierRun {
  /** Which tier the Deployment belongs to. */
  readonly tier: 'frontend' | 'backend';
  /** Name of the Deployment and of its Service: `frontend-active`, `backend-v1`. */
  readonly name: string;
  /** Version the Deployment runs. */
  readonly version: string;
  /** Image the Deployment runs. */
  readonly image: string;
  /** Desired pod count. */
  readonly replicas: number;
  /** The stage a Deployment belongs to for all its life; absent for a per-version backend. @default - none: a per-version backend */
  readonly stage?: Stage;
  /**
   * The label that, with the tier name, selects this Deployment's pods: `deploy-stage`
   * (active / smoke) or `deploy-version` (a per-version backend). Fixed for the life of
   * the Deployment, since a Deployment's selector is immutable.
   */
  readonly selector: readonly [key: string, value: string];
}

/** A frontend Deployment: the copy of one stage, and the backend Service it calls. */
export interface FrontendRun extends TierRun {
  /** Always `frontend`. */
  readonly tier: 'frontend';
  /** The stage the frontend copy serves: active or smoke. */
  readonly stage: Stage;
  /** Name of the backend Service this frontend's pods call. */
  readonly backend: string;
}

/** The gate that requests the smoke frontend and checks the versions in its answer. */
export interface SmokeCheck {
  /** Name of the smoke-test Job a pipeline waits for (`cdk8s-canary gate`). */
  readonly jobName: string;
  /** Version of the frontend under test. */
  readonly frontendVersion: string;
  /** Version of the backend under test. */
  readonly backendVersion: string;
}

/** One phase of a staged release: the manifests of one `kubectl apply`. */
export interface StagePhase {
  /** Folder of the phase: `dist/<release>/<name>/`. */
  readonly name: string;
  /** One line for people: what runs and what serves. */
  readonly description: string;
  /** Backend Deployments of the phase. */
  readonly backends: readonly TierRun[];
  /** The frontend that serves production traffic. */
  readonly active: FrontendRun;
  /** Absent while no smoke copy exists (and once it is removed). @default - no smoke copy */
  readonly smoke?: FrontendRun;
  /** The gate of this phase: a pipeline waits for the Job to complete before going on. @default - no smoke test in this phase */
  readonly smokeTest?: SmokeCheck;
}

export interface StagePlan {
  /** In the order a pipeline applies them. */
  readonly phases: readonly StagePhase[];
  /** Pairs of phase names a pipeline may apply one after the other: forward steps and rollbacks. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

export interface StageTierInput {
  /** Name of the tier: prefix of its object names. */
  readonly name: string;
  /** Pods of the tier in the active stage (and of a per-version backend). */
  readonly replicas: number;
  /** Pods of the tier's smoke copy. */
  readonly smokeReplicas: number;
}

export interface StagePlanInput {
  /** Whether each version brings its own backend (isolated) or the backend is upgraded in place (compatible). */
  readonly strategy: StageStrategy;
  /** What happens to the previous version once the new one is active. */
  readonly cleanup: CleanupMode;
  /** The frontend tier. */
  readonly frontend: StageTierInput;
  /** The backend tier. */
  readonly backend: StageTierInput;
  /** The version in production at the start. */
  readonly active: AppVersion;
  /** The version smoke-tested and then rolled out. */
  readonly smoke: AppVersion;
}


/** Name of the smoke test's gate: the first part of its Job's name. */
export const SMOKE_TEST_GATE = 'smoke-test';

/**
 * Name of the smoke-test Job of a phase: the gate, the phase and the versions under
 * test (`smoke-test-smoke-frontend-v2-backend-v2`), as every gate Job is named.
 */
export function smokeTestJobName(phase: string, frontend: string, frontendVersion: string, backend: string, backendVersion: string): string {
  return gateJobName('', SMOKE_TEST_GATE, phase, [
    { of: frontend, version: frontendVersion },
    { of: backend, version: backendVersion },
  ]);
}

/**
 * Turns the declaration of a staged release into its phases, and checks that every
 * phase can be applied: object names are unique and every frontend calls a backend
 * Service of its own phase.
 */
export function planStages(check: Checks, input: StagePlanInput): StagePlan {
  const plan = input.strategy === StageStrategy.COMPATIBLE ? planCompatible(input) : planIsolated(input);
  for (const phase of plan.phases) {
    checkNameLengths(check, phase);
    checkPhaseNames(check, phase);
    checkPhaseWiring(check, phase);
  }
  return plan;
}

function runs(input: StagePlanInput) {
  const fe = input.frontend;
  const be = input.backend;
  return {
    frontend: (stage: Stage, v: AppVersion, backend: string, replicas = stage === 'active' ? fe.replicas : fe.smokeReplicas): FrontendRun => ({
      tier: 'frontend',
      stage,
      name: `${fe.name}-${stage}`,
      version: v.version,
      image: v.frontendImage,
      replicas,
      selector: stageSelector(stage, v.version),
      backend,
    }),
    /** A backend Deployment bound to one version for all its life (isolated strategy). */
    backendOf: (v: AppVersion, replicas = be.replicas): TierRun => ({
      tier: 'backend',
      name: `${be.name}-${v.nameSuffix}`,
      version: v.version,
      image: v.backendImage,
      replicas,
      selector: stageSelector(undefined, v.version),
    }),
    /** A backend Deployment bound to one stage, upgraded in place (compatible strategy). */
    backendAt: (stage: Stage, v: AppVersion, replicas = stage === 'active' ? be.replicas : be.smokeReplicas): TierRun => ({
      tier: 'backend',
      stage,
      name: `${be.name}-${stage}`,
      version: v.version,
      image: v.backendImage,
      replicas,
      selector: stageSelector(stage, v.version),
    }),
    smokeTest: (phase: string, frontendVersion: AppVersion, backendVersion: AppVersion): SmokeCheck => ({
      jobName: smokeTestJobName(phase, fe.name, frontendVersion.version, be.name, backendVersion.version),
      frontendVersion: frontendVersion.version,
      backendVersion: backendVersion.version,
    }),
  };
}

function gate(test: SmokeCheck): string {
  return `gate: the smoke test job/${test.jobName}`;
}

function planIsolated(input: StagePlanInput): StagePlan {
  const { frontend, backendOf, smokeTest } = runs(input);
  const { active: v1, smoke: v2 } = input;
  const oldBackend = backendOf(v1);
  const newBackend = backendOf(v2);
  const activeBefore = frontend('active', v1, oldBackend.name);
  const activeAfter = frontend('active', v2, newBackend.name);
  const smoke = frontend('smoke', v2, newBackend.name);
  const test = smokeTest('smoke', v2, v2);
  const remove = input.cleanup === CleanupMode.REMOVE;

  const phases: StagePhase[] = [
    {
      name: 'initial-active',
      description: `${activeBefore.name} (${activeBefore.replicas} pods, ${v1.version}) calls ${oldBackend.name}`,
      backends: [oldBackend],
      active: activeBefore,
    },
    {
      name: 'smoke',
      description: `${newBackend.name} and ${smoke.name} (${v2.version}) run beside the untouched active stage; ${gate(test)}`,
      backends: [oldBackend, newBackend],
      active: activeBefore,
      smoke,
      smokeTest: test,
    },
    {
      name: 'upgrade-active',
      description: `${activeBefore.name} rolls to ${v2.version} and ${newBackend.name} at full capacity; ${oldBackend.name} serves the old pods until the rollout completes`,
      backends: [oldBackend, newBackend],
      active: activeAfter,
      smoke,
    },
    {
      name: 'cleanup',
      description: remove ? `${oldBackend.name} and ${smoke.name} removed` : `${oldBackend.name} and ${smoke.name} scaled to zero`,
      backends: remove ? [newBackend] : [backendOf(v1, 0), newBackend],
      active: activeAfter,
      smoke: remove ? undefined : frontend('smoke', v2, newBackend.name, 0),
    },
  ];
  return {
    phases,
    transitions: [
      ...chain(phases),
      // Abandoning the smoke copy, and moving the active frontend back to its old backend.
      ['smoke', 'initial-active'],
      ['upgrade-active', 'smoke'],
    ],
  };
}

function planCompatible(input: StagePlanInput): StagePlan {
  const { frontend, backendAt, smokeTest } = runs(input);
  const { active: v1, smoke: v2 } = input;
  const activeBackend = input.backend.name + '-active';
  const smokeBackend = input.backend.name + '-smoke';
  const remove = input.cleanup === CleanupMode.REMOVE;
  const activeAt = (fv: AppVersion, bv: AppVersion) => ({ active: frontend('active', fv, activeBackend), activeBackend: backendAt('active', bv) });
  const smokeAt = (fv: AppVersion, bv: AppVersion) => ({ smoke: frontend('smoke', fv, smokeBackend), smokeBackend: backendAt('smoke', bv), versions: [fv, bv] as const });

  const phase = (name: string, description: string, a: ReturnType<typeof activeAt>, s?: ReturnType<typeof smokeAt>, tested = true): StagePhase => {
    const test = s && tested ? smokeTest(name, ...s.versions) : undefined;
    return {
      name,
      description: test ? `${description}; ${gate(test)}` : description,
      backends: s ? [a.activeBackend, s.smokeBackend] : [a.activeBackend],
      active: a.active,
      smoke: s?.smoke,
      smokeTest: test,
    };
  };
  const fe = input.frontend.name;
  const old = activeAt(v1, v1);
  const done = activeAt(v2, v2);
  const smokeDone = smokeAt(v2, v2);
  const cleaned = remove
    ? phase('cleanup', `${fe}-smoke and ${smokeBackend} removed`, done)
    : {
        name: 'cleanup',
        description: `${fe}-smoke and ${smokeBackend} scaled to zero`,
        backends: [done.activeBackend, backendAt('smoke', v2, 0)],
        active: done.active,
        smoke: frontend('smoke', v2, smokeBackend, 0),
      };
  const phases: StagePhase[] = [
    phase('initial-active', `${fe}-active (${old.active.replicas} pods, ${v1.version}) calls ${activeBackend} (${v1.version})`, old),
    phase('smoke', `a smoke copy of ${v1.version} (${fe}-smoke, ${smokeBackend}) beside the untouched active stage`, old, smokeAt(v1, v1)),
    phase('smoke-backend', `${smokeBackend} rolls to ${v2.version} under the ${v1.version} smoke frontend`, old, smokeAt(v1, v2)),
    phase('smoke-frontend', `${fe}-smoke rolls to ${v2.version}`, old, smokeDone),
    phase('upgrade-active-backend', `${activeBackend} rolls to ${v2.version} at full capacity under the ${v1.version} active frontend`, activeAt(v1, v2), smokeDone, false),
    phase('upgrade-active-frontend', `${fe}-active rolls to ${v2.version} at full capacity`, done, smokeDone, false),
    cleaned,
  ];
  return {
    phases,
    transitions: [
      ...chain(phases),
      // Abandoning the smoke copy at any of its steps leaves the active stage as it was.
      ['smoke', 'initial-active'],
      ['smoke-backend', 'initial-active'],
      ['smoke-frontend', 'initial-active'],
      // Each active step undone alone: the new backend accepts the old frontend.
      ['upgrade-active-backend', 'smoke-frontend'],
      ['upgrade-active-frontend', 'upgrade-active-backend'],
    ],
  };
}

function chain(phases: readonly StagePhase[]): Array<readonly [string, string]> {
  return phases.slice(1).map((p, i) => [phases[i].name, p.name] as const);
}

/** Names made of a tier name and a version must still be Service names, and a Job name a label value. */
function checkNameLengths(check: Checks, phase: StagePhase): void {
  for (const run of [phase.active, ...(phase.smoke ? [phase.smoke] : []), ...phase.backends]) {
    if (!isDns1035Label(run.name)) {
      check.fail(`${run.tier}.name`, run.name, `a tier name and versions short enough for the Service name "${run.name}" (a DNS-1035 label of at most 63 characters)`);
    }
  }
  const job = phase.smokeTest?.jobName;
  // The Job controller copies the name into the pods' job-name label: at most 63 characters.
  if (job !== undefined && !isDnsLabel(job)) {
    check.fail('smoke.version', phase.smokeTest!.frontendVersion, `tier names and versions short enough for the smoke-test Job name "${job}" (at most 63 characters)`);
  }
}

/** Every Deployment (and Service) name of a phase is used once. */
export function checkPhaseNames(check: Checks, phase: StagePhase): void {
  const seen = new Map<string, TierRun>();
  for (const run of [phase.active, ...(phase.smoke ? [phase.smoke] : []), ...phase.backends]) {
    const other = seen.get(run.name);
    if (other) {
      check.fail(
        `${run.tier}.name`,
        run.name,
        `names that differ across tiers and versions: phase "${phase.name}" would hold two Deployments and two Services named "${run.name}" (${describeRun(other)} and ${describeRun(run)})`,
      );
    }
    seen.set(run.name, run);
  }
}

/** Every frontend calls a backend Service that exists in the same phase. */
export function checkPhaseWiring(check: Checks, phase: StagePhase): void {
  const names = phase.backends.map((b) => b.name);
  for (const fe of [phase.active, ...(phase.smoke ? [phase.smoke] : [])]) {
    if (!names.includes(fe.backend)) {
      check.fail(
        `${fe.stage}.backend`,
        fe.backend,
        `a backend Service of phase "${phase.name}" (${names.join(', ') || 'none'}): ${fe.name} would call ${fe.backend}, which that phase does not contain`,
      );
    }
  }
}

function describeRun(run: TierRun): string {
  return `the ${run.stage ? `${run.stage} ` : ''}${run.tier} ${run.version}`;
}
