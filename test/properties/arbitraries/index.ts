import { ConstructSpec } from '../support/spec';
import { argoBlueGreenSpec } from './argo-blue-green';
import { argoCanarySpec, argoGatewaySpec } from './argo-rollouts';
import { canaryAppSpec } from './canary-app';
import { flaggerCanarySpec } from './flagger-canary';
import { flaggerGatewaySpec } from './flagger-gateway';
import { gatewaySpec } from './gateway';
import { stagedReleaseSpec } from './staged-release';

/** Every construct the property tests and `npm run fuzz` exercise. */
export const SPECS: ReadonlyArray<ConstructSpec<any>> = [canaryAppSpec, gatewaySpec, stagedReleaseSpec, argoCanarySpec, argoGatewaySpec, argoBlueGreenSpec, flaggerCanarySpec, flaggerGatewaySpec];
