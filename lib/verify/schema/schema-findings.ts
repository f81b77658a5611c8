import { describe } from '../../model/errors';
import { Finding, FindingSink } from '../finding';
import { LoadedDocument, LoadedPhase } from '../loading/loader';
import { get } from '../loading/manifest';
import { validateSchema } from './schema';

/**
 * Schema: every document of a phase against the upstream schemas (kubernetes-models
 * for core kinds, the CRDs' openAPIV3Schema for Istio and Gateway API kinds), and
 * read alike by kubectl (YAML 1.1) and YAML 1.2 tools. A document that is not even
 * an object is named by its file and position.
 */
export function checkSchema(release: string, phase: LoadedPhase): Finding[] {
  const sink = new FindingSink(release, 'schema');
  for (const doc of phase.documents) {
    for (const issue of validateSchema(doc.value)) {
      sink.add(phase.name, objectName(doc, issue.kind, issue.name), issue.path, issue.message);
    }
    for (const a of doc.ambiguous ?? []) {
      const kind = get(doc.value, 'kind');
      const name = get(doc.value, 'metadata', 'name');
      sink.add(
        phase.name,
        objectName(doc, typeof kind === 'string' ? kind : undefined, typeof name === 'string' ? name : undefined),
        a.path,
        `kubectl (YAML 1.1) reads ${describe(a.yaml11)}, YAML 1.2 tools read ${describe(a.yaml12)}: quote the value`,
      );
    }
  }
  return sink.findings;
}

function objectName(doc: LoadedDocument, kind?: string, name?: string): string {
  const ns = get(doc.value, 'metadata', 'namespace');
  const where = `document ${doc.index} of ${doc.file}`;
  return !name ? (kind ? `${kind} in ${where}` : where) : `${kind}/${typeof ns === 'string' && ns ? `${ns}/` : ''}${name}`;
}
