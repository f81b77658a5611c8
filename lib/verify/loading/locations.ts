import * as path from 'path';
import { Finding } from '../finding';
import { isObject, LoadedDocument, LoadedRelease } from './loader';
import { get, objectRef } from './manifest';

/**
 * Adds to each finding the file and line of the object it names, so that CI can show it
 * on the line of the pull request's diff. The object is looked up in the phase of the
 * finding; for a transition `from → to` in `to` first (the phase being applied), then in
 * `from` (an object the transition removes). A finding about the declaration itself (an
 * address no phase has) points at release.json. Findings about objects the loader did not
 * read from a file are left as they are.
 */
export function locateFindings(release: LoadedRelease, findings: readonly Finding[]): Finding[] {
  const byPhase = new Map(release.phases.map((p) => [p.name, documentsByName(p.documents)]));
  const declaration = release.declaration ? path.join(release.path, 'release.json') : undefined;
  return findings.map((f) => {
    const doc = f.phase
      .split(' → ')
      .reverse()
      .map((phase) => lookUp(byPhase.get(phase), f.object))
      .find((d) => d !== undefined);
    if (doc) return { ...f, file: doc.file, ...(doc.line ? { line: doc.line } : {}) };
    return declaration ? { ...f, file: declaration } : f;
  });
}

type DocumentsByName = Map<string, LoadedDocument>;

/** Each document under the names findings give its object: `Kind/name`, `Kind/namespace/name`, `document N of file`. */
function documentsByName(documents: readonly LoadedDocument[]): DocumentsByName {
  const out: DocumentsByName = new Map();
  const add = (key: string, doc: LoadedDocument) => {
    if (!out.has(key)) out.set(key, doc);
  };
  for (const doc of documents) {
    add(`document ${doc.index} of ${doc.file}`, doc);
    if (!isObject(doc.value)) continue;
    const ns = get(doc.value, 'metadata', 'namespace');
    add(objectRef(doc.value), doc);
    add(`${doc.value.kind}/${typeof ns === 'string' && ns ? `${ns}/` : ''}${doc.value.metadata.name}`, doc);
  }
  return out;
}

function lookUp(documents: DocumentsByName | undefined, object: string): LoadedDocument | undefined {
  if (!documents) return undefined;
  const unnamed = object.match(/(document \d+ of .+)$/);
  return documents.get(unnamed ? unnamed[1] : object);
}
