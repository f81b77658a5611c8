import type { ErrorObject } from 'ajv';
import { PathSegment, RawIssue, formatPath, pointerToPath } from './schema-issue';

/**
 * Turns ajv errors (from the CRD validators, or from the validators that
 * kubernetes-models ships, which are ajv-generated too) into issues with
 * readable messages:
 *
 * - `required` and `additionalProperties` point at the missing or unknown
 *   field itself rather than at its parent object;
 * - the errors of the branches of a failed `oneOf`/`anyOf` are folded into
 *   the one error of the `oneOf`/`anyOf`: "must be integer or string" for
 *   int-or-string values, "at most one of "exact", "prefix", "regex" may be
 *   set" for the mutually exclusive fields of the Istio schemas, and
 *   "matches none of the allowed forms: ..." listing the branch errors
 *   otherwise.
 */
export function ajvErrorsToIssues(doc: unknown, errors: readonly ErrorObject[]): RawIssue[] {
  const consumed = new Set<ErrorObject>();
  const messages = new Map<ErrorObject, string>();

  for (const alt of errors) {
    if (alt.keyword !== 'oneOf' && alt.keyword !== 'anyOf') continue;
    const branchErrors = errors.filter(
      (e) =>
        e !== alt &&
        (e.schemaPath.startsWith(`${alt.schemaPath}/`) ||
          // The kubernetes-models validators are split in one function per
          // definition, so their schema paths are relative (`#/type`): the
          // branch errors of an int-or-string or a quantity sit beside the
          // oneOf error, at the same place.
          (alt.schemaPath === '#/oneOf' && e.instancePath === alt.instancePath)),
    );
    for (const e of branchErrors) consumed.add(e);
    const sameSpot = branchErrors.every((e) => e.keyword === 'type' && e.instancePath === alt.instancePath);
    const exclusive = exclusiveFields(alt);
    if (branchErrors.length > 0 && sameSpot) {
      const types = [...new Set(branchErrors.flatMap((e) => typesOf(e)))];
      messages.set(alt, `must be ${types.join(' or ')}${describeActual(doc, alt.instancePath)}`);
    } else if (exclusive !== undefined) {
      messages.set(alt, exclusive);
    } else if (branchErrors.length > 0) {
      const base = pointerToPath(doc, alt.instancePath).length;
      const details = branchErrors
        .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf')
        .map((e) => {
          const issue = toIssue(doc, e, undefined);
          const where = formatPath(issue.path.slice(base));
          return where === '' ? issue.message : `${where} ${issue.message}`;
        });
      messages.set(alt, `matches none of the allowed forms: ${[...new Set(details)].join('; ')}`);
    }
  }

  const issues: RawIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (consumed.has(e)) continue;
    const issue = toIssue(doc, e, messages.get(e));
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(doc: unknown, e: ErrorObject, message: string | undefined): RawIssue {
  const path = pointerToPath(doc, e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (message !== undefined) return { path, message };
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: `required field "${String(params.missingProperty)}" is missing` };
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: `unknown field "${String(params.additionalProperty)}"` };
    case 'type':
      return { path, message: `must be ${typesOf(e).join(' or ')}${describeActual(doc, e.instancePath)}` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path, message: e.message ?? `fails the "${e.keyword}" check` };
  }
}

function typesOf(e: ErrorObject): string[] {
  const type = (e.params as { type?: string | string[] }).type;
  if (Array.isArray(type)) return type;
  return type === undefined ? [] : type.split(',');
}

/** ", not string" etc.: the JSON type of the value found at `pointer`. */
function describeActual(doc: unknown, pointer: string): string {
  let value: unknown = doc;
  for (const segment of pointerToPath(doc, pointer) as PathSegment[]) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  if (value === undefined) return '';
  if (value === null) return ', not null';
  if (Array.isArray(value)) return ', not array';
  if (typeof value === 'number' && !Number.isInteger(value)) return ', not number';
  return `, not ${typeof value === 'number' ? 'integer' : typeof value}`;
}

/**
 * The Istio schemas express "at most one of a, b, c" as
 * `oneOf: [{not: {anyOf: [{required: [a]}, {required: [b]}, ...]}}, {required: [a]}, {required: [b]}, ...]`
 * (and "exactly one of" without the `not` branch). Returns a message naming
 * the fields when `e` is such a oneOf (needs ajv's `verbose` option).
 */
function exclusiveFields(e: ErrorObject): string | undefined {
  if (e.keyword !== 'oneOf' || !Array.isArray(e.schema)) return undefined;
  const fields: string[] = [];
  let optional = false;
  for (const branch of e.schema as unknown[]) {
    const b = branch as { required?: unknown; not?: { anyOf?: unknown[] } };
    const keys = Object.keys(b);
    if (keys.length === 1 && Array.isArray(b.required) && b.required.length === 1) {
      fields.push(String(b.required[0]));
    } else if (keys.length === 1 && b.not && Array.isArray(b.not.anyOf)) {
      optional = true;
    } else {
      return undefined;
    }
  }
  if (fields.length === 0) return undefined;
  const list = fields.map((f) => `"${f}"`).join(', ');
  return optional ? `at most one of ${list} may be set` : `exactly one of ${list} must be set`;
}
