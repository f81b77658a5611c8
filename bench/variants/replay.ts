import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { BenchFile, synthCharts, writeFiles, Written, yamlDocuments } from '../output';

/** The phases a variant wrote: `<release>/<phase>/manifest.yaml` → its documents. */
export interface PhaseDocs {
  readonly dir: string;
  readonly docs: any[];
}

/**
 * Reads the manifests the library wrote, for the workloads whose objects have no
 * hand-written builder in the benchmark: (c) and (d) then start from the very same
 * plain objects, parsed before the clock starts.
 */
export function loadPhases(outdir: string): PhaseDocs[] {
  const phases: PhaseDocs[] = [];
  for (const release of fs.readdirSync(outdir).sort()) {
    const releaseDir = path.join(outdir, release);
    if (!fs.statSync(releaseDir).isDirectory()) continue;
    for (const phase of fs.readdirSync(releaseDir).sort()) {
      const file = path.join(releaseDir, phase, 'manifest.yaml');
      if (!fs.existsSync(file)) continue;
      phases.push({ dir: `${release}/${phase}`, docs: parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()) });
    }
  }
  return phases;
}

/** (c) for replayed objects: one chart per phase of `ApiObject`s. */
export function replayApiObjects(phases: readonly PhaseDocs[], outdir: string): Written {
  const app = new App({ outdir });
  const charts = new Map<Chart, string>();
  for (const p of phases) {
    const [release, phase] = p.dir.split('/');
    const scope = (app.node.tryFindChild(release) as Construct | undefined) ?? new Construct(app, release);
    const chart = new Chart(scope, phase, { disableResourceNameHashes: true });
    charts.set(chart, p.dir);
    for (const d of p.docs) new ApiObject(chart, `${d.kind}-${d.metadata.name}`, d);
  }
  const files = synthCharts(app, charts);
  return writeFiles(outdir, files);
}

/** (d) for replayed objects: `yaml` stringify and write. */
export function replayYaml(phases: readonly PhaseDocs[], outdir: string): Written {
  const files: BenchFile[] = phases.map((p) => ({ path: `${p.dir}/manifest.yaml`, content: yamlDocuments(p.docs) }));
  return writeFiles(outdir, files);
}

/** (e) of the gateway workload: JSON.stringify of the library's documents. */
export function replayJson(phases: readonly PhaseDocs[], outdir: string): Written {
  return writeFiles(outdir, phases.map((p) => ({ path: `${p.dir}/manifest.json`, content: JSON.stringify(p.docs) })));
}
