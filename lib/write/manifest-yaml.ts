import type * as YAML from 'yaml';

/**
 * How manifests are written by the `yaml` package. kubectl reads YAML 1.1, where `yes`,
 * `on`, `1_000` or `2024-01-15` are not strings, and tools on YAML 1.2 read `0o17` and
 * `1e3` as numbers: strings any of them would misread are quoted, so an env value `on`
 * never reaches the API server as a boolean.
 */
export const YAML_OPTIONS: YAML.DocumentOptions & YAML.SchemaOptions & YAML.ToStringOptions = {
  lineWidth: 0,
  version: '1.1',
  customTags: (tags) => [
    ...tags,
    { tag: 'tag:yaml.org,2002:int', default: true, test: /^0o[0-7]+$/, resolve: (s: string) => parseInt(s.slice(2), 8), identify: () => false },
    { tag: 'tag:yaml.org,2002:float', default: true, test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: Number, identify: () => false },
  ],
};

/**
 * The YAML of one manifest, byte for byte what `stringify(doc, YAML_OPTIONS)` of the
 * `yaml` package writes. Manifests are JSON data of a few shapes (maps, lists of maps or
 * scalars, short one-line strings, multi-line scripts as literal blocks, integers,
 * booleans) that this writes directly, many times faster than building a YAML document
 * tree; anything else (unusual strings, fractions, null, lists of lists, an object met
 * twice, which `yaml` would anchor) goes to the `yaml` package itself, loaded only then.
 * test/write/manifest-yaml.test.ts checks the equivalence on generated documents.
 */
export function manifestYaml(doc: object): string {
  return fastManifestYaml(doc) ?? yamlPackage().stringify(doc, YAML_OPTIONS);
}

/** The YAML of `doc` when it has only the shapes written directly, else undefined. */
export function fastManifestYaml(doc: object): string | undefined {
  if (!isPlainObject(doc) || Object.keys(doc).length === 0) return undefined;
  try {
    return mapLines(doc, '', false, new Set());
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

const UNSUPPORTED = Symbol('unsupported shape');

let loaded: typeof YAML | undefined;
function yamlPackage(): typeof YAML {
  return (loaded ??= require('yaml') as typeof YAML);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/** Block mapping at `indent`; its first key right after `- ` when `inline`. */
function mapLines(map: Record<string, unknown>, indent: string, inline: boolean, seen: Set<object>): string {
  enter(map, seen);
  let out = '';
  let first = inline;
  for (const key of Object.keys(map)) {
    const value = map[key];
    const head = `${first ? '' : indent}${scalarString(key)}:`;
    first = false;
    if (Array.isArray(value)) {
      out += value.length === 0 ? `${head} []\n` : `${head}\n${seqLines(value, indent + '  ', seen)}`;
    } else if (isPlainObject(value)) {
      out += Object.keys(value).length === 0 ? `${head} {}\n` : `${head}\n${mapLines(value, indent + '  ', false, seen)}`;
    } else {
      out += `${head} ${scalar(value, indent + '  ')}\n`;
    }
  }
  return out;
}

/** Block sequence at `indent` (under a key, sequences are indented by two, as `yaml` does). */
function seqLines(seq: readonly unknown[], indent: string, seen: Set<object>): string {
  enter(seq, seen);
  let out = '';
  for (const item of seq) {
    if (isPlainObject(item)) {
      out += Object.keys(item).length === 0 ? `${indent}- {}\n` : `${indent}- ${mapLines(item, indent + '  ', true, seen)}`;
    } else if (typeof item === 'object' && item !== null) {
      throw UNSUPPORTED;
    } else {
      out += `${indent}- ${scalar(item, indent + '  ')}\n`;
    }
  }
  return out;
}

/** An object met twice would be written as an anchor and an alias. */
function enter(x: object, seen: Set<object>): void {
  if (seen.has(x)) throw UNSUPPORTED;
  seen.add(x);
}

/** A value; a multi-line string becomes a literal block whose lines are at `blockIndent`. */
function scalar(value: unknown, blockIndent: string): string {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? literalBlock(value, blockIndent) : scalarString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      // A plain decimal (a Flagger thresholdRange): `yaml` writes JSON's digits, as here; exponents are left to it.
      if (PLAIN_DECIMAL.test(JSON.stringify(value))) return JSON.stringify(value);
      throw UNSUPPORTED;
    default:
      throw UNSUPPORTED;
  }
}

const PLAIN_DECIMAL = /^-?\d+\.\d+$/;

// The rules of `yaml`'s plainString for a one-line string in block context.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Written differently as a key and as a value (or, `<<`, plain though YAML 1.1 reads a merge key): left to `yaml`. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.|<<$)/;
/** Starts with an indicator, contains ': ' or ' #', ends with a space or ':'. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/**
 * Read back as something other than a string by the YAML 1.1 schema of the `yaml`
 * package (null, booleans, ints in bases 2, 8, 10, 16 and 60, floats, timestamps, the
 * merge key) or by the extra tags of YAML_OPTIONS (1.2's `0o17` and `1e3`).
 */
const NOT_A_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$|^[-+]?0[0-7_]+$|^[-+]?[0-9][0-9_]*$|^[-+]?0x[0-9a-fA-F_]+$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$|^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$|^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
  /^0o[0-7]+$|^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
];
const isNotAString = (s: string) => NOT_A_STRING.some((re) => re.test(s));
const QUOTE_OR_ESCAPE = /["'\\]/;

/**
 * Strings already written: most recur in every manifest (keys, label keys and values,
 * images), and the rules below are a dozen regular expressions. Bounded by a reset.
 */
const writtenStrings = new Map<string, string>();

/** A string as `yaml` writes it: plain when it reads back as itself, else in double quotes. */
function scalarString(s: string): string {
  let out = writtenStrings.get(s);
  if (out === undefined) {
    out = plainOrQuoted(s);
    if (writtenStrings.size >= 100_000) writtenStrings.clear();
    writtenStrings.set(s, out);
  }
  return out;
}

function plainOrQuoted(s: string): string {
  // Keys longer than 1024 characters become explicit keys.
  if (s.length > 1000 || !PRINTABLE_ASCII.test(s) || DOCUMENT_MARKER.test(s)) throw UNSUPPORTED;
  if (!NOT_PLAIN.test(s) && !isNotAString(s)) return s;
  if (QUOTE_OR_ESCAPE.test(s)) throw UNSUPPORTED;
  return `"${s}"`;
}

/**
 * Lines of printable ASCII that start with neither a space nor a newline and end with a
 * visible character, then at most one newline: those `yaml` writes as a plain literal
 * block, with no indentation indicator and no trailing spaces or blank lines to keep.
 */
const BLOCK_TEXT = /^[\x21-\x7e](?:[\x20-\x7e\n]*[\x21-\x7e])?\n?$/;

/**
 * A multi-line value as `yaml` writes it in block context: a literal block, `|-` without
 * a final newline, `|` with one. Other multi-line strings (see BLOCK_TEXT; tabs, control
 * characters) are left to `yaml`. Blank lines inside carry no indentation, as `yaml`
 * writes them.
 */
function literalBlock(s: string, indent: string): string {
  if (!BLOCK_TEXT.test(s)) throw UNSUPPORTED;
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, (nl) => nl + indent)}`;
}
