import { Checks } from '../../lib/model/checks';
import { AppVersion, StagePhase, StagePlanInput, checkPhaseNames, checkPhaseWiring, planStages, smokeTestJobName } from '../../lib/model/stage-plan';
import { versionNameSuffix } from '../../lib/model/image';
import { CleanupMode, StageStrategy } from '../../lib/model/stage-strategy';
import { configError } from '../support/errors';

const check = new Checks('shop');
const version = (v: string): AppVersion => ({ version: v, nameSuffix: versionNameSuffix(v), frontendImage: `fe:${v}`, backendImage: `be:${v}` });

function input(overrides: Partial<StagePlanInput> = {}): StagePlanInput {
  return {
    strategy: StageStrategy.ISOLATED,
    cleanup: CleanupMode.SCALE_TO_ZERO,
    frontend: { name: 'frontend', replicas: 5, smokeReplicas: 2 },
    backend: { name: 'backend', replicas: 4, smokeReplicas: 1 },
    active: version('v1'),
    smoke: version('v2'),
    ...overrides,
  };
}

/** One line per phase: the runs, their versions and replicas, and whom the frontends call. */
function outline(phases: readonly StagePhase[]): string[] {
  return phases.map((p) => {
    const fe = [p.active, ...(p.smoke ? [p.smoke] : [])].map((f) => `${f.name}@${f.version}×${f.replicas}→${f.backend}`);
    const be = p.backends.map((b) => `${b.name}@${b.version}×${b.replicas}`);
    return `${p.name}: ${[...fe, ...be].join(' ')}${p.smokeTest ? ` test ${p.smokeTest.jobName}` : ''}`;
  });
}

const errorOf = configError;

describe('planStages', () => {
  test('isolated: per-version backends, the active frontend switched from backend-v1 to backend-v2', () => {
    const plan = planStages(check, input());
    expect(outline(plan.phases)).toEqual([
      'initial-active: frontend-active@v1×5→backend-v1 backend-v1@v1×4',
      'smoke: frontend-active@v1×5→backend-v1 frontend-smoke@v2×2→backend-v2 backend-v1@v1×4 backend-v2@v2×4 test smoke-test-smoke-frontend-v2-backend-v2',
      'upgrade-active: frontend-active@v2×5→backend-v2 frontend-smoke@v2×2→backend-v2 backend-v1@v1×4 backend-v2@v2×4',
      'cleanup: frontend-active@v2×5→backend-v2 frontend-smoke@v2×0→backend-v2 backend-v1@v1×0 backend-v2@v2×4',
    ]);
    expect(plan.transitions).toEqual([
      ['initial-active', 'smoke'],
      ['smoke', 'upgrade-active'],
      ['upgrade-active', 'cleanup'],
      ['smoke', 'initial-active'],
      ['upgrade-active', 'smoke'],
    ]);
  });

  test('isolated, remove: the last phase holds only the new version', () => {
    const last = planStages(check, input({ cleanup: CleanupMode.REMOVE })).phases.at(-1)!;
    expect(outline([last])).toEqual(['cleanup: frontend-active@v2×5→backend-v2 backend-v2@v2×4']);
    expect(last.description).toBe('backend-v1 and frontend-smoke removed');
  });

  test('compatible: stage-bound backends upgraded in place, smoke steps each tested', () => {
    const plan = planStages(check, input({ strategy: StageStrategy.COMPATIBLE, cleanup: CleanupMode.REMOVE }));
    expect(outline(plan.phases)).toEqual([
      'initial-active: frontend-active@v1×5→backend-active backend-active@v1×4',
      'smoke: frontend-active@v1×5→backend-active frontend-smoke@v1×2→backend-smoke backend-active@v1×4 backend-smoke@v1×1 test smoke-test-smoke-frontend-v1-backend-v1',
      'smoke-backend: frontend-active@v1×5→backend-active frontend-smoke@v1×2→backend-smoke backend-active@v1×4 backend-smoke@v2×1 test smoke-test-smoke-backend-frontend-v1-backend-v2',
      'smoke-frontend: frontend-active@v1×5→backend-active frontend-smoke@v2×2→backend-smoke backend-active@v1×4 backend-smoke@v2×1 test smoke-test-smoke-frontend-frontend-v2-backend-v2',
      'upgrade-active-backend: frontend-active@v1×5→backend-active frontend-smoke@v2×2→backend-smoke backend-active@v2×4 backend-smoke@v2×1',
      'upgrade-active-frontend: frontend-active@v2×5→backend-active frontend-smoke@v2×2→backend-smoke backend-active@v2×4 backend-smoke@v2×1',
      'cleanup: frontend-active@v2×5→backend-active backend-active@v2×4',
    ]);
    // Rollbacks never pair a new frontend with an old backend.
    expect(plan.transitions.slice(6)).toEqual([
      ['smoke', 'initial-active'],
      ['smoke-backend', 'initial-active'],
      ['smoke-frontend', 'initial-active'],
      ['upgrade-active-backend', 'smoke-frontend'],
      ['upgrade-active-frontend', 'upgrade-active-backend'],
    ]);
  });

  test('compatible, scale to zero: the smoke copy stays at 0 replicas', () => {
    const last = planStages(check, input({ strategy: StageStrategy.COMPATIBLE })).phases.at(-1)!;
    expect(outline([last])).toEqual(['cleanup: frontend-active@v2×5→backend-active frontend-smoke@v2×0→backend-smoke backend-active@v2×4 backend-smoke@v2×0']);
  });

  test('smoke phases name the Job a pipeline waits for', () => {
    const plan = planStages(check, input());
    expect(plan.phases[1].description).toBe('backend-v2 and frontend-smoke (v2) run beside the untouched active stage; gate: the smoke test job/smoke-test-smoke-frontend-v2-backend-v2');
  });

  test('selectors: deploy-stage for frontends and stage-bound backends, deploy-version for per-version backends', () => {
    const [, smoke] = planStages(check, input()).phases;
    expect([smoke.active.selector, smoke.smoke!.selector, smoke.backends[0].selector]).toEqual([
      ['deploy-stage', 'active'],
      ['deploy-stage', 'smoke'],
      ['deploy-version', 'v1'],
    ]);
    const [, compatible] = planStages(check, input({ strategy: StageStrategy.COMPATIBLE })).phases;
    expect(compatible.backends.map((b) => b.selector)).toEqual([
      ['deploy-stage', 'active'],
      ['deploy-stage', 'smoke'],
    ]);
  });
});

describe('phase checks', () => {
  const [, smoke] = planStages(check, input()).phases;

  test('a frontend calling a backend Service its phase lacks is an error naming both', () => {
    const broken: StagePhase = { ...smoke, backends: smoke.backends.filter((b) => b.name !== 'backend-v2') };
    const e = errorOf(() => checkPhaseWiring(check, broken));
    expect([e.path, e.field, e.value]).toEqual(['shop', 'smoke.backend', 'backend-v2']);
    expect(e.message).toContain('frontend-smoke would call backend-v2, which that phase does not contain');
    expect(e.message).toContain('a backend Service of phase "smoke" (backend-v1)');
  });

  test('two runs of one name in a phase are an error naming both', () => {
    const clash: StagePhase = { ...smoke, backends: [...smoke.backends, { ...smoke.backends[0], name: 'frontend-smoke' }] };
    const e = errorOf(() => checkPhaseNames(check, clash));
    expect(e.field).toBe('backend.name');
    expect(e.message).toContain('two Deployments and two Services named "frontend-smoke" (the smoke frontend v2 and the backend v1)');
  });

  test('names: versions become name suffixes, and the Job names its phase and what it tests', () => {
    expect(versionNameSuffix('1.4.0_RC1')).toBe('1-4-0-rc1');
    expect(smokeTestJobName('smoke', 'web', '2.0', 'api', '3')).toBe('smoke-test-smoke-web-2-0-api-3');
  });
});
