import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { PhasedRelease } from '../../../lib';

/** One generated input: the construct id and its props. */
export interface Case<P> {
  readonly id: string;
  readonly props: P;
}

/**
 * What the property tests and `npm run fuzz` need to know about a construct. Adding a
 * construct to them is one file in test/properties/arbitraries/ exporting a spec, and
 * one line in arbitraries/index.ts.
 */
export interface ConstructSpec<P> {
  readonly name: string;
  /** Inputs the construct must accept and render into phases that pass the verifier. */
  readonly valid: fc.Arbitrary<Case<P>>;
  /** Every kind of invalid input, each with the field its error must name. */
  readonly invalid: ReadonlyArray<InvalidClass<P>>;
  build(scope: Construct, input: Case<P>): PhasedRelease;
}

/** A kind of invalid input: the construct must throw a ReleaseConfigError for `field`. */
export interface InvalidClass<P> {
  /** What is wrong, as listed in docs/rejected-inputs.md. */
  readonly title: string;
  /** The field the error names, relative to the construct (`ports[0].name`). */
  readonly field: string;
  /** Must match the error's `expected` text. */
  readonly expected: RegExp;
  readonly cases: fc.Arbitrary<Case<P>>;
  /**
   * Classes shared by several constructs (the container options): docs/rejected-inputs.md lists them
   * once, and for the other constructs says where they sit in the props.
   * @default - the construct's own
   */
  readonly shared?: { readonly group: string; readonly prefix: string };
}

/** A mutation of valid inputs: `patch` returns the props to override (an arbitrary or a plain object). */
export type Patch<P> = (props: P) => fc.Arbitrary<Partial<P>> | Partial<P>;

/** Builds the cases of an invalid class by patching valid ones. */
export function patched<P>(valid: fc.Arbitrary<Case<P>>, patch: Patch<P>): fc.Arbitrary<Case<P>> {
  return valid.chain((c) => {
    const p = patch(c.props);
    const arb = p instanceof fc.Arbitrary ? p : fc.constant(p);
    return arb.map((over) => ({ id: c.id, props: { ...c.props, ...over } }));
  });
}

/** Shorthand for an invalid class built by patching. */
export function invalid<P>(valid: fc.Arbitrary<Case<P>>, title: string, field: string, expected: RegExp, patch: Patch<P>): InvalidClass<P> {
  return { title, field, expected, cases: patched(valid, patch) };
}
