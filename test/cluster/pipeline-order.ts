import * as fs from 'fs';
import * as path from 'path';
import { ControlPlane } from './control-plane';
import { Verdict } from './differential';
import { renderSeeds, SeedResult } from './seeds';
import { ApplyMode, ReleaseRun, TransitionRecord } from './release-run';
import { coveringWalks } from './walks';

export const DIST = path.join(__dirname, '..', '..', 'dist');
export const MODES: readonly ApplyMode[] = ['client-side', 'server-side'];

/** The namespace a release without one of its own is applied to: one per mode, shared by those releases. */
export const sharedNamespace = (mode: ApplyMode) => `pipeline-${mode}`;

export interface ReleaseResult {
  readonly release: string;
  readonly mode: ApplyMode;
  readonly walks: readonly string[][];
  readonly records: readonly TransitionRecord[];
  /** Problems of the first phase of each walk (applied to a namespace without the release). */
  readonly problems: readonly string[];
}

/**
 * Every order release.json allows, in one apply mode: each covering walk from the release's first phase, a fresh
 * start (the release deleted) before each walk, the transitions watched and checked.
 */
export async function walkRelease(cluster: ControlPlane, release: string, mode: ApplyMode, extent: WalkExtent): Promise<ReleaseResult> {
  const run = new ReleaseRun(cluster, path.join(DIST, release), sharedNamespace(mode));
  const walks = walksOf(release).slice(0, extent === 'every transition' ? undefined : 1);
  const records: TransitionRecord[] = [];
  const problems: string[] = [];
  await run.createPrerequisites();
  for (const walk of walks) {
    await run.reset();
    try {
      await run.apply(walk[0], mode);
      problems.push(...(await run.check(walk[0])).map((p) => `${walk[0]}: ${p}`));
    } catch (e) {
      problems.push(`${walk[0]}: ${(e as Error).message}`);
      continue;
    }
    for (let i = 1; i < walk.length; i++) {
      const record = await run.transition(walk[i - 1], walk[i], mode);
      records.push(record);
      progress(`${release} ${mode} ${record.from} → ${record.to}: ${record.seconds.toFixed(1)} s, least ready ${JSON.stringify(record.lowest)}, ${record.problems.length} problem(s)`);
      if (record.problems.some((p) => p.includes('failed (exit'))) break;
    }
  }
  await run.reset();
  return { release, mode, walks, records, problems };
}

/** `every transition`: all covering walks; `first walk`: only the first, every phase in order where it can go. */
export type WalkExtent = 'every transition' | 'first walk';

export interface PlannedRun {
  readonly release: string;
  readonly mode: ApplyMode;
  readonly extent: WalkExtent;
}

function declarationOf(release: string): { namespace?: string; phases: Array<{ name: string }>; transitions: Array<[string, string]> } {
  return JSON.parse(fs.readFileSync(path.join(DIST, release, 'release.json'), 'utf8'));
}

export function walksOf(release: string): string[][] {
  const d = declarationOf(release);
  return coveringWalks(
    d.phases.map((p) => p.name),
    d.transitions,
  );
}

/**
 * What a walk of an engine's release cannot observe here: no Argo Rollouts or Flagger controller runs on this
 * control plane, so its Rollouts run no pods (argo-controller.test.ts runs the Argo Rollouts controller on a control
 * plane of its own, with releases built for it). The walk still applies and prunes every phase in every order and
 * compares the live objects with the manifests; pods, endpoints and observed shares are left out, and the title
 * of its test says so.
 */
export function engineNote(release: string): string {
  const engine = (declarationOf(release) as { engine?: string }).engine;
  return engine ? ` (no ${engine} controller here: objects applied, compared and pruned; pods, endpoints and shares not observed)` : '';
}

/** Whether a release's rollouts wait (minReadySeconds of 10 s or more): each of its rolling updates takes minutes. */
export function waitsForMinReady(release: string): boolean {
  return fs
    .readdirSync(path.join(DIST, release), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .some((e) => /minReadySeconds: ([1-9]\d+)/.test(fs.readFileSync(path.join(DIST, release, e.name, 'manifest.yaml'), 'utf8')));
}

/**
 * What runs. `full` (CDK8S_CANARY_CLUSTER_MATRIX=full): every transition of every release, client-side and
 * server-side. `default` (npm test): the same for every release but those that wait minReadySeconds, which take
 * their first walk (every phase in order) once, alternating the apply mode between them.
 */
export function plannedRuns(matrix: 'default' | 'full', only?: readonly string[]): PlannedRun[] {
  const runs: PlannedRun[] = [];
  let slow = 0;
  for (const release of releasesInDist().filter((r) => !only || only.includes(r))) {
    if (matrix === 'full' || !waitsForMinReady(release)) {
      for (const mode of MODES) runs.push({ release, mode, extent: 'every transition' });
    } else {
      runs.push({ release, mode: MODES[slow++ % MODES.length], extent: 'first walk' });
    }
  }
  return runs;
}

/** Where a run writes its report and progress: inside this checkout, so that runs of other checkouts do not mix. */
export const OUTPUT = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'cluster');

/** One line per transition, as it ends, for whoever follows a long run (tail -f). */
export const PROGRESS = path.join(OUTPUT, 'progress.log');

function progress(line: string): void {
  fs.mkdirSync(OUTPUT, { recursive: true });
  fs.appendFileSync(PROGRESS, `${new Date().toISOString()} ${line}\n`);
}

/** Runs tasks with at most `limit` at once, in the order given. */
export async function limited<T>(limit: number, tasks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A Markdown table of the transitions: time taken, and per Service the least ready endpoints seen. */
export function renderReport(results: readonly ReleaseResult[]): string {
  const lines = ['| release | mode | transition | s | least ready endpoints per Service (declared minAvailable) | problems |', '| --- | --- | --- | ---: | --- | ---: |'];
  for (const r of results) {
    for (const t of r.records) {
      const lowest = Object.entries(t.lowest)
        .map(([s, n]) => `${s} ${n}${t.minAvailable[s] !== undefined ? ` (${t.minAvailable[s]})` : ''}`)
        .join(', ');
      lines.push(`| ${r.release} | ${r.mode} | ${t.from} → ${t.to} | ${t.seconds.toFixed(1)} | ${lowest || '—'} | ${t.problems.length} |`);
    }
  }
  return lines.join('\n');
}

/** The whole report of a run: transitions, differential verdicts, seeds. */
export function renderClusterReport(transitions: readonly ReleaseResult[], verdicts: readonly Verdict[], seeds: readonly SeedResult[]): string {
  const verdictLines = ['| manifest | API server (dry-run) | verify (schema, transition) |', '| --- | --- | --- |'];
  for (const v of verdicts) {
    const server = v.server === undefined ? 'accepted' : `refused: ${v.server.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 160)}`;
    verdictLines.push(`| ${v.name} | ${server} | ${v.verify.length === 0 ? 'nothing' : `${v.verify.length} finding(s)`} |`);
  }
  return ['## Transitions', '', renderReport(transitions), '', '## Differential testing', '', ...verdictLines, '', '## Seeds', '', renderSeeds(seeds), ''].join('\n');
}

export function releasesInDist(): string[] {
  return fs.readdirSync(DIST).filter((d) => fs.existsSync(path.join(DIST, d, 'release.json')));
}
