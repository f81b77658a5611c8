import { App } from 'cdk8s';
import { ReleaseConfigError } from '../../../lib';
import { Case, ConstructSpec, InvalidClass } from './spec';
import { formatIssue, Issue, verifyApp } from './verify';

/** Seed of the property tests, so that a failure in CI replays locally. */
export const SEED = 20240611;

/** An app that is only rendered in memory: unlike Testing.app(), it creates no folder per case. */
export function memoryApp(): App {
  return new App({ outdir: 'never-written' });
}

/** Problems of a valid input: it must build and every phase must pass the verifier. */
export function problemsOfValid<P>(spec: ConstructSpec<P>, c: Case<P>): Issue[] {
  const app = memoryApp();
  try {
    spec.build(app, c);
    return verifyApp(app);
  } catch (e) {
    const config = ReleaseConfigError.isReleaseConfigError(e);
    return [{ where: c.id, what: config ? `rejected ${e.field}` : `threw ${e instanceof Error ? e.constructor.name : typeof e}`, detail: e instanceof Error ? e.message : String(e) }];
  }
}

export { formatIssue };

/** The problem with an invalid input, if any: it must throw a ReleaseConfigError naming the construct and `field`. */
export function problemOfInvalid<P>(spec: ConstructSpec<P>, cls: InvalidClass<P>, c: Case<P>): string | undefined {
  const app = memoryApp();
  try {
    spec.build(app, c);
  } catch (e) {
    if (!ReleaseConfigError.isReleaseConfigError(e)) return `threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)} instead of a ReleaseConfigError`;
    if (e.path !== c.id) return `error names path ${e.path}, not ${c.id}: ${e.message}`;
    if (e.field !== cls.field) return `error names field ${e.field}, not ${cls.field}: ${e.message}`;
    if (!cls.expected.test(e.expected)) return `error does not say ${cls.expected}: ${e.message}`;
    if (e.message.includes('\n')) return `error message spans lines: ${JSON.stringify(e.message)}`;
    return undefined;
  }
  return 'was accepted';
}
