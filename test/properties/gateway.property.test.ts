import { gatewaySpec } from './arbitraries/gateway';
import { describeConstruct } from './support/construct-properties';

describeConstruct(gatewaySpec);
