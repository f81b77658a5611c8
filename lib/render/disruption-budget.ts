import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { Checks, INT32_MAX } from '../model/checks';

/**
 * How many pods of a track a voluntary disruption (a node drain, a cluster upgrade)
 * may take at once: rendered as a PodDisruptionBudget.
 *
 * The default, `maxUnavailable(1)`, is the budget that works at every replica count:
 * a drain evicts one pod, waits for its replacement to be ready, then the next. A
 * `minAvailable` equal to the replicas, by contrast, forbids every eviction and makes
 * drains hang; since a canary release changes the stable track's replicas from phase
 * to phase (3 → 2 → 3), a count that is safe in one phase can block another, so
 * `minAvailable` is checked against the fewest stable pods of any phase.
 */
export class DisruptionBudget {
  /** At most `pods` (a count ≥ 1 or a percentage such as '25%') unavailable at once. */
  public static maxUnavailable(pods: number | string): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', pods);
  }

  /**
   * At least `pods` (a count or a percentage, rounded up by Kubernetes) must stay
   * available; it must be below the track's fewest pods, or no pod could be evicted.
   */
  public static minAvailable(pods: number | string): DisruptionBudget {
    return new DisruptionBudget('minAvailable', pods);
  }

  /** No PodDisruptionBudget: drains may evict every pod of the track at once. */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0);
  }

  /** Whether `x` is a DisruptionBudget, of this copy of the package or another. */
  public static isDisruptionBudget(x: unknown): x is DisruptionBudget {
    return typeof x === 'object' && x !== null && typeof (x as DisruptionBudget)._resolve === 'function';
  }

  private constructor(
    private readonly kind: 'maxUnavailable' | 'minAvailable' | 'none',
    private readonly pods: number | string,
  ) {}

  /**
   * The budget's spec fields, or undefined for none.
   * @param replicas the track's pods in each phase where it runs
   * @internal
   */
  public _resolve(check: Checks, field: string, replicas: readonly number[]): { maxUnavailable?: number | string; minAvailable?: number | string } | undefined {
    if (this.kind === 'none') return undefined;
    const at = `${field}.${this.kind}`;
    const fewest = Math.min(...replicas);
    const amount = amountOf(check, at, this.pods);
    if (this.kind === 'maxUnavailable') {
      if (amount.count === 0 || amount.percent === 0) check.fail(at, this.pods, 'a count or percentage above 0: a budget of 0 forbids every eviction and makes node drains hang');
      return { maxUnavailable: this.pods };
    }
    // Kubernetes rounds a percentage up: 70% of 3 pods is 3, which blocks every eviction.
    const kept = amount.count ?? Math.ceil((amount.percent! * fewest) / 100);
    if (kept >= fewest) {
      check.fail(at, this.pods, `fewer pods than the track's fewest in any phase (${fewest}), so that a drain can evict one; or use DisruptionBudget.maxUnavailable(1)`);
    }
    return { minAvailable: this.pods };
  }
}

function amountOf(check: Checks, field: string, pods: unknown): { count?: number; percent?: number } {
  const v = check.countOrPercent(field, pods, 0, INT32_MAX, "a pod count (an integer ≥ 0) or a percentage such as '25%'");
  return typeof v === 'string' ? { percent: Number(v.slice(0, -1)) } : { count: v };
}

/** What renderDisruptionBudget needs: the budget of one track, resolved. */
export interface DisruptionBudgetInput {
  /** Name of the PodDisruptionBudget, e.g. `shop-stable`. */
  readonly name: string;
  /** @default - no namespace in the manifest (kubectl's current one) */
  readonly namespace?: string;
  /** Labels of the PodDisruptionBudget object (its release's prune labels among them). */
  readonly labels: { [key: string]: string };
  /** The selector of the Deployment whose pods the budget protects. */
  readonly selector: { [key: string]: string };
  /** The budget's spec fields, as resolved by DisruptionBudget: one of maxUnavailable or minAvailable. */
  readonly budget: { maxUnavailable?: number | string; minAvailable?: number | string };
}

export function renderDisruptionBudget(scope: Construct, id: string, b: DisruptionBudgetInput): ApiObject {
  const intOrString = (v: number | string | undefined) => (v === undefined ? undefined : k8s.IntOrString.of(v));
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name: b.name, namespace: b.namespace, labels: b.labels },
    spec: {
      selector: { matchLabels: b.selector },
      maxUnavailable: intOrString(b.budget.maxUnavailable),
      minAvailable: intOrString(b.budget.minAvailable),
      // A pod that is not ready protects nothing: let drains evict it rather than hang on it.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
