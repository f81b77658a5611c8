import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { DeclaredApplySet } from '../model/release';
import { PhaseChart } from '../render/phase-chart';
import { PhasedRelease } from '../render/phased-release';
import { addApplySets, ApplySetKeys, PhaseManifests, PruneMode } from './applyset';
import { compareManifests, Manifest } from './manifest-order';
import { manifestYaml } from './manifest-yaml';

/** One file of the output, relative to the output directory. */
export interface OutputFile {
  /** Relative to the output directory, with `/` separators. */
  readonly path: string;
  /** Text of the file. */
  readonly content: string;
}

/** Raised when `node.addValidation` checks fail at synthesis; one message per problem. */
export class SynthesisValidationError extends Error {
  constructor(public readonly problems: string[]) {
    super(`validation failed:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisValidationError';
  }
}

/** Options of `renderApp` and `synthesize`. */
export interface RenderOptions {
  /** How a pipeline prunes the objects a phase no longer contains. @default PruneMode.labelSelector() */
  readonly prune?: PruneMode;
}

/**
 * Renders an app to files in memory: each phase to `<release>/<phase>/manifest.yaml`,
 * each release's declaration to `<release>/release.json`, any other chart to
 * `<chart>.yaml`. The tree is walked once, so the cost grows linearly with the number
 * of charts (cdk8s' `chart.toJson()` validates the whole app on every call).
 */
export function renderApp(app: App, options: RenderOptions = {}): OutputFile[] {
  const all = app.node.findAll();
  const problems = PhasedRelease._validatingTree(app, () => all.flatMap((c) => c.node.validate().map((m) => `${c.node.path}: ${m}`)));
  if (problems.length) throw new SynthesisValidationError(problems);

  const objectsByChart = new Map<Chart, ApiObject[]>();
  for (const c of all) {
    if (!(c instanceof ApiObject)) continue;
    const chart = Chart.of(c);
    let list = objectsByChart.get(chart);
    if (!list) objectsByChart.set(chart, (list = []));
    list.push(c);
  }
  const render = (objects: readonly ApiObject[]) => objects.map((o) => o.toJson() as Manifest);
  const chartYaml = (chart: Chart, manifests: Manifest[]): OutputFile => ({ path: chartFile(chart), content: toYaml(manifests.sort(compareManifests)) });

  const files: OutputFile[] = [];
  let applySets: Map<string, DeclaredApplySet> | undefined;
  if (options.prune?.kind === 'applyset') {
    // An ApplySet lists the kinds of every phase of its release: all documents first.
    const byChart = new Map([...objectsByChart].map(([chart, objects]) => [chart, render(objects)]));
    applySets = addApplySets(phaseManifests(byChart), options.prune.options);
    for (const [chart, manifests] of byChart) files.push(chartYaml(chart, manifests));
  } else {
    // Each phase's documents are written as soon as they are rendered, and are garbage
    // before the next phase's: holding them all doubled the peak heap at thousands of releases.
    for (const [chart, objects] of objectsByChart) files.push(chartYaml(chart, render(objects)));
  }
  for (const c of all) {
    if (PhasedRelease.isPhasedRelease(c)) {
      let decl = c.declaration;
      const applySet = applySets?.get(decl.release);
      if (applySet) decl = { ...decl, pruneSelector: `${ApplySetKeys.PART_OF}=${applySet.id}`, applySet };
      files.push({ path: `${decl.release}/release.json`, content: JSON.stringify(decl, undefined, 2) + '\n' });
    }
  }
  assertUniquePaths(files);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function phaseManifests(byChart: Map<Chart, Manifest[]>): PhaseManifests[] {
  const out: PhaseManifests[] = [];
  for (const [chart, manifests] of byChart) {
    if (PhaseChart.isPhaseChart(chart)) out.push({ release: chart.release, phase: chart.phase, manifests });
  }
  return out;
}

function chartFile(chart: Chart): string {
  if (PhaseChart.isPhaseChart(chart)) return `${chart.outputPath}/manifest.yaml`;
  return `${chart.node.path.replace(/\//g, '-') || 'chart'}.yaml`;
}

/** The documents as one YAML stream, each as `yaml`'s stringify writes it. */
export function toYaml(manifests: readonly object[]): string {
  return manifests.map(manifestYaml).join('---\n');
}

function assertUniquePaths(files: OutputFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new SynthesisValidationError([`two releases or charts write ${f.path}: give them different names`]);
    seen.add(f.path);
  }
}

/**
 * Writes the files into a fresh folder beside `outdir` and swaps it in only when all
 * were written, so a failure leaves the previous output exactly as it was. An output
 * folder that already holds exactly these files is left untouched (nor are their
 * modification times changed): reading them costs a tenth of writing them.
 */
export function writeAtomically(outdir: string, files: readonly OutputFile[]): void {
  const target = path.resolve(outdir);
  if (holdsExactly(target, files)) return;
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-new-`));
  // Named from the staging folder's own name, so that a parent folder named like it is never touched.
  const old = path.join(parent, path.basename(staging).replace(/-new-(?=[^-]*$)/, '-old-'));
  let moved = false;
  try {
    for (const f of files) {
      const file = path.join(staging, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
    }
    if (fs.existsSync(target)) {
      fs.renameSync(target, old);
      moved = true;
    }
    fs.renameSync(staging, target);
  } catch (e) {
    // Put the previous output back if it was moved aside and the new one did not take its place.
    if (moved && !fs.existsSync(target)) fs.renameSync(old, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  if (moved) fs.rmSync(old, { recursive: true, force: true });
}

/** Whether `dir` holds these files with this content, and no other file or folder. */
function holdsExactly(dir: string, files: readonly OutputFile[]): boolean {
  const wanted = new Map(files.map((f) => [f.path, f.content]));
  let matched = 0;
  const matches = (folder: string, prefix: string): boolean => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return false;
    }
    // An empty folder is not part of the output.
    if (entries.length === 0) return false;
    return entries.every((e) => {
      const rel = prefix + e.name;
      if (e.isDirectory()) return matches(path.join(folder, e.name), `${rel}/`);
      if (!e.isFile() || !wanted.has(rel) || fs.readFileSync(path.join(folder, e.name), 'utf8') !== wanted.get(rel)) return false;
      matched++;
      return true;
    });
  };
  return matches(dir, '') && matched === wanted.size;
}

/** Renders the app and writes it to `outdir` atomically. */
export function synthesize(app: App, outdir: string, options: RenderOptions = {}): OutputFile[] {
  const files = renderApp(app, options);
  writeAtomically(outdir, files);
  return files;
}
