import * as fc from 'fast-check';

/**
 * Building blocks shared by the generators of every construct: names, label values,
 * image references, quantities. Each mixes short values with values at the length
 * limit, where off-by-one bugs live.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const UPPER = LOWER.toUpperCase();

/**
 * One arbitrary per character set, shared: `fc.string` works out, once per unit
 * arbitrary, which of its known troublesome strings the unit can build, and `framed`
 * builds a string arbitrary for every length it draws.
 */
const charSets = new Map<string, fc.Arbitrary<string>>();
const chars = (set: string) => {
  let unit = charSets.get(set);
  if (!unit) charSets.set(set, (unit = fc.constantFrom(...set.split(''))));
  return unit;
};

/** A string of `first`, then `middle` characters, then `last`, between min and max long (min ≥ 1). */
function framed(first: string, middle: string, last: string, max: number): fc.Arbitrary<string> {
  const build = (len: number) =>
    len === 1
      ? chars(first)
      : fc.tuple(chars(first), fc.string({ unit: chars(middle), minLength: len - 2, maxLength: len - 2 }), chars(last)).map(([a, b, c]) => a + b + c);
  const short = fc.integer({ min: 1, max: Math.min(max, 12) }).chain(build);
  const long = fc.integer({ min: Math.max(1, max - 3), max }).chain(build);
  return fc.oneof({ arbitrary: short, weight: 4 }, { arbitrary: long, weight: 1 });
}

/** RFC 1123 label: Service, Deployment and container names. */
export const dnsLabel = (max = 63) => framed(LOWER + DIGITS, LOWER + DIGITS + '-', LOWER + DIGITS, max);

/** RFC 1035 label: Service names, and so application names. */
export const dns1035Label = (max = 63) => framed(LOWER, LOWER + DIGITS + '-', LOWER + DIGITS, max);

/** RFC 1123 subdomain: Secret and ConfigMap names. */
export const dnsSubdomain = () =>
  fc.array(dnsLabel(20), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));

/** A non-empty Kubernetes label value. */
export const labelValue = (max = 63) => framed(LOWER + UPPER + DIGITS, LOWER + UPPER + DIGITS + '-_.', LOWER + UPPER + DIGITS, max);

/** A label key with an optional prefix, never one of the keys the library reserves. */
export const labelKey = () =>
  fc
    .tuple(fc.option(dnsSubdomain(), { nil: undefined }), labelValue(30))
    .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name))
    .filter((k) => !k.startsWith('app.kubernetes.io/') && k !== 'track');

/** An IANA service name: a port name that Services can target. */
export const portName = () =>
  fc
    .tuple(chars(LOWER), fc.array(fc.string({ unit: chars(LOWER + DIGITS), minLength: 1, maxLength: 4 }), { maxLength: 3 }))
    .map(([a, parts]) => [a + (parts[0] ?? ''), ...parts.slice(1)].join('-'))
    .filter((n) => n.length <= 15);

/** A repository with an optional registry: `acme/shop`, `registry.example.com:5000/team/shop`. */
export const repository = () =>
  fc
    .tuple(
      fc.constantFrom(undefined, 'docker.io', 'ghcr.io', 'registry.example.com:5000', 'localhost:5000', 'localhost'),
      fc.array(fc.string({ unit: chars(LOWER + DIGITS), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('', '-', '.', '_', '__'),
    )
    .map(([registry, path, sep]) => {
      const parts = path.map((p, i) => (i === path.length - 1 && path.length > 1 && sep ? `${p}${sep}x` : p));
      return [registry, ...parts].filter(Boolean).join('/');
    });

/** A tag usable as a version label value too. */
export const versionTag = () => labelValue(63);

export const digest = () => fc.string({ unit: chars('0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`);

/** A pinned image: by tag, by digest or both. */
export const pinnedImage = () => {
  type Pin = { tag?: string; digest?: string };
  const pin: fc.Arbitrary<Pin> = fc.oneof(
    { arbitrary: versionTag().map((tag): Pin => ({ tag })), weight: 3 },
    digest().map((d): Pin => ({ digest: d })),
    fc.tuple(versionTag(), digest()).map(([tag, d]): Pin => ({ tag, digest: d })),
  );
  return fc
    .tuple(repository(), pin)
    .filter(([, p]) => p.tag !== 'latest')
    .map(([repo, p]) => `${repo}${p.tag ? `:${p.tag}` : ''}${p.digest ? `@${p.digest}` : ''}`);
};

/** A Kubernetes quantity and its value in base units (cores or bytes). */
export const quantity = (kind: 'cpu' | 'memory'): fc.Arbitrary<readonly [string, number]> => {
  const cpu = fc.oneof(
    fc.integer({ min: 1, max: 4000 }).map((m): readonly [string, number] => [`${m}m`, m / 1000]),
    fc.integer({ min: 1, max: 64 }).map((c) => [`${c}`, c] as const),
    fc.integer({ min: 1, max: 9 }).map((t) => [`0.${t}`, t / 10] as const),
  );
  const memory = fc.oneof(
    fc.integer({ min: 1, max: 4096 }).map((m): readonly [string, number] => [`${m}Mi`, m * 2 ** 20]),
    fc.integer({ min: 1, max: 64 }).map((g) => [`${g}Gi`, g * 2 ** 30] as const),
    fc.integer({ min: 1, max: 2000 }).map((m) => [`${m}M`, m * 1e6] as const),
  );
  return kind === 'cpu' ? cpu : memory;
};

/** Any value an untyped caller could pass where a typed one was expected. */
export const junk = () =>
  fc.oneof(
    fc.constantFrom(null, NaN, Infinity, -Infinity, -1, 0.5, true, '', ' ', '-', [], {}, 'ÄÖ', '\n', Symbol('x'), () => 1, 2n ** 70n),
    fc.string(),
    fc.double(),
    fc.array(fc.integer(), { maxLength: 2 }),
  );

/** Environment variable names (C identifiers mostly, some with '.' and '-'). */
export const envName = () =>
  fc.oneof(
    fc.tuple(chars(UPPER + '_'), fc.string({ unit: chars(UPPER + DIGITS + '_'), maxLength: 20 })).map(([a, b]) => a + b),
    fc.tuple(chars(LOWER), fc.string({ unit: chars(LOWER + DIGITS + '._-'), maxLength: 12 })).map(([a, b]) => a + b),
  );

/** Broader than the library's rule on purpose: a name matching it gets `notSecret: true` in generated literals. */
export const MAYBE_SECRET = /PASS|SECRET|TOKEN|KEY|CRED|AUTH|PWD|PRIVATE/i;

/** One of the given values, typed as the caller needs (invalid inputs are of any type). */
export const any = (...values: unknown[]): fc.Arbitrary<any> => fc.constantFrom(...values);

/** One of the given values. */
export const some = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** The object without one key. */
export function without<T>(o: { [key: string]: T }, key: string): { [key: string]: T } {
  const { [key]: _, ...rest } = o;
  return rest;
}

/** Leaves out the optional props that were not generated, as a typed caller would. */
export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
