import { phaseManifests } from '../plain-manifests';
import { BenchFile, writeFiles, Written, yamlDocuments } from '../output';
import { AppSpec, phasesOf } from '../workload';

/** (d) the lower bound: `yaml` stringify of the plain objects, no cdk8s at all. */
export function runPlainYaml(specs: readonly AppSpec[], outdir: string): Written {
  const files: BenchFile[] = [];
  for (const spec of specs) {
    for (const phase of phasesOf(spec)) {
      files.push({ path: `${spec.name}/${phase.name}/manifest.yaml`, content: yamlDocuments(phaseManifests(spec, phase)) });
    }
  }
  return writeFiles(outdir, files);
}
