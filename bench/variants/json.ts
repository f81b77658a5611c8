import { phaseManifests } from '../plain-manifests';
import { BenchFile, writeFiles, Written } from '../output';
import { AppSpec, phasesOf } from '../workload';

/**
 * (e) the floor of any writer: `JSON.stringify` of the same plain objects as (d), one
 * JSON document list per phase. Not YAML, so not a way to write manifests people read;
 * it measures what building the objects and writing the files cost without any serializer.
 */
export function runJson(specs: readonly AppSpec[], outdir: string): Written {
  const files: BenchFile[] = [];
  for (const spec of specs) {
    for (const phase of phasesOf(spec)) files.push({ path: `${spec.name}/${phase.name}/manifest.json`, content: JSON.stringify(phaseManifests(spec, phase)) });
  }
  return writeFiles(outdir, files);
}
