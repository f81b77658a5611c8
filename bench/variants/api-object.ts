import { ApiObject, App, Chart } from 'cdk8s';
import { phaseManifests } from '../plain-manifests';
import { synthCharts, writeFiles, Written } from '../output';
import { AppSpec, phasesOf } from '../workload';

/** (c) raw cdk8s: the plain objects as `ApiObject`s, one chart per application and phase. */
export function runApiObjects(specs: readonly AppSpec[], outdir: string): Written {
  const app = new App({ outdir });
  const charts = new Map<Chart, string>();
  for (const spec of specs) {
    for (const phase of phasesOf(spec)) {
      const chart = new Chart(app, `${spec.name}-${phase.name}`, { disableResourceNameHashes: true });
      charts.set(chart, `${spec.name}/${phase.name}`);
      for (const m of phaseManifests(spec, phase)) new ApiObject(chart, `${m.kind}-${m.metadata.name}`, m);
    }
  }
  const files = synthCharts(app, charts);
  return writeFiles(outdir, files);
}
