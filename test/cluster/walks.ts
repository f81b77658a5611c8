/**
 * The orders in which a pipeline may apply the phases of a release: walks that start at its first phase and follow
 * only the transitions its release.json allows, until every transition was taken once. A walk ends where no
 * transition left untaken can be reached any more (after `promote`, say); the next starts again from the first phase,
 * in a namespace emptied of the release.
 */
export function coveringWalks(phases: readonly string[], transitions: ReadonlyArray<readonly [string, string]>): string[][] {
  const key = (t: readonly [string, string]) => `${t[0]}\u0000${t[1]}`;
  const untaken = new Set(transitions.map(key));
  const next = (from: string) => transitions.filter((t) => t[0] === from).map((t) => t[1]);
  const walks: string[][] = [];
  while (untaken.size > 0) {
    const walk = [phases[0]];
    for (;;) {
      const path = pathToUntaken(walk[walk.length - 1], next, (from, to) => untaken.has(key([from, to])));
      if (!path) break;
      for (const phase of path) {
        untaken.delete(key([walk[walk.length - 1], phase]));
        walk.push(phase);
      }
    }
    if (walk.length === 1) {
      throw new Error(`transitions not reachable from the first phase ${phases[0]}: ${[...untaken].map((k) => k.replace('\u0000', ' → ')).join(', ')}`);
    }
    walks.push(walk);
  }
  return walks;
}

/** Breadth-first: the shortest list of phases from `start` whose last step is a transition not taken yet. */
function pathToUntaken(start: string, next: (from: string) => string[], isUntaken: (from: string, to: string) => boolean): string[] | undefined {
  const queue: Array<{ at: string; path: string[] }> = [{ at: start, path: [] }];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const { at, path } = queue.shift()!;
    for (const to of next(at)) {
      if (isUntaken(at, to)) return [...path, to];
    }
    for (const to of next(at)) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push({ at: to, path: [...path, to] });
    }
  }
  return undefined;
}
