import { ReleaseConfigError } from './errors';

/**
 * Field checks shared by every construct. Each returns the value it accepted so
 * that props can be validated and read in one expression. Values are checked as
 * an untyped caller may pass them: any type, NaN, null, arrays for objects.
 */
export class Checks {
  constructor(private readonly path: string) {}

  public fail(field: string, value: unknown, expected: string): never {
    throw new ReleaseConfigError(this.path, field, value, expected);
  }

  /** RFC 1123 label: the rule for Service and most object names. `why` explains a lower limit. */
  public dnsLabel(field: string, value: unknown, maxLength = 63, why = ''): string {
    if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
      this.fail(field, value, `a DNS-1123 label of at most ${maxLength} characters${why}: lower-case letters, digits and '-', starting and ending with a letter or digit`);
    }
    return value;
  }

  /** RFC 1035 label: the rule for Service names, which must start with a letter. */
  public dns1035Label(field: string, value: unknown, maxLength = 63, why = ''): string {
    if (typeof value !== 'string' || value.length > maxLength || !DNS_1035_LABEL.test(value)) {
      this.fail(field, value, `a DNS-1035 label of at most ${maxLength} characters${why}: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`);
    }
    return value;
  }

  /** RFC 1123 subdomain: the rule for Deployment, Secret and ConfigMap names. */
  public dnsSubdomain(field: string, value: unknown): string {
    if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
      this.fail(field, value, "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    return value;
  }

  /** Integer in [min, max]; the default max is the largest int32, the limit of most Kubernetes fields. */
  public integer(field: string, value: unknown, min: number, max = INT32_MAX): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      // Kubernetes' int32 ceiling is too large to be useful in a message.
      this.fail(field, value, max === INT32_MAX ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`);
    }
    return value;
  }

  public boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(field, value, 'true or false');
    return value;
  }

  public oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) this.fail(field, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return value as T;
  }

  /** A plain object (not null, not an array): the shape of every props and options object. */
  public object(field: string, value: unknown, expected = 'an object'): { [key: string]: unknown } {
    if (!isPlainObject(value)) this.fail(field, value, expected);
    return value as { [key: string]: unknown };
  }

  /**
   * Refuses a property the props type does not declare: from untyped code a misspelt
   * `replica: 5` would otherwise be ignored and the default used without a word.
   * A property set to undefined is ignored, as TypeScript allows it.
   */
  public knownKeys(field: string, value: object, known: readonly string[], typeName: string): void {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || known.includes(key)) continue;
      const close = closest(key, known);
      this.fail(join(field, key), v, `a property of ${typeName}: ${close ? `did you mean "${close}"?` : `one of ${known.join(', ')}`}`);
    }
  }

  /** A list, non-empty unless `minLength` is 0. */
  public list(field: string, value: unknown, expected: string, minLength = 1): unknown[] {
    if (!Array.isArray(value) || value.length < minLength) this.fail(field, value, expected);
    return value as unknown[];
  }

  /** A non-empty list of strings, such as a command line. */
  public strings(field: string, value: unknown): string[] {
    const list = this.list(field, value, 'a non-empty list of strings (leave the property out to keep the image default)');
    list.forEach((s, i) => (typeof s !== 'string' || !isWellFormed(s)) && this.fail(`${field}[${i}]`, s, 'a string of well-formed Unicode'));
    return list as string[];
  }

  /** Kubernetes label value: empty, or ≤ 63 alphanumerics with '-', '_', '.' inside. */
  /**
   * A pod count from `min` to `max`, or a percentage as Kubernetes writes one ('25%'),
   * '0%' only when `min` is 0.
   */
  public countOrPercent(field: string, value: unknown, min: number, max: number, expected: string): number | string {
    if (typeof value === 'string' && PERCENT.test(value) && (min === 0 || value !== '0%')) return value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) this.fail(field, value, expected);
    return value;
  }

  /** An environment variable name, as the API server accepts it. */
  public envName(field: string, value: unknown): string {
    if (typeof value !== 'string' || !ENV_NAME.test(value)) this.fail(field, value, "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit");
    return value;
  }

  public labelValue(field: string, value: unknown): string {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      this.fail(field, value, "a label value: at most 63 characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
    }
    return value;
  }

  /** Kubernetes label key: optional DNS-subdomain prefix and '/', then a name. */
  public labelKey(field: string, value: unknown): string {
    if (typeof value !== 'string' || !isLabelKey(value)) {
      this.fail(field, value, "a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'");
    }
    return value;
  }

  /**
   * User labels: an object of valid keys and values, none of them a key the library
   * sets itself (`reserved`), since selectors and pruning depend on those.
   */
  public labels(field: string, value: unknown, reserved: readonly string[] = []): { [key: string]: string } {
    if (value === undefined) return {};
    const labels = this.object(field, value, 'an object of labels, { key: value }');
    const out: { [key: string]: string } = {};
    for (const [k, v] of Object.entries(labels)) {
      this.labelKey(field, k);
      if (reserved.includes(k)) this.fail(`${field}.${k}`, v, `a label key the library does not set (it sets ${reserved.join(', ')} itself: selectors and pruning depend on them)`);
      out[k] = this.labelValue(`${field}.${k}`, v);
    }
    return out;
  }

  /** Values of one list that must differ, e.g. port names; `fieldOf(i)` names the i-th. */
  public unique(fieldOf: string | ((i: number) => string), values: readonly unknown[], expected = 'a value not used earlier in the same list'): void {
    const seen = new Set<unknown>();
    values.forEach((v, i) => {
      if (seen.has(v)) this.fail(typeof fieldOf === 'string' ? `${fieldOf}[${i}]` : fieldOf(i), v, expected);
      seen.add(v);
    });
  }
}

/** Largest value of a Kubernetes int32 field (replicas, ports, seconds, ids). */
export const INT32_MAX = 2147483647;

/**
 * The keys of a props type, checked by the compiler to be all of them: adding a prop
 * without listing it here is a type error, so `knownKeys` never refuses a real prop.
 */
export function keysOf<T>(keys: { [K in keyof Required<T>]: true }): string[] {
  return Object.keys(keys);
}

/**
 * The value of an optional prop, or its default when left out. Only `undefined` means
 * "left out": a null from untyped code is a value, refused by the prop's check.
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

export function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/** An object of properties: not null, not an array, nor a Map or other built-in whose entries are not properties. */
export function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !NOT_PLAIN.some((type) => value instanceof type);
}

const NOT_PLAIN: ReadonlyArray<abstract new (...args: never[]) => unknown> = [Map, Set, WeakMap, WeakSet, Date, RegExp, Promise, Error, ArrayBuffer, String, Number, Boolean];

/** The known key within two edits of `key`, if there is one: the likely intended spelling. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const PERCENT = /^(100|[1-9]?[0-9])%$/;
const LONE_SURROGATE = /\p{Surrogate}/u;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** Whether a string can be written as UTF-8: no half of a surrogate pair (it would reach the cluster as U+FFFD). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export function isDns1035Label(value: string): boolean {
  return value.length <= 63 && DNS_1035_LABEL.test(value);
}

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}
