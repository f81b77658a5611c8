import { Construct } from 'constructs';
import { Checks } from '../model/checks';
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

  /** What the author declared: phases, their order, traffic shares and capacity. */
  public abstract get declaration(): DeclaredRelease;

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

  protected addPhase(release: string, name: string, namespace?: string): PhaseChart {
    const chart = new PhaseChart(this, release, name, namespace);
    this.charts.set(name, chart);
    return chart;
  }
}
