import { flaggerCanarySpec } from './arbitraries/flagger-canary';
import { describeConstruct } from './support/construct-properties';

describeConstruct(flaggerCanarySpec);
