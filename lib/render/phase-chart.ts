import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

const PHASE_CHART = Symbol.for('cdk8s-canary.PhaseChart');

/** The manifests of one phase of one release: written to `<release>/<phase>/`. */
export class PhaseChart extends Chart {
  public static isPhaseChart(x: unknown): x is PhaseChart {
    return typeof x === 'object' && x !== null && PHASE_CHART in x;
  }

  constructor(
    scope: Construct,
    /** Name of the release, the first folder of the output. */
    public readonly release: string,
    /** Name of the phase, the second folder of the output. */
    public readonly phase: string,
    namespace?: string,
  ) {
    super(scope, phase, { namespace, disableResourceNameHashes: true });
    Object.defineProperty(this, PHASE_CHART, { value: true });
  }

  /** Output folder, relative to the output directory. */
  public get outputPath(): string {
    return `${this.release}/${this.phase}`;
  }
}
