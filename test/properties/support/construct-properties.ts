import * as fc from 'fast-check';
import { ConstructSpec } from './spec';
import { formatIssue, problemOfInvalid, problemsOfValid, SEED } from './properties';

// A few hundred valid cases per construct on every `npm test`, and a few of each kind of
// invalid input; `npm run fuzz` runs ten thousand and more of both.
const VALID_RUNS = 200;
const INVALID_RUNS = 60;

/** The properties of one construct; each construct has a test file of its own, so that they run in parallel. */
export function describeConstruct<P>(spec: ConstructSpec<P>): void {
  describe(spec.name, () => {
    test('accepts every valid input and renders phases that pass the verifier', () => {
      fc.assert(
        fc.property(spec.valid, (c) => {
          expect(problemsOfValid(spec, c).map(formatIssue)).toEqual([]);
        }),
        { seed: SEED, numRuns: VALID_RUNS },
      );
    });

    test.each(spec.invalid.map((cls) => [cls.title, cls] as const))('rejects %s', (_title, cls) => {
      fc.assert(
        fc.property(cls.cases, (c) => {
          expect(problemOfInvalid(spec, cls, c)).toBeUndefined();
        }),
        { seed: SEED, numRuns: INVALID_RUNS },
      );
    });
  });
}
