import { DeclaredRelease } from '../../model/release';
import { Finding, FindingSink } from '../finding';
import { K8sObject, objectRef } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { checkCanary } from './canary-references';
import { checkEngineSteps } from './engine-steps';
import { checkRollout } from './rollout-references';

/** The phase whose objects the controller walks through the declared steps. */
const WALKED_PHASE = 'release';

/**
 * Engines: what the Argo Rollouts or Flagger controller needs of a phase before it can
 * walk a step — every object a Rollout or a Canary names exists and leads to its pods,
 * weights are percents — and, in the phase the controller walks, the shares its weights
 * give are the ones release.json declares for each step.
 */
export function checkEngines(release: string, index: PhaseIndex, declaration?: DeclaredRelease): Finding[] {
  const sink = new FindingSink(release, 'engine');
  const add = (o: K8sObject, field: string, message: string) => sink.add(index.name, objectRef(o), field, message);
  for (const rollout of index.ofKind('Rollout', 'argoproj.io')) checkRollout(index, rollout, add);
  for (const canary of index.ofKind('Canary', 'flagger.app')) checkCanary(index, canary, add);
  if (declaration?.engine && declaration.steps && index.name === WALKED_PHASE) {
    checkEngineSteps(index, declaration.steps, add, (field, message) => sink.add(index.name, 'release.json', field, message));
  }
  return sink.findings;
}
