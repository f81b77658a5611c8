import { ConstructSpec } from '../support/spec';
import { canaryAppSpec } from './canary-app';

/** Every construct the property tests and `npm run fuzz` exercise. */
export const SPECS: ReadonlyArray<ConstructSpec<any>> = [canaryAppSpec];
