import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, releaseLabels } from '../model/labels';
import { smokeTestJobName, versionNameSuffix } from '../model/stage-plan';
import { StageLabels } from '../model/stage-strategy';
import { FrontendStageProps, FrontendStage } from './frontend-stage';
import { ResolvedSmokeTest, SMOKE_TEST_NAME, expectedAnswer, renderSmokeTestJob } from './smoke-test';

export interface SmokeStageProps extends FrontendStageProps {
  /** The test to run against this copy in this phase. @default - none in this phase */
  readonly smokeTest?: ResolvedSmokeTest;
  /**
   * Name of the test's Job; it should change with the versions under test.
   * @default 'smoke-test-<frontend>-<version>-<backend>-<backend version>'
   */
  readonly smokeTestName?: string;
}

/**
 * A temporary copy of the frontend beside the active one, in one phase:
 * `frontend-smoke` (pods labelled `deploy-stage: smoke`) behind the Service
 * `frontend-smoke`. It never receives production traffic; its smoke test requests
 * it and checks the versions in the answer.
 */
export class SmokeStage extends FrontendStage {
  /** The smoke-test Job of this phase, if any. */
  public readonly smokeTestJob?: ApiObject;

  constructor(scope: Construct, id: string, props: SmokeStageProps) {
    super(scope, id, 'smoke', props);
    if (props.smokeTest) {
      this.smokeTestJob = renderSmokeTestJob(this, 'smoke-test', props.smokeTest, {
        name: props.smokeTestName ?? smokeTestJobName(props.tier.name, versionNameSuffix(props.version), props.backend.tierName, versionNameSuffix(props.backend.version)),
        namespace: props.namespace,
        // Not the frontend's name label: the frontend Services must never select the test's pod.
        labels: { [Labels.NAME]: SMOKE_TEST_NAME, ...releaseLabels(props.release), [StageLabels.STAGE]: 'smoke' },
        url: `${this.url}${props.smokeTest.path}`,
        expect: expectedAnswer(props.smokeTest, {
          frontend: props.tier.name,
          frontendVersion: props.version,
          backend: props.backend.tierName,
          backendVersion: props.backend.version,
        }),
      });
    }
  }
}
