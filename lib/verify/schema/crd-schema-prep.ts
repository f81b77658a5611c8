/**
 * Rewrites a CRD openAPIV3Schema into a JSON schema that ajv checks the way
 * the API server checks a custom resource:
 *
 * - `x-kubernetes-int-or-string: true` without a type: the value may be an
 *   integer or a string;
 * - unknown fields are errors: `additionalProperties: false` is added to every
 *   object schema that declares no `additionalProperties` and does not carry
 *   `x-kubernetes-preserve-unknown-fields: true`. The API server prunes such
 *   fields silently; for a release tool a field that silently vanishes is a
 *   bug, so it is reported;
 * - the root gets the implicit `apiVersion`, `kind` and `metadata` fields of
 *   every object; `metadata` is left free here and checked by object-meta.ts
 *   and known-fields.ts, as the API server checks it as ObjectMeta whatever
 *   the CRD says.
 *
 * Only the structural part of the schema (`properties`, `items`,
 * `additionalProperties`) is rewritten. The `allOf`/`anyOf`/`oneOf`/`not`
 * branches of a structural schema only add value checks on fields declared
 * in the structural part, so they are kept as they are.
 *
 * `nullable`, `format` and the other x-kubernetes-* keywords are handled by
 * the ajv set-up in crd-ajv.ts.
 */

type Schema = Record<string, unknown>;

export function prepareCrdSchema(openApiV3Schema: Schema): Schema {
  const root = prepareNode(openApiV3Schema);
  root.properties = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    ...(root.properties as Record<string, Schema> | undefined),
    metadata: { type: 'object' },
  };
  root.additionalProperties = false;
  return root;
}

function prepareNode(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema['x-kubernetes-int-or-string'] === true && out.type === undefined && out.anyOf === undefined && out.oneOf === undefined) {
    out.type = ['integer', 'string'];
  }
  if (isSchema(schema.properties)) {
    const properties: Record<string, Schema> = {};
    for (const [name, sub] of Object.entries(schema.properties)) {
      properties[name] = isSchema(sub) ? prepareNode(sub) : (sub as Schema);
    }
    out.properties = properties;
  }
  if (isSchema(schema.items)) out.items = prepareNode(schema.items);
  if (isSchema(schema.additionalProperties)) out.additionalProperties = prepareNode(schema.additionalProperties);
  const isObject = out.type === 'object' || out.properties !== undefined;
  if (isObject && out.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every `format` value used anywhere in `schema`. */
export function formatsUsed(schema: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) formatsUsed(item, found);
  } else if (isSchema(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') found.add(value);
      else if (typeof value === 'object') formatsUsed(value, found);
    }
  }
  return found;
}
