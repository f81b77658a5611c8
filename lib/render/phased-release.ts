import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Checks } from '../model/checks';
import { pruneAllowlistOf } from '../model/prune-allowlist';
import { DeclaredRelease } from '../model/release';
import { PhaseChart } from './phase-chart';

const PHASED_RELEASE = Symbol.for('cdk8s-canary.PhasedRelease');

/**
 * A release: one definition rendered as one chart per phase. The writer puts each
 * phase in its own folder and the declaration beside them as `release.json`.
 */
export abstract class PhasedRelease extends Construct {
  public static isPhasedRelease(x: unknown): x is PhasedRelease {
    return typeof x === 'object' && x !== null && PHASED_RELEASE in x;
  }

  /** Checks that name this construct in their errors. */
  protected readonly check: Checks;
  private readonly charts = new Map<string, PhaseChart>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, PHASED_RELEASE, { value: true });
    this.check = new Checks(this.node.path);
    this.node.addValidation({ validate: () => this.sharedObjects() });
  }

  /**
   * What the author declared (phases, their order, traffic shares and capacity), with
   * the prune allowlist of every kind the phases hold.
   */
  public get declaration(): DeclaredRelease {
    const { apiVersion, release, strategy, provider, namespace, pruneSelector, ...rest } = this.declare();
    return { apiVersion, release, strategy, provider, namespace, pruneSelector, pruneAllowlist: this.pruneAllowlist(), ...rest };
  }

  /** Names of the phases, in the order a pipeline applies them. */
  public get phaseNames(): string[] {
    return [...this.charts.keys()];
  }

  /** The chart of one phase, e.g. to snapshot it with `Testing.synth`. */
  public phase(name: string): PhaseChart {
    const chart = this.charts.get(name);
    if (!chart) throw new Error(`${this.node.path} has no phase "${name}"; its phases are ${this.phaseNames.join(', ')}`);
    return chart;
  }

  /**
   * Objects this release renders that an earlier release renders too: each `kubectl
   * apply` of one would overwrite the other's, and its prune delete them. Only known
   * once every release is defined, so checked at synthesis.
   */
  private sharedObjects(): string[] {
    const index = objectIndexes.get(this.node.root) ?? new ObjectIndex(this.node.root);
    const problems = new Set<string>();
    for (const key of index.keysOf(this)) {
      const other = index.earlierOwner(key, this);
      if (other !== undefined) problems.add(`${key} is also rendered by the release at "${other}": applying one would overwrite the other's and pruning would delete it; give one of them another name`);
    }
    return [...problems];
  }

  /**
   * Runs `validate` (which validates every construct under `root`, as `renderApp` does)
   * with one index of the objects of every release, instead of one per release: the check
   * of shared objects then costs one walk of the tree, not one per release.
   * @internal
   */
  public static _validatingTree<T>(root: IConstruct, validate: () => T): T {
    objectIndexes.set(root, new ObjectIndex(root));
    try {
      return validate();
    } finally {
      objectIndexes.delete(root);
    }
  }

  /** What the author declared; the prune allowlist is added from the rendered phases. */
  protected abstract declare(): Omit<DeclaredRelease, 'pruneAllowlist'>;

  protected addPhase(release: string, name: string, namespace?: string): PhaseChart {
    const chart = new PhaseChart(this, release, name, namespace);
    this.charts.set(name, chart);
    return chart;
  }

  // From the objects, not from each construct's idea of what it renders: objects added
  // to a phase by hand (`release.phase('dark')`) are pruned too.
  private pruneAllowlist(): string[] {
    const objects = [...this.charts.values()].flatMap((chart) => chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject));
    return pruneAllowlistOf(objects);
  }
}

/** The indexes of the trees being validated by `PhasedRelease._validatingTree`. */
const objectIndexes = new WeakMap<IConstruct, ObjectIndex>();

/** The releases under a root, in tree order, and the objects each renders; worked out on first use. */
class ObjectIndex {
  private releases?: Map<PhasedRelease, number>;
  private readonly keys = new Map<PhasedRelease, Set<string>>();
  /** Per object key, the releases that render it, in tree order. */
  private owners?: Map<string, PhasedRelease[]>;

  constructor(private readonly root: IConstruct) {}

  public keysOf(release: PhasedRelease): Set<string> {
    let keys = this.keys.get(release);
    if (!keys) this.keys.set(release, (keys = objectKeys(release)));
    return keys;
  }

  /** Path of the last release before `release` in tree order that renders `key`, if any. */
  public earlierOwner(key: string, release: PhasedRelease): string | undefined {
    if (!this.owners) {
      this.releases = new Map(this.root.node.findAll().filter(PhasedRelease.isPhasedRelease).map((r, i) => [r, i]));
      this.owners = new Map();
      for (const r of this.releases.keys()) {
        for (const k of this.keysOf(r)) {
          const list = this.owners.get(k);
          if (list) list.push(r);
          else this.owners.set(k, [r]);
        }
      }
    }
    const at = this.releases!.get(release)!;
    const earlier = (this.owners.get(key) ?? []).filter((r) => this.releases!.get(r)! < at);
    return earlier[earlier.length - 1]?.node.path;
  }
}

/** `<Kind> "<name>" (namespace <ns>)` of every object a release renders, in any phase. */
function objectKeys(release: PhasedRelease): Set<string> {
  const keys = new Set<string>();
  for (const c of release.node.findAll()) {
    if (c instanceof ApiObject) keys.add(`${c.kind} "${c.metadata.name}"${c.metadata.namespace ? ` (namespace ${c.metadata.namespace})` : ''}`);
  }
  return keys;
}
