import type { ErrorObject } from 'ajv';
import { ajvErrorsToIssues } from './ajv-issues';
import { findUnknownFields, typeOfKind } from './known-fields';
import { RawIssue } from './schema-issue';

/**
 * Core Kubernetes kinds, validated with the kubernetes-models package.
 *
 * How kubernetes-models validates: each model class (e.g. `Deployment`) has a
 * `validate()` method that runs an ajv validator precompiled from the
 * Kubernetes OpenAPI definitions, with all errors collected. On failure it
 * throws a `ValidationError` whose `errors` are ajv error objects
 * (`instancePath` is a JSON pointer, `keyword`, `params`, `message`). It checks
 * types (accepting null for optional strings), enums, int32/int64 formats,
 * int-or-string values and required fields, but not unknown fields (the
 * schemas have no `additionalProperties: false`) nor the syntax of names and
 * labels (the OpenAPI definitions have none). Those two are checked by
 * known-fields.ts and object-meta.ts.
 *
 * Each model module is loaded the first time its kind is seen.
 */

interface Model {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Readonly<Record<string, () => ModelClass>> = {
  'v1 ConfigMap': () => (require('kubernetes-models/v1/ConfigMap') as typeof import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'v1 Namespace': () => (require('kubernetes-models/v1/Namespace') as typeof import('kubernetes-models/v1/Namespace')).Namespace,
  'v1 Pod': () => (require('kubernetes-models/v1/Pod') as typeof import('kubernetes-models/v1/Pod')).Pod,
  'v1 Secret': () => (require('kubernetes-models/v1/Secret') as typeof import('kubernetes-models/v1/Secret')).Secret,
  'v1 Service': () => (require('kubernetes-models/v1/Service') as typeof import('kubernetes-models/v1/Service')).Service,
  'v1 ServiceAccount': () =>
    (require('kubernetes-models/v1/ServiceAccount') as typeof import('kubernetes-models/v1/ServiceAccount')).ServiceAccount,
  'apps/v1 Deployment': () =>
    (require('kubernetes-models/apps/v1/Deployment') as typeof import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'apps/v1 StatefulSet': () =>
    (require('kubernetes-models/apps/v1/StatefulSet') as typeof import('kubernetes-models/apps/v1/StatefulSet')).StatefulSet,
  'autoscaling/v2 HorizontalPodAutoscaler': () =>
    (require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler') as typeof import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'))
      .HorizontalPodAutoscaler,
  'batch/v1 Job': () => (require('kubernetes-models/batch/v1/Job') as typeof import('kubernetes-models/batch/v1/Job')).Job,
  'networking.k8s.io/v1 Ingress': () =>
    (require('kubernetes-models/networking.k8s.io/v1/Ingress') as typeof import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
  'policy/v1 PodDisruptionBudget': () =>
    (require('kubernetes-models/policy/v1/PodDisruptionBudget') as typeof import('kubernetes-models/policy/v1/PodDisruptionBudget'))
      .PodDisruptionBudget,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const loaded = new Map<string, ModelClass>();

/** "<apiVersion> <Kind>" of every core kind checked. */
export const CORE_KINDS: readonly string[] = Object.keys(LOADERS);

export function isCoreKind(apiVersionKind: string): boolean {
  return Object.prototype.hasOwnProperty.call(LOADERS, apiVersionKind);
}

/** Validates a document of a core kind (see {@link isCoreKind}). */
export function validateCoreKind(apiVersionKind: string, doc: Record<string, unknown>): RawIssue[] {
  let Class = loaded.get(apiVersionKind);
  if (Class === undefined) {
    Class = LOADERS[apiVersionKind]();
    loaded.set(apiVersionKind, Class);
  }
  const issues: RawIssue[] = [];
  try {
    new Class(doc).validate();
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw err;
    issues.push(...ajvErrorsToIssues(doc, errors as ErrorObject[]));
  }
  const type = typeOfKind(apiVersionKind);
  if (type === undefined) throw new Error(`schemas/k8s-fields.json has no entry for ${apiVersionKind}`);
  issues.push(...findUnknownFields(doc, type));
  return issues;
}
