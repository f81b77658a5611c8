import { ReleaseConfigError } from './errors';

/**
 * Field checks shared by every construct. Each returns the value it accepted so
 * that props can be validated and read in one expression.
 */
export class Checks {
  constructor(private readonly path: string) {}

  public fail(field: string, value: unknown, expected: string): never {
    throw new ReleaseConfigError(this.path, field, value, expected);
  }

  /** RFC 1123 label: the rule for Service and most object names. */
  public dnsLabel(field: string, value: unknown, maxLength = 63): string {
    if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
      this.fail(field, value, `a DNS-1123 label of at most ${maxLength} characters: lower-case letters, digits and '-', starting and ending with a letter or digit`);
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

  public integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      this.fail(field, value, `an integer ${range}`);
    }
    return value;
  }

  public oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) this.fail(field, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return value as T;
  }

  /** Kubernetes label value: empty, or ≤ 63 alphanumerics with '-', '_', '.' inside. */
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

  public labels(field: string, value: { [key: string]: string } | undefined): { [key: string]: string } {
    const out: { [key: string]: string } = {};
    for (const [k, v] of Object.entries(value ?? {})) {
      out[this.labelKey(`${field} key`, k)] = this.labelValue(`${field}.${k}`, v);
    }
    return out;
  }

  /** Names (of ports, env vars...) must be unique within one list. */
  public unique(field: string, values: readonly unknown[]): void {
    const seen = new Set<unknown>();
    values.forEach((v, i) => {
      if (seen.has(v)) this.fail(`${field}[${i}]`, v, 'a value not used earlier in the same list');
      seen.add(v);
    });
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
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

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}
