import { isRecord, jsonEqual } from '../verify/loading/manifest';

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** Dotted path, list indexes in brackets: `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /**
   * Value before, as in the manifest.
   * @default - none: the field is added
   */
  readonly from?: unknown;
  /**
   * Value after, as in the manifest.
   * @default - none: the field is removed
   */
  readonly to?: unknown;
}

/**
 * The fields that differ, as deep as both sides have the same shape (maps key by
 * key, lists of the same length item by item), so a changed image shows as
 * `…containers[0].image` rather than as a changed template.
 */
export function diffObjects(from: unknown, to: unknown, path = ''): FieldChange[] {
  if (jsonEqual(from, to)) return [];
  if (isRecord(from) && isRecord(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((k) => diffObjects(from[k], to[k], join(path, k)));
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((x, i) => diffObjects(x, to[i], `${path}[${i}]`));
  }
  return [{ path, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }];
}

function join(path: string, key: string): string {
  const k = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return path === '' ? k : k.startsWith('[') ? `${path}${k}` : `${path}.${k}`;
}
