import { flaggerCanarySpec } from './arbitraries/flagger-canary';
import { flaggerGatewaySpec } from './arbitraries/flagger-gateway';
import { describeConstruct } from './support/construct-properties';

describeConstruct(flaggerCanarySpec);
describeConstruct(flaggerGatewaySpec);
