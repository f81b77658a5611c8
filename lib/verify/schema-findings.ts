import { Finding, FindingSink } from './finding';
import { LoadedPhase } from './loader';
import { get } from './manifest';
import { validateSchema } from './schema';

/**
 * Schema: every document of a phase against the upstream schemas (kubernetes-models
 * for core kinds, the CRDs' openAPIV3Schema for Istio and Gateway API kinds). A
 * document that is not even an object is named by its file and position.
 */
export function checkSchema(release: string, phase: LoadedPhase): Finding[] {
  const sink = new FindingSink(release, 'schema');
  for (const doc of phase.documents) {
    for (const issue of validateSchema(doc.value)) {
      const ns = get(doc.value, 'metadata', 'namespace');
      const where = `document ${doc.index} of ${doc.file}`;
      const object = !issue.name ? (issue.kind ? `${issue.kind} in ${where}` : where) : `${issue.kind}/${typeof ns === 'string' && ns ? `${ns}/` : ''}${issue.name}`;
      sink.add(phase.name, object, issue.path, issue.message);
    }
  }
  return sink.findings;
}
