import type { ErrorObject } from 'ajv';
import { ajvErrorsToIssues } from './ajv-issues';
import { OBJECT_META_TYPE, findUnknownFields } from './known-fields';
import { dns1035Label, dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from './name-rules';
import { PathSegment, RawIssue } from './schema-issue';

/**
 * Checks of `metadata` that no schema expresses (neither the Kubernetes
 * OpenAPI definitions nor CRD schemas say anything about names or labels),
 * done by the API server for every kind:
 *
 * - `metadata.name` is required (or `generateName`) and must be a DNS-1123
 *   subdomain; Namespaces need a DNS-1123 label and Services a DNS-1035
 *   label, as the API server asks of them;
 * - `metadata.namespace` must be a DNS-1123 label;
 * - label keys and annotation keys must be qualified names and label values
 *   valid label values; annotations may hold at most 256 KiB in all.
 *
 * Wrong types (a number as a label value, ...) are left to the schema checks.
 */
export function validateObjectMeta(apiVersionKind: string, doc: Record<string, unknown>): RawIssue[] {
  const meta = doc.metadata;
  if (meta === undefined) return [{ path: ['metadata'], message: 'required field "metadata" is missing' }];
  if (!isPlainObject(meta)) return [];
  const issues: RawIssue[] = [];
  const at = (path: PathSegment[], value: string, errors: string[]): void => {
    for (const err of errors) issues.push({ path: ['metadata', ...path], message: `invalid value ${JSON.stringify(value)}: ${err}` });
  };

  if (typeof meta.name === 'string') {
    at(['name'], meta.name, nameRule(apiVersionKind)(meta.name));
  } else if (meta.name === undefined && meta.generateName === undefined) {
    issues.push({ path: ['metadata', 'name'], message: 'required field "name" is missing' });
  }
  if (typeof meta.namespace === 'string') at(['namespace'], meta.namespace, dns1123Label(meta.namespace));

  if (isPlainObject(meta.labels)) {
    for (const [key, value] of Object.entries(meta.labels)) {
      for (const err of qualifiedName(key)) issues.push({ path: ['metadata', 'labels', key], message: `invalid label key ${JSON.stringify(key)}: ${err}` });
      if (typeof value === 'string') at(['labels', key], value, labelValue(value));
    }
  }
  if (isPlainObject(meta.annotations)) {
    let size = 0;
    for (const [key, value] of Object.entries(meta.annotations)) {
      size += key.length + (typeof value === 'string' ? value.length : 0);
      for (const err of qualifiedName(key.toLowerCase())) {
        issues.push({ path: ['metadata', 'annotations', key], message: `invalid annotation key ${JSON.stringify(key)}: ${err}` });
      }
    }
    if (size > 256 * 1024) issues.push({ path: ['metadata', 'annotations'], message: `annotations may not be larger than 262144 bytes (${size})` });
  }
  return issues;
}

function nameRule(apiVersionKind: string): (name: string) => string[] {
  switch (apiVersionKind) {
    case 'v1 Service':
      return dns1035Label;
    case 'v1 Namespace':
      return dns1123Label;
    default:
      return dns1123Subdomain;
  }
}

/**
 * Types and unknown fields of the metadata of a custom resource, which the
 * API server checks as ObjectMeta whatever the CRD schema says (core kinds
 * get the same checks from their own validators). The types are checked with
 * the ObjectMeta validator of kubernetes-models, reached through its
 * ConfigMap model (whose other fields are all optional), keeping only the
 * errors under /metadata.
 */
export function validateCustomResourceMeta(doc: Record<string, unknown>): RawIssue[] {
  const meta = doc.metadata;
  if (!isPlainObject(meta)) return [];
  const issues: RawIssue[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfigMap } = require('kubernetes-models/v1/ConfigMap') as typeof import('kubernetes-models/v1/ConfigMap');
  try {
    new ConfigMap({ metadata: meta }).validate();
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw err;
    const metaErrors = (errors as ErrorObject[]).filter((e) => e.instancePath === '/metadata' || e.instancePath.startsWith('/metadata/'));
    issues.push(...ajvErrorsToIssues({ metadata: meta }, metaErrors));
  }
  issues.push(...findUnknownFields(meta, OBJECT_META_TYPE, ['metadata']));
  return issues;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
