import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { renderApp } from '../../lib';
import { YAML_OPTIONS } from '../../lib/write/manifest-yaml';
import { phaseManifests } from '../../bench/plain-manifests';
import { defineCanaryApp } from '../../bench/variants/library';
import { appSpecs, phasesOf } from '../../bench/workload';

// The benchmark's workload, rendered by the library, is byte for byte `yaml`'s stringify
// of the same objects written by hand: the synthesis path (cdk8s objects, their order,
// the YAML writer) adds nothing and loses nothing, whatever is optimised in it.
test('every phase of 105 varied canary apps is the YAML of the hand-written objects', () => {
  const specs = appSpecs(105);
  const app = Testing.app();
  for (const spec of specs) defineCanaryApp(app, spec);
  const rendered = new Map(renderApp(app).map((f) => [f.path, f.content]));

  let phases = 0;
  for (const spec of specs) {
    for (const phase of phasesOf(spec)) {
      const expected = phaseManifests(spec, phase).map((m) => stringify(m, YAML_OPTIONS)).join('---\n');
      const file = `${spec.name}/${phase.name}/manifest.yaml`;
      expect({ file, content: rendered.get(file) }).toEqual({ file, content: expected });
      phases++;
    }
  }
  expect([...rendered.keys()].filter((f) => f.endsWith('/manifest.yaml'))).toHaveLength(phases);
});
