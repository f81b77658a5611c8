import { Checks } from '../../model/checks';
import { DeclaredGate } from '../../model/release';

/** A gate of the release and the field that declared it, for errors. */
export interface FieldGate {
  readonly field: string;
  readonly gate: DeclaredGate;
}

/** How often Flagger checks and how many failed checks it tolerates: one value each per Canary. */
export interface AnalysisTiming {
  /** `analysis.interval` in seconds. */
  readonly intervalSeconds: number;
  /** `analysis.threshold`: failed checks that roll the canary back. */
  readonly threshold: number;
  /** Passing checks a gate needs: `iterations` of an A/B or blue/green analysis. */
  readonly passes: number;
}

const FEATURE = '(engine flagger, feature analysis timing)';

/**
 * The analysis timing of a Canary from the timing of its gates. Flagger runs every
 * metric and webhook once per `interval`, moves on after one passing round (at each
 * canary weight; `iterations` rounds in an A/B or blue/green analysis) and rolls back
 * when failed rounds reach `threshold`. A gate's `count` measurements, `failureLimit`
 * of which may fail, map to that when every gate of the release agrees on the
 * interval and the failure limit, and (with weights) needs one passing measurement:
 * anything else is refused rather than checked otherwise than declared.
 * @param weighted whether the analysis walks weights (one passing round per weight)
 * @param fallback the interval when the release has no gate
 */
export function analysisTiming(check: Checks, gates: readonly FieldGate[], weighted: boolean, fallback: number): AnalysisTiming {
  const timed = gates.filter((g) => g.gate.kind !== 'job');
  if (!timed.length) return { intervalSeconds: fallback, threshold: 1, passes: 1 };
  const first = timed[0].gate;
  const interval = first.intervalSeconds!;
  const failureLimit = first.failureLimit!;
  const passes = first.count! - failureLimit;
  for (const { field, gate } of timed) {
    const need = gate.count! - gate.failureLimit!;
    if (weighted && need !== 1) {
      check.fail(
        `${field}.count`,
        gate.count,
        `${gate.failureLimit! + 1} (count - failureLimit = 1) ${FEATURE}: Flagger raises the weight after one passing check and repeats a failing one each interval until threshold; ` +
          `count ${gate.count} with failureLimit ${gate.failureLimit} would need ${need} passing measurements at one weight`,
      );
    }
    if (!weighted && need !== passes) check.fail(`${field}.count`, gate.count, `${passes + gate.failureLimit!} (count - failureLimit = ${passes}, as for ${timed[0].field}) ${FEATURE}: one Canary has one iterations`);
    if (gate.failureLimit !== failureLimit) check.fail(`${field}.failureLimit`, gate.failureLimit, `${failureLimit}, as for ${timed[0].field} ${FEATURE}: one Canary has one threshold of failed checks`);
    if (gate.intervalSeconds !== interval) check.fail(`${field}.intervalSeconds`, gate.intervalSeconds, `${interval}, as for ${timed[0].field} ${FEATURE}: one Canary checks every gate at one analysis interval`);
    if (gate.initialDelaySeconds! > interval) {
      check.fail(`${field}.initialDelaySeconds`, gate.initialDelaySeconds, `at most ${interval}, the analysis interval ${FEATURE}: Flagger checks one interval after each change, and has no other delay`);
    }
  }
  return { intervalSeconds: interval, threshold: failureLimit + 1, passes };
}
