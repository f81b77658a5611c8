/**
 * One problem found in a manifest by {@link validateSchema}.
 */
export interface SchemaIssue {
  /** `kind` of the document ('' when it has none). */
  readonly kind: string;
  /** `metadata.name` of the document ('' when it has none). */
  readonly name: string;
  /**
   * Where in the document, e.g. `spec.template.spec.containers[0].ports[0].containerPort`;
   * map keys that are not plain identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`.
   * '' for the document itself.
   */
  readonly path: string;
  readonly message: string;
}

/** A step into a document: a field or map key, or an array index. */
export type PathSegment = string | number;

/** A problem whose location is still a list of segments. */
export interface RawIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec', 'ports', 0, 'port']` -> `spec.ports[0].port`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}

/**
 * Splits a JSON pointer (`/spec/ports/0/port`) into segments, reading `doc` to
 * tell array indexes from map keys that look like numbers.
 */
export function pointerToPath(doc: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let value: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^(0|[1-9][0-9]*)$/.test(key)) {
      path.push(Number(key));
      value = value[Number(key)];
    } else {
      path.push(key);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}
