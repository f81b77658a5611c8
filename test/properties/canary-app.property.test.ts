import { canaryAppSpec } from './arbitraries/canary-app';
import { describeConstruct } from './support/construct-properties';

describeConstruct(canaryAppSpec);
