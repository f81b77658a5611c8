import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { AppSpec, PhasePlan, phasesOf } from './workload';

/** One file of a variant's output. */
export interface BenchFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The YAML of a list of documents as `yaml` writes them (without the YAML 1.1 quoting the
 * library adds, which strings of the workload never need: the benchmark checks that (d)
 * writes (a)'s files byte for byte before measuring).
 */
export function yamlDocuments(docs: readonly object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

/** What a variant wrote: the number of files, and the milliseconds spent writing them. */
export interface Written {
  readonly files: number;
  readonly writeMs: number;
}

/** Writes files below `outdir`: one mkdir per folder, one write per file, as every variant does. */
export function writeFiles(outdir: string, files: readonly BenchFile[]): Written {
  const start = performance.now();
  const made = new Set<string>();
  for (const f of files) {
    const file = path.join(outdir, f.path);
    const dir = path.dirname(file);
    if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
    fs.writeFileSync(file, f.content);
  }
  return { files: files.length, writeMs: performance.now() - start };
}

/**
 * Synthesizes a cdk8s app with one chart per `<app>/<phase>` in one pass, as
 * `app.synth()` does but without its per-chart re-validation of the whole app
 * (`chart.toJson()` validates every construct again, which is quadratic in the
 * number of charts): validate once, then render each chart's objects.
 */
export function synthCharts(app: App, charts: ReadonlyMap<Chart, string>): BenchFile[] {
  const all = app.node.findAll();
  const problems = all.flatMap((c) => c.node.validate());
  if (problems.length) throw new Error(problems.join('\n'));
  const docs = new Map<Chart, object[]>();
  for (const c of all) {
    if (!(c instanceof ApiObject)) continue;
    const chart = Chart.of(c);
    let list = docs.get(chart);
    if (!list) docs.set(chart, (list = []));
    list.push(c.toJson());
  }
  return [...charts].map(([chart, dir]) => ({ path: `${dir}/manifest.yaml`, content: yamlDocuments(docs.get(chart) ?? []) }));
}

/**
 * One chart per application and phase, the charts of an application under one construct
 * (as the library does: 10,000 charts straight under the App made (c) seven times slower at
 * 2000 apps), filled by `fill`, synthesized in one pass and written: the plumbing of (b) and (c).
 */
export function writePhaseCharts(specs: readonly AppSpec[], outdir: string, fill: (chart: Chart, spec: AppSpec, phase: PhasePlan) => void): Written {
  const app = new App({ outdir });
  const charts = new Map<Chart, string>();
  for (const spec of specs) {
    const release = new Construct(app, spec.name);
    for (const phase of phasesOf(spec)) {
      const chart = new Chart(release, phase.name, { disableResourceNameHashes: true });
      charts.set(chart, `${spec.name}/${phase.name}`);
      fill(chart, spec, phase);
    }
  }
  return writeFiles(outdir, synthCharts(app, charts));
}
