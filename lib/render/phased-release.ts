import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
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
    const releases = this.node.root.node.findAll().filter(PhasedRelease.isPhasedRelease);
    const owner = new Map<string, string>();
    for (const r of releases.slice(0, releases.indexOf(this))) for (const key of objectKeys(r)) owner.set(key, r.node.path);
    const problems = new Set<string>();
    for (const key of objectKeys(this)) {
      const other = owner.get(key);
      if (other !== undefined) problems.add(`${key} is also rendered by the release at "${other}": applying one would overwrite the other's and pruning would delete it; give one of them another name`);
    }
    return [...problems];
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

/** `<Kind> "<name>" (namespace <ns>)` of every object a release renders, in any phase. */
function objectKeys(release: PhasedRelease): Set<string> {
  const keys = new Set<string>();
  for (const c of release.node.findAll()) {
    if (c instanceof ApiObject) keys.add(`${c.kind} "${c.metadata.name}"${c.metadata.namespace ? ` (namespace ${c.metadata.namespace})` : ''}`);
  }
  return keys;
}
