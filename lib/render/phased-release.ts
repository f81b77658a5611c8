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
