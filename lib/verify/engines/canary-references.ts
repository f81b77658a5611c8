import { FLAGGER_SELECTOR_LABELS } from '../loading/controller-objects';
import { asArray, asLabels, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex, scaleTargetOf } from '../loading/phase-index';
import { Add, isPercent } from './rollout-references';

/**
 * What Flagger's controller looks up for a Canary before it initialises it:
 * - `targetRef`: a Deployment or DaemonSet of the phase, whose selector carries one of the
 *   labels Flagger copies to the primary (`app`, `name`, `app.kubernetes.io/name`);
 * - `autoscalerRef`: a HorizontalPodAutoscaler of the phase that scales the target;
 * - `ingressRef`: an Ingress of the phase;
 * - every `analysis.metrics[].templateRef`: a MetricTemplate (in `templateRef.namespace`,
 *   else the Canary's);
 * - `stepWeight`, `maxWeight` and every `stepWeights` entry are percents from 0 to 100,
 *   the `stepWeights` rising;
 * - one strategy: weights beside `iterations` are never walked (Flagger runs the A/B test
 *   or blue/green analysis whenever `iterations` is set), and a `match` without
 *   `iterations` is no A/B test (Flagger walks the weights instead).
 */
export function checkCanary(index: PhaseIndex, canary: K8sObject, add: Add): void {
  const ns = index.namespaceOf(canary);
  const kind = asString(get(canary, 'spec', 'targetRef', 'kind')) ?? '';
  const name = asString(get(canary, 'spec', 'targetRef', 'name')) ?? '';
  const target = index.find(kind, name, ns, 'apps');
  if (!['Deployment', 'DaemonSet'].includes(kind)) add(canary, 'spec.targetRef.kind', `${JSON.stringify(kind)}: Flagger runs a canary of a Deployment or a DaemonSet`);
  else if (!target) add(canary, 'spec.targetRef', `${kind}/${name} is not in this phase: Flagger has nothing to copy to the primary`);
  else {
    const selector = asLabels(get(target, 'spec', 'selector', 'matchLabels'));
    if (!FLAGGER_SELECTOR_LABELS.some((k) => selector[k] !== undefined)) {
      add(canary, 'spec.targetRef', `the selector of ${kind}/${name} has none of the labels ${FLAGGER_SELECTOR_LABELS.join(', ')}: Flagger cannot tell the primary's pods from the target's and fails to initialise`);
    }
  }
  const hpaName = asString(get(canary, 'spec', 'autoscalerRef', 'name'));
  if (hpaName) {
    const hpa = index.find('HorizontalPodAutoscaler', hpaName, ns, 'autoscaling');
    const scales = hpa ? scaleTargetOf(hpa) : undefined;
    if (!hpa) add(canary, 'spec.autoscalerRef', `HorizontalPodAutoscaler/${hpaName} is not in this phase`);
    else if (scales?.kind !== kind || scales.name !== name) add(canary, 'spec.autoscalerRef', `HorizontalPodAutoscaler/${hpaName} scales ${scales ? `${scales.kind}/${scales.name}` : 'nothing'}, not the target ${kind}/${name}: the primary's copy would scale the wrong workload`);
  }
  const ingress = asString(get(canary, 'spec', 'ingressRef', 'name'));
  if (ingress && !index.find('Ingress', ingress, ns, 'networking.k8s.io')) add(canary, 'spec.ingressRef', `Ingress/${ingress} is not in this phase`);
  asArray(get(canary, 'spec', 'analysis', 'metrics')).forEach((m, i) => {
    const ref = asString(get(m, 'templateRef', 'name'));
    if (!ref) return;
    const refNs = asString(get(m, 'templateRef', 'namespace')) ?? ns;
    if (!index.find('MetricTemplate', ref, refNs, 'flagger.app')) add(canary, `spec.analysis.metrics[${i}].templateRef`, `MetricTemplate "${ref}"${refNs ? ` in namespace ${refNs}` : ''} is not in this phase: the analysis fails and Flagger rolls back`);
  });
  const analysis = get(canary, 'spec', 'analysis');
  for (const key of ['stepWeight', 'maxWeight']) {
    const v = get(analysis, key);
    if (v !== undefined && !isPercent(v)) add(canary, `spec.analysis.${key}`, `${JSON.stringify(v)} is not a whole percent from 0 to 100`);
  }
  const weighted = ['stepWeights', 'stepWeight'].find((k) => get(analysis, k) !== undefined);
  if (weighted && get(analysis, 'iterations') !== undefined) {
    add(canary, `spec.analysis.${weighted}`, `is never walked: with iterations set Flagger runs ${asArray(get(analysis, 'match')).length ? 'the A/B test (match)' : 'a blue/green analysis'} and shifts no weight`);
  }
  if (asArray(get(analysis, 'match')).length && get(analysis, 'iterations') === undefined) {
    add(canary, 'spec.analysis.match', 'has no iterations beside it, so it is no A/B test: Flagger walks the weights instead and does not send every matching request to the new version');
  }
  const weights = asArray(get(analysis, 'stepWeights'));
  weights.forEach((w, i) => {
    if (!isPercent(w)) add(canary, `spec.analysis.stepWeights[${i}]`, `${JSON.stringify(w)} is not a whole percent from 0 to 100`);
    else if (i > 0 && isPercent(weights[i - 1]) && (w as number) <= (weights[i - 1] as number)) add(canary, `spec.analysis.stepWeights[${i}]`, `${w} does not rise above the step before (${weights[i - 1]})`);
  });
}
