import { validateCoreKind } from './core-kinds';
import { RawIssue } from './schema-issue';

/** The parts of a Deployment a fragment can hold. */
export type SpecFragmentKind = 'deployment' | 'pod' | 'container';

const NAME = 'fragment';

/**
 * Checks a fragment of a Deployment (fields of its spec, of its pod spec, or of one
 * container) with the schema `verify` applies to whole manifests: the kubernetes-models
 * validators and the unknown-field table. The fragment is placed in the smallest
 * Deployment that holds it, so only its own fields are reported, with paths relative
 * to it; the fields the stub supplies (selector, template, containers, name) are the
 * ones a fragment may not set anyway.
 */
export function validateSpecFragment(kind: SpecFragmentKind, fields: { readonly [key: string]: unknown }): RawIssue[] {
  const container = kind === 'container' ? { name: NAME, ...fields } : { name: NAME };
  const podSpec = kind === 'pod' ? { containers: [container], ...fields } : { containers: [container] };
  const spec = { selector: {}, template: { spec: podSpec }, ...(kind === 'deployment' ? fields : {}) };
  const doc = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: NAME }, spec };
  const prefix: readonly (string | number)[] =
    kind === 'deployment' ? ['spec'] : kind === 'pod' ? ['spec', 'template', 'spec'] : ['spec', 'template', 'spec', 'containers', 0];
  return validateCoreKind('apps/v1 Deployment', doc)
    .filter((issue) => issue.path.length > prefix.length && prefix.every((segment, i) => issue.path[i] === segment))
    .map((issue) => ({ path: issue.path.slice(prefix.length), message: issue.message }));
}
