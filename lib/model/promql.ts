import { Checks } from './checks';

const CLOSING: { readonly [open: string]: string } = { '(': ')', '[': ']', '{': '}' };
const OPENING: { readonly [close: string]: string } = { ')': '(', ']': '[', '}': '{' };

/**
 * Checks what can be checked of a PromQL query without a server: not empty, and its
 * brackets and quotes balanced outside string literals. A query Prometheus refuses
 * would make every measurement fail, so the gate would fail every release: caught here
 * rather than in the middle of a rollout.
 */
export function checkPromQL(check: Checks, field: string, query: unknown): string {
  if (typeof query !== 'string' || query.trim() === '') return check.fail(field, query, 'a non-empty PromQL query, e.g. sum(rate(http_requests_total{status=~"5.."}[5m]))');
  const open: Array<{ char: string; at: number }> = [];
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(query, i);
      if (end < 0) check.fail(field, query, `a query whose string literal opened at character ${i + 1} (${c}) is closed`);
      i = end;
    } else if (c === '#') {
      // A comment runs to the end of the line.
      const eol = query.indexOf('\n', i);
      i = eol < 0 ? query.length : eol;
    } else if (CLOSING[c]) {
      open.push({ char: c, at: i });
    } else if (OPENING[c]) {
      const top = open.pop();
      if (!top || top.char !== OPENING[c]) {
        check.fail(field, query, `a query with balanced brackets: "${c}" at character ${i + 1} closes ${top ? `"${top.char}" opened at character ${top.at + 1}` : 'nothing'}`);
      }
    }
  }
  const unclosed = open.pop();
  if (unclosed) check.fail(field, query, `a query with balanced brackets: "${unclosed.char}" opened at character ${unclosed.at + 1} is never closed`);
  return query;
}

/** Index of the quote that closes the string literal opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    // Backquoted strings have no escapes in PromQL.
    if (text[i] === '\\' && quote !== '`') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** A success condition, as written and as the gate script evaluates it. */
export interface GateCondition {
  /** The condition, normalised: `result >= 0.95 && result <= 1`. */
  readonly text: string;
  /** The same as an awk expression over the numeric variable `result`. */
  readonly awk: string;
}

const COMPARISON = /^\s*result\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/**
 * Parses a success condition: comparisons of `result` with numbers, joined by `&&` or
 * `||` (`&&` binds tighter, as in awk). Anything else is refused, so the expression the
 * gate evaluates is exactly the one written.
 */
export function parseCondition(check: Checks, field: string, condition: unknown): GateCondition {
  const expected = 'comparisons of result with numbers joined by && or ||, e.g. "result < 0.01" or "result >= 0.95 && result <= 1"';
  if (typeof condition !== 'string' || condition.trim() === '') return check.fail(field, condition, expected);
  const alternatives = condition.split('||').map((alt) =>
    alt.split('&&').map((part) => {
      const m = COMPARISON.exec(part);
      if (!m) check.fail(field, condition, `${expected} (cannot read "${part.trim()}")`);
      return { op: m[1], value: Number(m[2]) };
    }),
  );
  const text = alternatives.map((all) => all.map((c) => `result ${c.op} ${c.value}`).join(' && ')).join(' || ');
  // `result + 0` makes awk compare numbers even when the value reads NaN or +Inf.
  const awk = alternatives.map((all) => all.map((c) => `(result + 0) ${c.op} ${c.value}`).join(' && ')).join(' || ');
  return { text, awk };
}

/** The condition of Flagger's thresholdRange `{ min, max }`, both inclusive. */
export function thresholdCondition(check: Checks, field: string, threshold: unknown): GateCondition {
  const t = check.object(field, threshold, 'an object { min, max } with at least one of them');
  const bound = (key: 'min' | 'max') => {
    const v = t[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) check.fail(`${field}.${key}`, v, 'a finite number');
    return v as number | undefined;
  };
  const min = bound('min');
  const max = bound('max');
  const unknown = Object.keys(t).filter((k) => k !== 'min' && k !== 'max');
  if (unknown.length) check.fail(`${field}.${unknown[0]}`, t[unknown[0]], 'only min and max');
  if (min === undefined && max === undefined) check.fail(field, threshold, 'an object { min, max } with at least one of them');
  if (min !== undefined && max !== undefined && min > max) check.fail(`${field}.min`, min, `at most max (${max})`);
  const parts = [...(min === undefined ? [] : [`result >= ${min}`]), ...(max === undefined ? [] : [`result <= ${max}`])];
  return parseCondition(check, field, parts.join(' && '));
}
