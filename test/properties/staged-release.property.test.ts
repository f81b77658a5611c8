import { stagedReleaseSpec } from './arbitraries/staged-release';
import { describeConstruct } from './support/construct-properties';

describeConstruct(stagedReleaseSpec);
