import { CanaryPhase, CanaryPlan } from './canary-plan';

/** The fewest ready pods behind the production Service during one transition, and why. */
export interface TransitionFloor {
  /** The phase the transition starts from. */
  readonly from: string;
  /** The phase the transition applies. */
  readonly to: string;
  /** The fewest ready pods behind the production Service at any moment of the transition. */
  readonly least: number;
  /** What takes the pods away, for an error message. */
  readonly why: string;
}

/**
 * The fewest ready pods the production Service of a canary plan has at any moment,
 * per transition, modelled on how a pipeline applies a phase: the phase is applied
 * (Services switch and scale-downs happen at once, new pods start unready), the
 * rollouts run, then what the phase removed is pruned. A Deployment whose pods change
 * keeps at least `replicas − maxUnavailable` of them (a percentage rounds down). The
 * verifier checks the manifests against the same model.
 */
export function transitionFloors(plan: CanaryPlan, maxUnavailable: number | string): TransitionFloor[] {
  const byName = new Map(plan.phases.map((p) => [p.name, p]));
  return plan.transitions.map(([fromName, toName]) => {
    const from = byName.get(fromName)!;
    const to = byName.get(toName)!;
    let during = 0;
    const why: string[] = [];

    // The stable track is always behind the production Service.
    const rolls = from.stable.version !== to.stable.version;
    if (rolls) {
      const keeps = to.stable.replicas - resolveUnavailable(maxUnavailable, to.stable.replicas);
      during += Math.max(0, Math.min(from.stable.replicas, keeps));
      why.push(`the stable Deployment rolls to ${to.stable.version} keeping ${Math.max(0, keeps)} of ${to.stable.replicas} pods (rollingUpdate.maxUnavailable ${maxUnavailable})`);
    } else {
      during += Math.min(from.stable.replicas, to.stable.replicas);
      if (to.stable.replicas < from.stable.replicas) why.push(`the stable track drops from ${from.stable.replicas} to ${to.stable.replicas} pods at once`);
    }
    // Canary pods count when the Service of `to` selects them; they do not in the dark phase.
    const selectsCanary = !(to.canary && !to.canaryReleased);
    if (selectsCanary && from.canary) {
      during += to.canary ? Math.min(from.canary.replicas, to.canary.replicas) : from.canary.replicas;
      if (to.canary && to.canary.replicas > from.canary.replicas) why.push(`${to.canary.replicas - from.canary.replicas} new canary pods are not ready yet`);
    } else if (selectsCanary && to.canary) {
      why.push(`the ${to.canary.replicas} new canary pods are not ready yet`);
    }
    const after = servingPods(to);
    return { from: fromName, to: toName, least: Math.min(during, after), why: why.join(' while ') || 'nothing changes' };
  });
}

/** Ready pods behind the production Service once a phase is complete. */
export function servingPods(phase: CanaryPhase): number {
  return phase.stable.replicas + (phase.canary && phase.canaryReleased ? phase.canary.replicas : 0);
}

function resolveUnavailable(value: number | string, desired: number): number {
  return typeof value === 'number' ? value : Math.floor((Number(value.slice(0, -1)) * desired) / 100);
}
