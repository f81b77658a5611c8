import { Construct } from 'constructs';
import { FrontendStage, FrontendStageProps } from './frontend-stage';

export interface ActiveStageProps extends FrontendStageProps {}

/**
 * The production copy of the frontend in one phase: `frontend-active` behind the
 * Service `frontend-active`, calling the backend of its version. Its Deployment keeps
 * its name and selector in every phase and is upgraded in place by a rolling update.
 */
export class ActiveStage extends FrontendStage {
  constructor(scope: Construct, id: string, props: ActiveStageProps) {
    super(scope, id, 'active', props);
  }
}
