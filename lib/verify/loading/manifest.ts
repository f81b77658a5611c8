/**
 * Plain access to Kubernetes documents as read from YAML: no typed model, since
 * the verifier must read hand-written manifests that a typed model would refuse.
 * Every accessor tolerates missing or mistyped fields (the schema check reports
 * those); the other checks then see "absent".
 */

import { apiGroup, isClusterScopedKind } from '../../model/kinds';

export { apiGroup };

/** A Kubernetes object as parsed from a manifest. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly annotations?: { readonly [key: string]: string };
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export type Labels = { readonly [key: string]: string };

export function isClusterScoped(o: K8sObject): boolean {
  return isClusterScopedKind(o.kind);
}

/** The namespace of an object: '' when the manifest leaves it to kubectl (or the kind has none). */
export function namespaceOf(o: K8sObject, fallback = ''): string {
  if (isClusterScoped(o)) return '';
  const ns = o.metadata.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : fallback;
}

/**
 * Identity of an object for kubectl: group, kind, namespace and name. Two
 * documents with the same key are the same object (the second overwrites the first).
 */
export function objectKey(o: K8sObject, defaultNamespace = ''): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${namespaceOf(o, defaultNamespace)}/${o.metadata.name}`;
}

/** How messages name an object: `Deployment/web`, or `Deployment/shop/web` when a namespace is set. */
export function objectRef(o: K8sObject): string {
  const ns = isClusterScoped(o) ? '' : o.metadata.namespace;
  return ns ? `${o.kind}/${ns}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

export function labelsOf(o: K8sObject): Labels {
  return asLabels(o.metadata.labels);
}

export function annotationsOf(o: K8sObject): Labels {
  return asLabels(o.metadata.annotations);
}

/** A string map, keeping only string values (numbers written unquoted in YAML are kept as text). */
export function asLabels(value: unknown): Labels {
  if (!isRecord(value)) return {};
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

export function isRecord(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path of plain keys, or undefined. */
export function get(value: unknown, ...path: readonly (string | number)[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[key];
    }
  }
  return cur;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * Joins the parts of a field path for messages: strings are dotted fragments
 * (`spec.template`), numbers are list indexes (`[0]`).
 */
export function fieldPath(...segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (s !== '') out += out === '' || s.startsWith('[') ? s : `.${s}`;
  }
  return out;
}
