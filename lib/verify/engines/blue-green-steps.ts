import { DeclaredStep } from '../../model/release';
import { asArray, asString, get, K8sObject } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { findAddress, routingOf } from '../traffic/routes';
import { Rational } from '../traffic/rational';
import { Add } from './rollout-references';

/** A step of a blue-green Rollout: the share of the new version, and what ends it. */
export interface BlueGreenStep {
  readonly field: string;
  readonly share: Rational;
  readonly how: string;
}

const BASE = 'spec.strategy.blueGreen';

/**
 * The two steps a blue-green Rollout walks, as a person sees them: the preview (the new
 * ReplicaSet behind `previewService`, no production request), then the promotion
 * (`activeService` switched to it: every request).
 */
export function blueGreenWeights(rollout: K8sObject): BlueGreenStep[] {
  if (get(rollout, 'spec', 'strategy', 'blueGreen') === undefined) return [];
  return [
    { field: `${BASE}.previewService`, share: Rational.ZERO, how: 'the preview (the new ReplicaSet behind previewService, activeService still on the old one)' },
    { field: `${BASE}.activeService`, share: Rational.ONE, how: 'the promotion (activeService switched to the new ReplicaSet)' },
  ];
}

/**
 * What ends each declared step is what the Rollout waits for: the preview's gates are
 * the `prePromotionAnalysis` templates, a preview with `pause` has
 * `autoPromotionEnabled: false` (a person promotes), and the promotion's gates are the
 * `postPromotionAnalysis` templates.
 */
export function checkBlueGreenThen(rollout: K8sObject, steps: readonly DeclaredStep[], add: Add): void {
  const blueGreen = get(rollout, 'spec', 'strategy', 'blueGreen');
  if (blueGreen === undefined) return;
  const [preview, promotion] = steps;
  const names = (key: string) => asArray(get(blueGreen, key, 'templates')).map((t) => asString(get(t, 'templateName')) ?? '');
  const compare = (step: DeclaredStep | undefined, key: string) => {
    if (!step) return;
    const want = (step.gates ?? []).map((g) => g.job).join(', ') || 'none';
    const got = names(key).join(', ') || 'none';
    if (want !== got) add(rollout, `${BASE}.${key}`, `runs the analyses ${got}; release.json's step "${step.name}" declares ${want}`);
  };
  compare(preview, 'prePromotionAnalysis');
  compare(promotion, 'postPromotionAnalysis');
  const manual = get(blueGreen, 'autoPromotionEnabled') === false;
  if (preview && !!preview.pause !== manual) {
    add(rollout, `${BASE}.autoPromotionEnabled`, `is ${manual ? 'false: a person promotes' : 'true (the default): the controller promotes by itself'}; release.json's step "${preview.name}" declares ${preview.pause ? 'a pause' : 'no pause'}`);
  }
}

/** Whether the router object named `address` sends requests to the Rollout's `activeService`. */
export function routesToActive(index: PhaseIndex, rollout: K8sObject, address: string): boolean {
  const active = asString(get(rollout, 'spec', 'strategy', 'blueGreen', 'activeService'));
  const router = active ? findAddress(index, address) : undefined;
  if (!router || router.kind === 'Service') return false;
  return routingOf(index, router).tables.some((t) => t.routes.some((r) => r.destinations.some((d) => d.destination.serviceName === active)));
}
