import * as fc from 'fast-check';
import { SPECS } from './arbitraries';
import { formatIssue, problemOfInvalid, problemsOfValid, SEED } from './support/properties';

// A few hundred cases per property on every `npm test`; `npm run fuzz` runs ten thousand and more.
const RUNS = 200;

describe.each(SPECS.map((s) => [s.name, s] as const))('%s', (_name, spec) => {
  test('accepts every valid input and renders phases that pass the verifier', () => {
    fc.assert(
      fc.property(spec.valid, (c) => {
        expect(problemsOfValid(spec, c).map(formatIssue)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test.each(spec.invalid.map((cls) => [cls.title, cls] as const))('rejects %s', (_title, cls) => {
    fc.assert(
      fc.property(cls.cases, (c) => {
        expect(problemOfInvalid(spec, cls, c)).toBeUndefined();
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});
