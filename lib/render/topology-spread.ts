import { k8s } from './k8s';
import { Checks, keysOf } from '../model/checks';

/** What the scheduler does with a pod it cannot place within the skew. */
export enum SpreadPolicy {
  /** Place it anyway, as evenly as it can: a rollout never waits on a full zone. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
  /** Leave it Pending: strict, but a surge pod can then block a rolling update. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
}

export interface SpreadOptions {
  /** Most pods one domain may have above the emptiest one. @default 1 */
  readonly maxSkew?: number;
  /** @default SpreadPolicy.SCHEDULE_ANYWAY */
  readonly whenUnsatisfiable?: SpreadPolicy;
}

/** Well-known topology keys. */
export const TopologyKey = {
  /** One node. */
  HOSTNAME: 'kubernetes.io/hostname',
  /** One availability zone of the cloud. */
  ZONE: 'topology.kubernetes.io/zone',
} as const;

/**
 * How the pods of each workload spread over nodes and zones (topologySpreadConstraints).
 * The label selector of each constraint is the workload's own Deployment selector, set
 * by the construct: the stable track spreads its own pods, never counting the canary's
 * (or another version's), which come and go with the phases.
 */
export class TopologySpread {
  /** One pod per node and per zone, as far as they go: the usual production spread. */
  public static acrossNodesAndZones(options?: SpreadOptions): TopologySpread {
    return new TopologySpread([TopologyKey.HOSTNAME, TopologyKey.ZONE], options);
  }

  /** Spread over the domains of each of these node label keys. */
  public static across(topologyKeys: string[], options?: SpreadOptions): TopologySpread {
    return new TopologySpread(topologyKeys, options);
  }

  /** Whether `x` is a TopologySpread, of this copy of the package or another. */
  public static isTopologySpread(x: unknown): x is TopologySpread {
    return typeof x === 'object' && x !== null && typeof (x as TopologySpread)._check === 'function';
  }

  private constructor(
    private readonly keys: readonly string[],
    private readonly options: SpreadOptions | undefined,
  ) {}

  /** @internal Checks the options; `render` then makes the constraints of one workload. */
  public _check(check: Checks, field: string): (selector: { [key: string]: string }) => k8s.TopologySpreadConstraint[] {
    const keys = check.list(`${field}.topologyKeys`, this.keys, 'a non-empty list of node label keys, such as TopologyKey.ZONE');
    keys.forEach((k, i) => check.labelKey(`${field}.topologyKeys[${i}]`, k));
    check.unique(`${field}.topologyKeys`, keys);
    const o = check.object(field, this.options ?? {}, 'spread options such as { maxSkew: 1 }') as SpreadOptions;
    check.knownKeys(field, o, SPREAD_KEYS, 'SpreadOptions');
    const maxSkew = check.integer(`${field}.maxSkew`, o.maxSkew ?? 1, 1, 1000);
    const whenUnsatisfiable = check.oneOf(`${field}.whenUnsatisfiable`, o.whenUnsatisfiable ?? SpreadPolicy.SCHEDULE_ANYWAY, Object.values(SpreadPolicy));
    return (selector) => (keys as string[]).map((topologyKey) => ({ topologyKey, maxSkew, whenUnsatisfiable, labelSelector: { matchLabels: { ...selector } } }));
  }
}

const SPREAD_KEYS = keysOf<SpreadOptions>({ maxSkew: true, whenUnsatisfiable: true });
