/**
 * Pod counts of Argo Rollouts' canary without traffic routing ("basic canary"): the
 * controller realises a `setWeight` by replica counts, choosing among a few candidates
 * the one closest to the weight. This is the controller's own rule (Argo Rollouts
 * v1.9, `approximateWeightedCanaryStableReplicaCounts`), so that the plan states the
 * pods each step really runs, and a step whose counts no weight gives is refused.
 */
export function basicCanaryCounts(specReplicas: number, weight: number, maxSurge: number): { canary: number; stable: number } {
  if (specReplicas === 0) return { canary: 0, stable: 0 };
  const ceil = Math.ceil((specReplicas * weight) / 100);
  const floor = Math.floor((specReplicas * weight) / 100);
  const tied = (total: number) => ((total * weight) / 100) % 1 === 0.5;
  const zeroAllowed = weight === 100 || weight === 0 || (specReplicas === 1 && maxSurge === 0);
  const options: Array<{ canary: number; total: number }> = [];
  if (ceil < specReplicas || zeroAllowed) options.push({ canary: ceil, total: specReplicas });
  if (!tied(specReplicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas });
  if (maxSurge > 0) {
    options.push({ canary: ceil, total: specReplicas + 1 });
    if (!tied(specReplicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: specReplicas + 1 });
  }
  if (options.length === 0) return { canary: 0, stable: specReplicas };
  const delta = (o: { canary: number; total: number }) => Math.abs((o.canary * 100) / o.total - weight);
  // The first of equally close candidates wins, as in the controller.
  const best = options.reduce((b, o) => (delta(o) < delta(b) ? o : b));
  return { canary: best.canary, stable: best.total - best.canary };
}

/**
 * The integer weights from 1 to 99 whose basic-canary counts are exactly `canary` and
 * `stable` pods, closest to the share those pods take first; empty when none gives them.
 */
export function weightsFor(specReplicas: number, maxSurge: number, canary: number, stable: number): number[] {
  const share = (canary * 100) / (canary + stable);
  const found: number[] = [];
  for (let w = 1; w <= 99; w++) {
    const c = basicCanaryCounts(specReplicas, w, maxSurge);
    if (c.canary === canary && c.stable === stable) found.push(w);
  }
  return found.sort((a, b) => Math.abs(a - share) - Math.abs(b - share) || a - b);
}
