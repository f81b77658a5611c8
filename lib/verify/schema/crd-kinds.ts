import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { ajvErrorsToIssues } from './ajv-issues';
import { formatsUsed, prepareCrdSchema } from './crd-schema-prep';
import { readSchemaFile } from './schema-files';
import { RawIssue } from './schema-issue';

/**
 * Istio and Gateway API kinds, validated with ajv against the CRD schemas
 * shipped in schemas/crd-schemas.json (see scripts/extract-crd-schemas.js),
 * read the first time a kind not among the core kinds is seen. Each schema is compiled the first time one of its kinds is seen, then
 * reused; versions with the same schema share one compiled validator.
 */

interface CrdSchemaFile {
  readonly kinds: Readonly<Record<string, string>>;
  readonly schemas: Readonly<Record<string, Record<string, unknown>>>;
}

function crdFile(): CrdSchemaFile {
  return readSchemaFile('crd-schemas.json') as CrdSchemaFile;
}

/**
 * Kinds whose CRD is not among the shipped files but whose schema is one of theirs: Argo
 * Rollouts' ClusterAnalysisTemplate is an AnalysisTemplate of cluster scope (the same Go
 * type, AnalysisTemplateSpec, generates both CRDs).
 */
const SAME_SCHEMA_AS: Readonly<Record<string, string>> = {
  'argoproj.io/v1alpha1 ClusterAnalysisTemplate': 'argoproj.io/v1alpha1 AnalysisTemplate',
};

function schemaKeyOf(apiVersionKind: string): string | undefined {
  const kinds = crdFile().kinds;
  const own = Object.prototype.hasOwnProperty.call(kinds, apiVersionKind) ? apiVersionKind : SAME_SCHEMA_AS[apiVersionKind];
  return own !== undefined && Object.prototype.hasOwnProperty.call(kinds, own) ? kinds[own] : undefined;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** "<apiVersion> <Kind>" of every custom resource kind checked. */
export function crdKinds(): string[] {
  return [...Object.keys(crdFile().kinds), ...Object.keys(SAME_SCHEMA_AS)].sort();
}

export function isCrdKind(apiVersionKind: string): boolean {
  return schemaKeyOf(apiVersionKind) !== undefined;
}

/** Validates a custom resource (see {@link isCrdKind}) against its CRD schema. */
export function validateCrdKind(apiVersionKind: string, doc: Record<string, unknown>): RawIssue[] {
  const validate = validatorFor(schemaKeyOf(apiVersionKind)!);
  if (validate(doc)) return [];
  return ajvErrorsToIssues(doc, validate.errors ?? []);
}

function validatorFor(schemaKey: string): ValidateFunction {
  let validate = compiled.get(schemaKey);
  if (validate === undefined) {
    // ajv is loaded on the first custom resource: synthesis, which loads this module, never needs it.
    const { allowFormat, createCrdAjv } = require('./crd-ajv') as typeof import('./crd-ajv');
    ajv ??= createCrdAjv();
    const schema = crdFile().schemas[schemaKey];
    for (const format of formatsUsed(schema)) allowFormat(ajv, format);
    validate = ajv.compile(prepareCrdSchema(schema));
    compiled.set(schemaKey, validate);
  }
  return validate;
}
