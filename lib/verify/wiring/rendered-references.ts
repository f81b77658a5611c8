import { Finding, FindingSink } from '../finding';
import { fieldPath } from '../loading/manifest';
import { PhaseIndex } from '../loading/phase-index';
import { PodReference, podReferences } from '../loading/pod-references';

/** `Kind/namespace/name` of a referenced object, in the namespace of the pod that names it. */
export function referenceKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Every `Kind/namespace/name` some phase of the release renders. */
export function renderedKeys(indexes: readonly PhaseIndex[]): Set<string> {
  return new Set(indexes.flatMap((i) => i.objects.map((o) => referenceKey(o.kind, i.namespaceOf(o), o.metadata.name))));
}

/** The references of every pod of a phase, with the workload that makes them. */
export function phaseReferences(index: PhaseIndex): Array<PodReference & { workload: PhaseIndex['workloads'][number]; key: string }> {
  return index.workloads.flatMap((w) => podReferences(w.podSpec).map((r) => ({ ...r, workload: w, key: referenceKey(r.kind, w.namespace, r.name) })));
}

/**
 * A ConfigMap or Secret the release renders must be in every phase whose pods need it:
 * pods of a phase without it do not start (CreateContainerConfigError), and the prune of
 * that phase deletes it under the pods still running. Objects no phase renders are the
 * release's prerequisites (listed by `plan`), not checked here.
 */
export function checkRenderedReferences(release: string, indexes: readonly PhaseIndex[]): Finding[] {
  const sink = new FindingSink(release, 'wiring');
  const rendered = renderedKeys(indexes);
  for (const index of indexes) {
    const here = renderedKeys([index]);
    for (const r of phaseReferences(index)) {
      if (r.optional || (r.kind !== 'ConfigMap' && r.kind !== 'Secret') || !rendered.has(r.key) || here.has(r.key)) continue;
      const field = fieldPath(r.workload.templatePath ? `${r.workload.templatePath}.spec` : 'spec', r.field);
      sink.add(index.name, r.workload.ref, field, `${r.kind}/${r.name} is rendered by other phases of the release but not this one: its pods do not start, and its prune deletes the ${r.kind}; every phase that runs them must contain it`);
    }
  }
  return sink.findings;
}
