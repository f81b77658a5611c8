import { argoBlueGreenSpec } from './arbitraries/argo-blue-green';
import { argoCanarySpec, argoGatewaySpec } from './arbitraries/argo-rollouts';
import { describeConstruct } from './support/construct-properties';

describeConstruct(argoCanarySpec);
describeConstruct(argoGatewaySpec);
describeConstruct(argoBlueGreenSpec);
