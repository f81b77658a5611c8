import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { phaseManifests } from '../plain-manifests';
import { Written } from '../output';
import { AppSpec, phasesOf } from '../workload';

/**
 * (c) synthesized the default cdk8s way, `app.synth()`: every `chart.toJson()`
 * validates the whole app again and re-resolves its dependencies, so the time grows
 * with charts × constructs. Measured at small N only, to show why the library (and
 * the other variants) render all charts in one pass.
 */
export function runApiObjectsAppSynth(specs: readonly AppSpec[], outdir: string): Written {
  const app = new App({ outdir });
  let charts = 0;
  for (const spec of specs) {
    const release = new Construct(app, spec.name);
    for (const phase of phasesOf(spec)) {
      const chart = new Chart(release, phase.name, { disableResourceNameHashes: true });
      charts++;
      for (const m of phaseManifests(spec, phase)) new ApiObject(chart, `${m.kind}-${m.metadata.name}`, m);
    }
  }
  app.synth();
  return { files: charts, writeMs: NaN };
}
