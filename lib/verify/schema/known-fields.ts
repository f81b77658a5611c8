import { readSchemaFile } from './schema-files';
import { PathSegment, RawIssue } from './schema-issue';

/**
 * Unknown-field check for the core kinds.
 *
 * The validators of kubernetes-models check types, enums, formats and
 * required fields but accept any extra field (their schemas carry no
 * `additionalProperties: false`), while the API server, under kubectl's
 * default strict field validation, rejects unknown fields. So every object in
 * a core document is also compared with the field names of its Kubernetes
 * type, from schemas/k8s-fields.json (written by
 * scripts/extract-k8s-fields.js from the type declarations of the same
 * kubernetes-models package, so both agree on the Kubernetes version).
 *
 * A reference in that table is 0 (nothing to check below), a type name,
 * `[]<ref>` (array) or `{}<ref>` (map).
 */

type FieldRef = string | 0;
interface FieldTable {
  readonly kinds: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, FieldRef>>>>;
}

function table(): FieldTable {
  return readSchemaFile('k8s-fields.json') as FieldTable;
}

/** The type of ObjectMeta, used for the metadata of custom resources. */
export const OBJECT_META_TYPE = 'apimachinery/apis/meta/v1/ObjectMeta';

/** The type holding the fields of a core kind ("apps/v1 Deployment"), if known. */
export function typeOfKind(apiVersionKind: string): string | undefined {
  const { kinds } = table();
  return Object.prototype.hasOwnProperty.call(kinds, apiVersionKind) ? kinds[apiVersionKind] : undefined;
}

/** Reports every field of `value` (found at `path`) that `ref` does not know. */
export function findUnknownFields(value: unknown, ref: FieldRef, path: PathSegment[] = []): RawIssue[] {
  const issues: RawIssue[] = [];
  walk(value, ref, path, issues);
  return issues;
}

function walk(value: unknown, ref: FieldRef, path: PathSegment[], issues: RawIssue[]): void {
  if (ref === 0 || value === null || typeof value !== 'object') return;
  if (ref.startsWith('[]')) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, ref.slice(2), [...path, i], issues));
    return;
  }
  if (Array.isArray(value)) return; // a type error, reported by the validator
  if (ref.startsWith('{}')) {
    for (const [key, item] of Object.entries(value)) walk(item, ref.slice(2), [...path, key], issues);
    return;
  }
  const { types } = table();
  const fields = Object.prototype.hasOwnProperty.call(types, ref) ? types[ref] : undefined;
  if (fields === undefined) throw new Error(`schemas/k8s-fields.json has no type ${ref}`);
  for (const [key, item] of Object.entries(value)) {
    if (Object.prototype.hasOwnProperty.call(fields, key)) {
      walk(item, fields[key], [...path, key], issues);
    } else {
      issues.push({ path: [...path, key], message: `unknown field "${key}"` });
    }
  }
}
