/**
 * `npm run fuzz [-- --runs N --seed S --construct Name]`: runs the property tests with many more cases
 * (10,000 valid and 10,000 invalid inputs per construct by default) and prints, per
 * construct, how many cases were tried and how many failed, with the first failure of
 * each kind. Exits 1 when any case failed.
 */
import * as fc from 'fast-check';
import { SPECS } from '../test/properties/arbitraries';
import { formatIssue, problemOfInvalid, problemsOfValid } from '../test/properties/support/properties';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('runs', 10000);
const only = process.argv.includes('--construct') ? process.argv[process.argv.indexOf('--construct') + 1] : undefined;
const seed = arg('seed', Date.now() % 2 ** 31);
let failedTotal = 0;
process.stdout.write(`seed ${seed}\n`);

for (const spec of SPECS.filter((s) => only === undefined || s.name === only)) {
  const failures = new Map<string, { count: number; example: string }>();
  const record = (kind: string, example: string) => {
    const f = failures.get(kind) ?? { count: 0, example };
    f.count++;
    failures.set(kind, f);
  };

  let valid = 0;
  fc.assert(
    fc.property(spec.valid, (c) => {
      valid++;
      const problems = problemsOfValid(spec, c);
      if (problems.length) record(`valid input: ${kindOf(problems[0].what)}`, `${formatIssue(problems[0])}\n      input: ${show(c)}`);
    }),
    { seed, numRuns: runs },
  );

  let invalid = 0;
  if (spec.invalid.length) fc.assert(
    fc.property(fc.oneof(...spec.invalid.map((cls) => cls.cases.map((c) => [cls, c] as const))), ([cls, c]) => {
      invalid++;
      const problem = problemOfInvalid(spec, cls, c);
      if (problem) record(`invalid input (${cls.title})`, `${problem}\n      input: ${show(c)}`);
    }),
    { seed, numRuns: runs },
  );

  const failed = [...failures.values()].reduce((n, f) => n + f.count, 0);
  failedTotal += failed;
  process.stdout.write(`${spec.name}: ${valid} valid and ${invalid} invalid cases (${spec.invalid.length} kinds) tried, ${failed} failed\n`);
  for (const [kind, f] of failures) process.stdout.write(`  ${f.count} × ${kind}\n      ${f.example}\n`);
}
process.exitCode = failedTotal ? 1 : 0;

/** A problem without its values, so that the same problem with other names or counts is counted once. */
function kindOf(what: string): string {
  return what
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/[0-9]+/g, 'N')
    .slice(0, 160);
}

function show(c: unknown): string {
  const text = JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' || typeof v === 'function' ? String(v) : v));
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}
