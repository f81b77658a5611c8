import { Checks } from '../../model/checks';

/** Flagger's `thresholdRange`: the metric passes when `min <= value <= max`, both bounds inclusive. */
export interface ThresholdRange {
  readonly min?: number;
  readonly max?: number;
}

const COMPARISON = /^result (<=|>=|==|!=|<|>) (\S+)$/;

/**
 * The thresholdRange of a gate's success condition (normalised by parseCondition:
 * `result >= 0.95 && result <= 1`). Flagger checks one inclusive range per metric, so
 * only `>=`, `<=` and `==` joined by `&&` map; `<`, `>`, `!=` and `||` are refused
 * with the range to write instead, never widened without a word.
 */
export function thresholdRange(check: Checks, field: string, condition: string): ThresholdRange {
  const refuse = (why: string): never => check.fail(field, condition, `a condition Flagger can check (engine flagger, feature thresholdRange): ${why}`);
  if (condition.includes('||')) refuse('one range, without || (Flagger checks one inclusive range { min, max } per metric)');
  let min: number | undefined;
  let max: number | undefined;
  for (const part of condition.split('&&').map((p) => p.trim())) {
    const m = COMPARISON.exec(part);
    if (!m) return refuse(`comparisons of result with numbers (cannot read "${part}")`);
    const [, op, text] = m;
    const value = Number(text);
    if (op === '<' || op === '>') refuse(`inclusive bounds: Flagger's thresholdRange accepts the bound itself, so write "result ${op}= ${value}" if that is meant`);
    if (op === '!=') refuse('a range: "result != x" excludes one value, which no { min, max } can express');
    if (op === '>=' || op === '==') min = min === undefined ? value : Math.max(min, value);
    if (op === '<=' || op === '==') max = max === undefined ? value : Math.min(max, value);
  }
  if (min !== undefined && max !== undefined && min > max) refuse(`a range some value can meet (min ${min} is above max ${max})`);
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}
