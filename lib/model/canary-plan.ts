import { Checks } from './checks';
import { CanaryStep, CapacityMode } from './canary-step';
import { ImageRef } from './image';
import { Limits } from './limits';
import { gcd } from './gcd';

/** What one track (stable or canary) runs in a phase. */
export interface TrackState {
  /** Pods of the track in this phase. */
  readonly replicas: number;
  /** Image the pods run. */
  readonly image: ImageRef;
  /** Value of the version label of the pods. */
  readonly version: string;
}

export type CanaryPhaseKind = 'stable' | 'dark' | 'canary' | 'promote' | 'rollback';

/** One phase of a canary release: a set of manifests applied with one `kubectl apply`. */
export interface CanaryPhase {
  /** Folder name of the phase: `stable`, `dark`, `canary-33`, `promote`, `rollback`. */
  readonly name: string;
  /** What the phase does: the same kind may appear once per step (`canary`). */
  readonly kind: CanaryPhaseKind;
  /** One line for people: pod counts, versions and traffic share. */
  readonly description: string;
  /** What the stable track runs. */
  readonly stable: TrackState;
  /** What the canary track runs. @default - no canary Deployment in this phase */
  readonly canary?: TrackState;
  /** Whether the production Service sends requests to the canary pods. */
  readonly canaryReleased: boolean;
}

export interface CanaryPlan {
  /** In the order a pipeline applies them; `rollback` last. */
  readonly phases: readonly CanaryPhase[];
  /** Pairs of phase names a pipeline may apply one after the other. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

export interface CanaryPlanInput {
  /** Pods of the stable track at full capacity. */
  readonly replicas: number;
  /** The canary steps, in order of growing share. */
  readonly steps: readonly CanaryStep[];
  /** Whether canary pods replace stable ones or come on top. */
  readonly capacity: CapacityMode;
  /** Image and version in production now. */
  readonly stable: { readonly image: ImageRef; readonly version: string };
  /** Image and version being released. */
  readonly canary: { readonly image: ImageRef; readonly version: string };
}

/**
 * Turns the declaration of a canary release into its phases:
 * stable → dark → canary steps → promote, and rollback from dark or any step.
 */
export function planCanary(check: Checks, input: CanaryPlanInput): CanaryPlan {
  const n = input.replicas;
  if (input.capacity === CapacityMode.CONSTANT && n < 2) {
    check.fail('replicas', n, 'at least 2 replicas with CapacityMode.CONSTANT, where canary pods replace stable ones and one must stay stable (or use CapacityMode.SURGE)');
  }
  const given = check.list('steps', input.steps, 'a non-empty list of canary steps');
  if (given.length > Limits.MAX_STEPS) check.fail('steps', `${given.length} steps`, `at most ${Limits.MAX_STEPS} canary steps`);
  given.forEach((step, i) => isCanaryStep(step) || check.fail(`steps[${i}]`, step, 'a step made with CanaryStep.weight(percent) or CanaryStep.replicas(count)'));
  const counts = input.steps.map((step, i) => canaryReplicas(check, `steps[${i}]`, step, n, input.capacity));
  counts.forEach((c, i) => {
    if (i > 0 && c <= counts[i - 1]) {
      check.fail(`steps[${i}]`, stepText(input.steps[i]), `a step with more canary pods than the step before it (${counts[i - 1]})`);
    }
  });

  const stable = (replicas: number, image = input.stable): TrackState => ({ replicas, ...image });
  const canary = (replicas: number): TrackState => ({ replicas, ...input.canary });
  const stableAt = (c: number) => (input.capacity === CapacityMode.CONSTANT ? n - c : n);

  const phases: CanaryPhase[] = [
    { name: 'stable', kind: 'stable', description: `${n} stable pods on ${input.stable.version}`, stable: stable(n), canaryReleased: false },
    {
      name: 'dark',
      kind: 'dark',
      description: `canary ${input.canary.version} deployed (${counts[0]} pod${counts[0] === 1 ? '' : 's'}), reachable only through its preview Service`,
      stable: stable(n),
      canary: canary(counts[0]),
      canaryReleased: false,
    },
  ];
  const names = new Set(phases.map((p) => p.name));
  counts.forEach((c, i) => {
    const s = stableAt(c);
    // The share in whole percent, kept within 1..99 so that no name claims 0% or 100%.
    const name = `canary-${Math.min(99, Math.max(1, Math.round((100 * c) / (s + c))))}`;
    if (names.has(name)) check.fail(`steps[${i}]`, stepText(input.steps[i]), `a step whose share differs from the other steps (both round to ${name})`);
    names.add(name);
    phases.push({
      name,
      kind: 'canary',
      description: `${s} stable + ${c} canary pods: the canary gets ${c}/${s + c} of the requests`,
      stable: stable(s),
      canary: canary(c),
      canaryReleased: true,
    });
  });
  phases.push(
    { name: 'promote', kind: 'promote', description: `stable rolled to ${input.canary.version} at ${n} pods, canary removed`, stable: stable(n, input.canary), canaryReleased: false },
    { name: 'rollback', kind: 'rollback', description: `stable back on ${input.stable.version} at ${n} pods, canary removed`, stable: stable(n), canaryReleased: false },
  );

  const steps = phases.filter((p) => p.kind === 'canary').map((p) => p.name);
  const forward = ['stable', 'dark', ...steps, 'promote'];
  const transitions: Array<readonly [string, string]> = forward.slice(1).map((to, i) => [forward[i], to] as const);
  for (const from of ['dark', ...steps]) transitions.push([from, 'rollback']);
  return { phases, transitions };
}

/** Canary pods for a step, or a precise error when the step cannot be realised with `n` replicas. */
function canaryReplicas(check: Checks, field: string, step: CanaryStep, n: number, capacity: CapacityMode): number {
  if (step.unit === 'replicas') {
    const max = capacity === CapacityMode.CONSTANT ? n - 1 : Limits.MAX_REPLICAS;
    return check.integer(`${field}.replicas`, step.value, 1, max);
  }
  const w = check.integer(`${field}.weight`, step.value, 1, 99);
  // constant: c / n = w / 100; surge: c / (n + c) = w / 100  =>  c = n w / (100 - w)
  const numerator = n * w;
  const denominator = capacity === CapacityMode.CONSTANT ? 100 : 100 - w;
  if (numerator % denominator === 0) {
    const c = numerator / denominator;
    if (c > Limits.MAX_REPLICAS) check.fail(`${field}.weight`, w, `a weight that needs at most ${Limits.MAX_REPLICAS} canary pods (${w}% of ${n} replicas on top needs ${c})`);
    return c;
  }

  const needed = smallestReplicas(w, capacity);
  return check.fail(
    `${field}.weight`,
    w,
    `a weight that ${n} replicas realise exactly by pod counts (${w}% would need ${fmt(numerator / denominator)} canary pods): ` +
      `with ${n} replicas (${capacity}) the canary shares are ${shares(n, capacity)}; ` +
      `${w}% needs replicas that are a multiple of ${needed} (e.g. ${describeAt(needed, w, capacity)}); or use CanaryStep.replicas(n)`,
  );
}

/** The first canary shares `n` replicas offer, e.g. "1 pod = 33.3%, 2 pods = 66.7%". */
function shares(n: number, capacity: CapacityMode): string {
  const out: string[] = [];
  const max = capacity === CapacityMode.CONSTANT ? n - 1 : n;
  for (let c = 1; c <= max && out.length < 4; c++) {
    const total = capacity === CapacityMode.CONSTANT ? n : n + c;
    out.push(`${c} pod${c === 1 ? '' : 's'} = ${+((100 * c) / total).toFixed(1)}%`);
  }
  return out.length ? out.join(', ') : 'none (one replica leaves no room for a canary)';
}

function stepText(step: CanaryStep): string {
  return `CanaryStep.${step.unit}(${step.value})`;
}

/** Accepts any copy of CanaryStep (instanceof fails across package copies). */
function isCanaryStep(x: unknown): x is CanaryStep {
  return typeof x === 'object' && x !== null && ((x as CanaryStep).unit === 'weight' || (x as CanaryStep).unit === 'replicas');
}

function smallestReplicas(w: number, capacity: CapacityMode): number {
  const denominator = capacity === CapacityMode.CONSTANT ? 100 : 100 - w;
  return denominator / gcd(w, denominator);
}

function describeAt(n: number, w: number, capacity: CapacityMode): string {
  if (capacity === CapacityMode.CONSTANT) {
    const c = (n * w) / 100;
    return `${n}: ${n - c} stable + ${c} canary`;
  }
  const c = (n * w) / (100 - w);
  return `${n} stable + ${c} canary`;
}


function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
