import { ReleaseConfigError } from '../../lib';

/** The ReleaseConfigError that `build` throws; fails the test when it throws nothing or something else. */
export function configError(build: () => unknown): ReleaseConfigError {
  try {
    build();
  } catch (e) {
    if (ReleaseConfigError.isReleaseConfigError(e)) return e;
    throw e;
  }
  throw new Error('expected a ReleaseConfigError, but nothing was thrown');
}
