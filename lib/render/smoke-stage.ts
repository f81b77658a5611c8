import { Construct } from 'constructs';
import { FrontendStageProps, FrontendStage } from './frontend-stage';

export type SmokeStageProps = FrontendStageProps;

/**
 * A temporary copy of the frontend beside the active one, in one phase:
 * `frontend-smoke` (pods labelled `deploy-stage: smoke`) behind the Service
 * `frontend-smoke`. It never receives production traffic; the smoke test (a gate of
 * the phase) requests it and checks the versions in the answer.
 */
export class SmokeStage extends FrontendStage {
  constructor(scope: Construct, id: string, props: SmokeStageProps) {
    super(scope, id, 'smoke', props);
  }
}
