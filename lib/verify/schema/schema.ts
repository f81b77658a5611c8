import { CORE_KINDS, isCoreKind, validateCoreKind } from './core-kinds';
import { crdKinds, isCrdKind, validateCrdKind } from './crd-kinds';
import { validateCustomResourceMeta, validateObjectMeta } from './object-meta';
import { RawIssue, SchemaIssue, formatPath } from './schema-issue';

export type { SchemaIssue } from './schema-issue';

/**
 * Every kind {@link validateSchema} knows, as "<apiVersion> <Kind>"
 * (e.g. "apps/v1 Deployment", "networking.istio.io/v1beta1 VirtualService"),
 * sorted.
 */
export function supportedKinds(): string[] {
  return [...CORE_KINDS, ...crdKinds()].sort();
}

/**
 * Checks one Kubernetes manifest (a parsed YAML/JSON document) the way the
 * API server would on `kubectl apply` with strict field validation, and
 * returns what is wrong with it; [] means valid.
 *
 * - Core kinds (see {@link supportedKinds}) are checked with the validators
 *   of kubernetes-models, plus a check for unknown fields.
 * - Istio and Gateway API kinds are checked against the openAPIV3Schema of
 *   their CRD, with unknown fields reported (the API server would drop them
 *   silently). CEL rules (`x-kubernetes-validations`) are not run.
 * - For every kind, `metadata.name`, `metadata.namespace`, label keys and
 *   values and annotation keys must follow the Kubernetes syntax.
 * - A document of any other apiVersion/kind gets a single issue saying no
 *   schema is known for it.
 */
export function validateSchema(doc: unknown): SchemaIssue[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return [{ kind: '', name: '', path: '', message: `a manifest must be an object, not ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}` }];
  }
  const obj = doc as Record<string, unknown>;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = obj.metadata;
  const name = meta !== null && typeof meta === 'object' && typeof (meta as Record<string, unknown>).name === 'string' ? ((meta as Record<string, unknown>).name as string) : '';
  const issue = (raw: RawIssue): SchemaIssue => ({ kind, name, path: formatPath(raw.path), message: raw.message });

  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    const missing = typeof obj.apiVersion !== 'string' ? 'apiVersion' : 'kind';
    return [issue({ path: [missing], message: `"${missing}" must be a string naming the type of the manifest` })];
  }
  const apiVersionKind = `${obj.apiVersion} ${obj.kind}`;
  let raw: RawIssue[];
  if (isCoreKind(apiVersionKind)) {
    raw = validateCoreKind(apiVersionKind, obj);
  } else if (isCrdKind(apiVersionKind)) {
    raw = [...validateCrdKind(apiVersionKind, obj), ...validateCustomResourceMeta(obj), ...validateOpenTemplate(apiVersionKind, obj)];
  } else {
    return [
      issue({
        path: [],
        message: `no schema is known for apiVersion "${obj.apiVersion}", kind "${obj.kind}"; supported kinds: ${supportedKinds().join(', ')}`,
      }),
    ];
  }
  raw.push(...validateObjectMeta(apiVersionKind, obj));
  return raw.map(issue);
}

/**
 * The Rollout CRD leaves `spec.template` open (any fields pass): its pod template is
 * checked as that of the Deployment it replaces, with the Deployment's own schema.
 */
function validateOpenTemplate(apiVersionKind: string, obj: Record<string, unknown>): RawIssue[] {
  if (apiVersionKind !== 'argoproj.io/v1alpha1 Rollout') return [];
  const spec = obj.spec;
  if (spec === null || typeof spec !== 'object' || !('template' in spec)) return [];
  const { selector, template } = spec as { selector?: unknown; template?: unknown };
  const asDeployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rollout' }, spec: { selector: selector ?? {}, template } };
  return validateCoreKind('apps/v1 Deployment', asDeployment).filter((i) => i.path[0] === 'spec' && i.path[1] === 'template');
}
