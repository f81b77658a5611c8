import { phaseManifests } from '../plain-manifests';
import { BenchFile, writeFiles, yamlDocuments } from '../output';
import { AppSpec, phasesOf } from '../workload';

/** (d) the lower bound: `yaml` stringify of the plain objects, no cdk8s at all. */
export function runPlainYaml(specs: readonly AppSpec[], outdir: string): number {
  const files: BenchFile[] = [];
  for (const spec of specs) {
    for (const phase of phasesOf(spec)) {
      files.push({ path: `${spec.name}/${phase.name}/manifest.yaml`, content: yamlDocuments(phaseManifests(spec, phase)) });
    }
  }
  writeFiles(outdir, files);
  return files.length;
}
