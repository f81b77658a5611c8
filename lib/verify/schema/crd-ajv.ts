import { isIPv4, isIPv6 } from 'net';
import type Ajv from 'ajv';
import type { ErrorObject, SchemaValidateFunction } from 'ajv';

/**
 * The ajv instance that validates custom resources against their CRD
 * schemas, with the Kubernetes extensions to OpenAPI v3:
 *
 * - `nullable: true`: ajv's own OpenAPI support (null is allowed only there;
 *   elsewhere null is reported as a wrong type);
 * - `x-kubernetes-list-type`: `set` lists must not hold the same value twice
 *   and `map` lists must not hold two items with the same
 *   `x-kubernetes-list-map-keys`, as the API server enforces; `atomic` lists
 *   have no such rule;
 * - `x-kubernetes-validations`: CEL rules. They cannot be run here (that needs
 *   a CEL interpreter with the Kubernetes libraries), so they are accepted and
 *   ignored: a resource that passes may still be refused by such a rule;
 * - `x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields` and
 *   `x-kubernetes-embedded-resource` are turned into plain JSON schema by
 *   crd-schema-prep.ts; `x-kubernetes-map-type` only affects server-side
 *   apply merging. All are accepted as keywords here;
 * - formats: int32 (range), int64, float and double (any number), date-time (RFC 3339), byte (base64), ipv4 and ipv6 are checked.
 *   Any other format met in a schema is accepted without a check (see
 *   {@link allowFormat}).
 */
export function createCrdAjv(): Ajv {
  // Loaded here, on the first custom resource validated: a synthesis, which imports the
  // verifier through the index, never compiles a schema.
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const ajv = new AjvClass({
    allErrors: true,
    verbose: true,
    strict: true,
    // Structural schemas put value checks (`required`, `pattern`) in
    // `oneOf`/`anyOf` branches without repeating the type.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    // ajv's pass that prunes the generated code does not change what it accepts, and took a
    // quarter of `cdk8s-canary verify dist/*` (4 schemas compiled on each run).
    code: { optimize: false },
  });
  for (const keyword of [
    'x-kubernetes-validations',
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-map-type',
    'x-kubernetes-list-map-keys',
  ]) {
    ajv.addKeyword({ keyword });
  }
  ajv.addKeyword({ keyword: 'x-kubernetes-list-type', type: 'array', schemaType: 'string', errors: true, validate: listType });

  // Whether the number is an integer is the `type` keyword's business.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => n >= -2147483648 && n <= 2147483647 });
  ajv.addFormat('int64', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s) });
  ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIPv4(s) });
  ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIPv6(s) });
  return ajv;
}

/** Lets `ajv` compile schemas using `format` without checking it. */
export function allowFormat(ajv: Ajv, format: string): void {
  if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const listType: SchemaValidateFunction = (schema, data, parentSchema, dataCxt) => {
  const errors: ErrorObject[] = [];
  const base = dataCxt?.instancePath ?? '';
  const items = data as unknown[];
  if (schema === 'set' || schema === 'map') {
    const mapKeys = schema === 'map' ? ((parentSchema as Record<string, unknown> | undefined)?.['x-kubernetes-list-map-keys'] as string[] | undefined) : undefined;
    if (schema === 'map' && !Array.isArray(mapKeys)) return true;
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const identity = mapKeys ? mapKeys.map((k) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[k] : undefined)) : item;
      const id = JSON.stringify(identity) ?? 'undefined';
      const first = firstIndex.get(id);
      if (first === undefined) {
        firstIndex.set(id, index);
        return;
      }
      const what = mapKeys ? mapKeys.map((k, i) => `${k}=${JSON.stringify((identity as unknown[])[i]) ?? '(unset)'}`).join(', ') : JSON.stringify(item);
      errors.push({
        instancePath: `${base}/${index}`,
        schemaPath: '',
        keyword: 'x-kubernetes-list-type',
        params: { listType: schema, duplicateOf: first },
        message: `duplicate entry (${what}), already at index ${first}`,
      });
    });
  }
  listType.errors = errors;
  return errors.length === 0;
};
