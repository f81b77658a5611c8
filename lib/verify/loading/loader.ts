import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type * as YAML from 'yaml';
import { DeclaredRelease } from '../../model/release';
import type { OutputFile } from '../../write/synthesize';
import { parseDeclaration } from './declaration';
import { isRecord, K8sObject } from './manifest';
import { ManifestReadError } from './read-error';
import { formatPath } from '../schema/schema-issue';

export { ManifestReadError } from './read-error';

/** One YAML document as read, valid object or not (the schema check reports the invalid ones). */
export interface LoadedDocument {
  /** Path of the YAML file the document was read from, as given or found. */
  readonly file: string;
  /** Position of the document in its file, from 1. */
  readonly index: number;
  /**
   * Line of the document's content (of the item, for the items of a `kind: List`) in its file, from 1.
   * @default - unknown: the document was not read from text
   */
  readonly line?: number;
  /** The parsed document: usually a Kubernetes object, but any YAML value as written. */
  readonly value: unknown;
  /**
   * Scalars that kubectl, which reads YAML 1.1, reads otherwise than YAML 1.2 tools do
   * (`on`, `yes`, `1_000`, `2024-01-15`, `0o17` unquoted).
   * @default - none: every reader reads the document alike
   */
  readonly ambiguous?: readonly AmbiguousScalar[];
}

/** A scalar read one way by kubectl (YAML 1.1) and another by YAML 1.2 tools: it needs quotes. */
export interface AmbiguousScalar {
  /** Path of the scalar in the document, e.g. `spec.template.spec.containers[0].env[1].value`. */
  readonly path: string;
  /** The value kubectl reads (and sends to the API server). */
  readonly yaml11: unknown;
  /** The value YAML 1.2 tools read: `value` of the document holds this one. */
  readonly yaml12: unknown;
}

/** The documents of one phase: what one `kubectl apply -f` sends. */
export interface LoadedPhase {
  /** Name of the phase: declared in `release.json`, else the name of its folder or file without extension. */
  readonly name: string;
  /** Every document of the phase, in file order (files in natural order of their names). */
  readonly documents: readonly LoadedDocument[];
  /** The documents that are Kubernetes objects (apiVersion, kind and metadata.name set). */
  readonly objects: readonly K8sObject[];
}

/** A release read from disk: its phases in order, and the declaration when there is one. */
export interface LoadedRelease {
  /** Name of the release: `release` of its `release.json`, else the name of its folder. */
  readonly name: string;
  /** What was read: the folder or file, or the phase paths joined by spaces. */
  readonly path: string;
  /**
   * The declaration of a folder written by cdk8s-canary (it has a `release.json`).
   * @default - none: plain YAML, checked without declared shares, capacity or prune selector
   */
  readonly declaration?: DeclaredRelease;
  /** The phases, in the order a pipeline applies them. */
  readonly phases: readonly LoadedPhase[];
  /** Pairs of phases applied one after the other: declared, or consecutive ones for plain YAML. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

const YAML_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads a release from `input`:
 * - a folder with `release.json`: the phases it declares, each from `<phase>/*.yaml`;
 * - a folder whose YAML files sit in sub-folders only: one phase per sub-folder, in
 *   natural order of their names (`1-stable`, `2-canary`, `10-promote`);
 * - a folder of YAML files, or one YAML file: a release of a single phase.
 * @throws ManifestReadError when nothing readable is there
 */
export function loadRelease(input: string): LoadedRelease {
  const stat = statOrFail(input);
  const name = nameOf(input);
  if (stat.isFile()) return plainRelease(name, input, [readPhase(nameOf(input), [input])]);
  const declaration = declarationIn(input);
  if (declaration) return declaredRelease(input, declaration);
  const files = yamlFiles(input);
  if (files.length) return plainRelease(name, input, [readPhase(name, files)]);
  const dirs = subFolders(input).filter((d) => yamlFiles(path.join(input, d)).length > 0);
  if (!dirs.length) throw new ManifestReadError(input, 'no release.json, no YAML files and no sub-folders with YAML files');
  const cache: DocumentCache = new Map();
  return plainRelease(name, input, dirs.map((d) => readPhase(d, yamlFiles(path.join(input, d)), cache)));
}

/**
 * The releases a path stands for: the release folders of an output folder (the folder
 * `npm run synth` writes, whose sub-folders hold a release.json each), in natural order of
 * their names; the path itself for anything else (a release folder, YAML files, a missing
 * path), which loadRelease reads or explains.
 */
export function releasePaths(input: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    return [input];
  }
  if (!stat.isDirectory() || fs.existsSync(path.join(input, 'release.json')) || yamlFiles(input).length) return [input];
  const releases = subFolders(input).filter((d) => fs.existsSync(path.join(input, d, 'release.json')));
  return releases.length ? releases.map((d) => path.join(input, d)) : [input];
}

/**
 * Reads only the declaration of a folder written by cdk8s-canary (its `release.json`),
 * without parsing its phases: all that `prune-flags` needs.
 * @returns undefined when `input` holds no release.json
 * @throws ManifestReadError when `input` does not exist or its release.json is no declaration
 */
export function loadDeclaration(input: string): DeclaredRelease | undefined {
  statOrFail(input);
  return declarationIn(input);
}

/** Reads each path (a YAML file or a folder of them) as one phase, in the given order. */
export function loadPhases(inputs: readonly string[], name?: string): LoadedRelease {
  if (!inputs.length) throw new ManifestReadError('<arguments>', 'no phase given');
  const cache: DocumentCache = new Map();
  const phases = inputs.map((input) => {
    const stat = statOrFail(input);
    const files = stat.isFile() ? [input] : yamlFiles(input);
    if (!files.length) throw new ManifestReadError(input, 'no YAML files in this folder');
    return readPhase(nameOf(input), files, cache);
  });
  const seen = new Set<string>();
  for (const p of phases) {
    if (seen.has(p.name)) throw new ManifestReadError(p.name, 'two phases have this name: give their files or folders different names');
    seen.add(p.name);
  }
  return plainRelease(name ?? nameOf(path.dirname(path.resolve(inputs[0]))), inputs.join(' '), phases);
}

/**
 * Reads the releases of an output folder from memory: each `<release>/release.json`
 * and the YAML files of its phases, as `loadRelease` reads them from disk. Verifies
 * what renderApp returns without writing it.
 * @throws ManifestReadError
 */
export function loadOutput(files: readonly OutputFile[]): LoadedRelease[] {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const cache: DocumentCache = new Map();
  return files
    .filter((f) => f.path.endsWith('/release.json'))
    .map((f) => {
      const dir = f.path.slice(0, -'/release.json'.length);
      const decl = parseDeclaration(f.path, f.content);
      const phases = decl.phases.map((p) => {
        const prefix = `${dir}/${p.name}/`;
        const yamls = [...byPath.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/') && YAML_FILE.test(k)).sort(naturalCompare);
        if (!yamls.length) throw new ManifestReadError(`${dir}/${p.name}`, `release.json declares phase "${p.name}" but it has no YAML files`);
        const documents = yamls.flatMap((k) => parseDocuments(k, byPath.get(k)!, cache));
        return { name: p.name, documents, objects: documents.map((d) => d.value).filter(isObject) };
      });
      return { name: decl.release, path: dir, declaration: decl, phases, transitions: decl.transitions };
    });
}

/**
 * Parses the documents of a YAML text; `kind: List` documents are expanded into their
 * items. Each document is also read as kubectl reads it (YAML 1.1), to find the scalars
 * that need quotes. Documents already met in `cache` (phases repeat most of theirs)
 * are not parsed again.
 * @throws ManifestReadError for text that is no YAML, an alias bomb or nesting too deep
 */
export function parseDocuments(file: string, text: string, cache: DocumentCache = new Map()): LoadedDocument[] {
  const out: LoadedDocument[] = [];
  const lines = new LineIndex(text);
  let index = 0;
  const add = (parsed: ParsedDocument, chunkStart: number) => {
    index++;
    const { value, ambiguous, offset, itemOffsets } = parsed;
    if (value === null || value === undefined) return;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, k) => {
        const own = ambiguous.filter((a) => a.path.startsWith(`items[${k}]`)).map((a) => ({ ...a, path: a.path.replace(/^items\[\d+\]\.?/, '') }));
        out.push({ file, index, line: lines.lineAt(chunkStart + (itemOffsets?.[k] ?? offset)), value: item, ...(own.length ? { ambiguous: own } : {}) });
      });
    } else {
      out.push({ file, index, line: lines.lineAt(chunkStart + offset), value, ...(ambiguous.length ? { ambiguous } : {}) });
    }
  };
  checkFlowNesting(file, text, lines);
  const chunks = splitDocuments(text);
  let end = 0;
  const starts = chunks.map((c) => (end += c.length) - c.length);
  const parsed = chunks.map((c, i) => cache.get(c) ?? parseStream(file, c, lines.lineAt(starts[i])));
  if (parsed.some((p) => p === undefined)) {
    // An error: parsed again as a whole, so that its line and column are those of the file.
    (parseStream(file, text, 1) ?? throwFirstError(file, text)).forEach((d) => add(d, 0));
    return out;
  }
  chunks.forEach((c, i) => {
    cache.set(c, parsed[i]!);
    parsed[i]!.forEach((d) => add(d, starts[i]));
  });
  return out;
}

/** Parsed documents by their text, shared by the phases of one release. */
export type DocumentCache = Map<string, readonly ParsedDocument[]>;

interface ParsedDocument {
  readonly value: unknown;
  readonly ambiguous: readonly AmbiguousScalar[];
  /** Offset of the document's content in the text parsed. */
  readonly offset: number;
  /** Offsets of the items, when the content is a sequence under `items`. */
  readonly itemOffsets?: readonly number[];
}

/**
 * Deeper than any Kubernetes object (a pod template's deepest fields are about fifteen
 * levels down), and shallow enough for every recursive reader of a document.
 */
export const MAX_NESTING = 100;

/** Aliases a document may use: enough for anchors shared by hand, too few for an alias bomb. */
const MAX_ALIASES = 100;

/**
 * The texts of the documents of a stream, each from its `---` line: a line starting
 * with `---` always starts a document. A stream with directives (`%YAML`) stays whole.
 */
function splitDocuments(text: string): string[] {
  if (/^%/m.test(text)) return [text];
  return text.split(/^(?=---(?:[ \t\r\n]|$))/m);
}

/**
 * The documents of a text (which starts at `firstLine` of its file), or undefined when
 * one has a syntax error.
 * @throws ManifestReadError for an alias bomb or nesting too deep
 */
function parseStream(file: string, text: string, firstLine: number): ParsedDocument[] | undefined {
  const docs = yaml().parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined;
  const overflow = docs.flatMap((d) => d.errors).find((e) => /call stack/i.test(e.message));
  if (overflow) throw unreadable(file, overflow.linePos && overflow.linePos[0].line + firstLine - 1, `nesting too deep to read (more than ${MAX_NESTING} levels)`);
  if (docs.some((d) => d.errors.length)) return undefined;
  const lines = new LineIndex(text);
  const lineOf = (offset: number) => lines.lineAt(offset) + firstLine - 1;
  return docs.map((doc) => {
    const offset = nodeOffset(doc.contents) ?? doc.range[0];
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      if (e instanceof RangeError) throw unreadable(file, lineOf(offset), `nesting too deep to read (more than ${MAX_NESTING} levels)`);
      throw unreadable(file, lineOf(offset), `the document expands its aliases more than ${MAX_ALIASES} times, as an alias bomb does: write the repeated parts out`);
    }
    const depth = nestingOf(value);
    if (depth > MAX_NESTING) throw unreadable(file, lineOf(offset), `nesting too deep to read: the document nests more than ${MAX_NESTING} levels of maps and lists`);
    const items = yaml().isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    const itemOffsets = yaml().isSeq(items) ? items.items.map((item) => nodeOffset(item) ?? offset) : undefined;
    return { value, ambiguous: readAsYaml11(doc.contents), offset, ...(itemOffsets ? { itemOffsets } : {}) };
  });
}

function unreadable(file: string, line: number | undefined, problem: string): ManifestReadError {
  return new ManifestReadError(file, line ? `line ${line}: ${problem}` : problem, line);
}

function nodeOffset(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0];
}

/** How many levels of maps and lists a value nests, counted without recursion (shared values are counted where met). */
function nestingOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_NESTING || ++visited > 1_000_000) break;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Refuses flow collections (`[[[...` or `{{{...`) nested deeper than MAX_NESTING before the
 * parser sees them: the parser recurses on them and runs out of stack, or of memory. Quoted
 * scalars and comments are skipped; a bracket inside a plain scalar counts, so the check
 * errs on the side of reading.
 */
function checkFlowNesting(file: string, text: string, lines: LineIndex): void {
  // Fewer brackets than the limit cannot nest past it: most manifests end here.
  const bracket = /[[{]/g;
  let brackets = 0;
  while (brackets <= MAX_NESTING && bracket.exec(text)) brackets++;
  if (brackets <= MAX_NESTING) return;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      if (depth > 0 || /[\s:\-,[{]/.test(text[i - 1] ?? ' ')) quote = c;
    } else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) throw unreadable(file, lines.lineAt(i), `nesting too deep to read: more than ${MAX_NESTING} levels of [ and {`);
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    } else if (c === '\n' && depth === 0) {
      quote = '';
    }
  }
}

/** Line numbers of offsets in a text, from 1; the newlines are found on first use. */
class LineIndex {
  private starts?: number[];

  constructor(private readonly text: string) {}

  public lineAt(offset: number): number {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The plain scalars of a document (parsed as YAML 1.2) that the YAML 1.1 schema, as
 * kubectl reads it, resolves to another value: each is resolved again with the tags of
 * YAML 1.1, the way the parser picks a tag for an untagged plain scalar.
 */
function readAsYaml11(root: unknown): AmbiguousScalar[] {
  const y = yaml();
  const tags = (yaml11Tags ??= new y.Document(null, { version: '1.1' }).schema.tags.filter((t): t is YAML.ScalarTag => !('collection' in t && t.collection)));
  const out: AmbiguousScalar[] = [];
  const scalar = (node: unknown, at: ReadonlyArray<string | number>, isKey: boolean) => {
    if (!y.isScalar(node) || node.type !== 'PLAIN' || node.tag || typeof node.source !== 'string' || out.length >= MAX_DIFFERENCES) return;
    const source = node.source;
    const tag = tags.find((t) => (t.default === true || (isKey && t.default === 'key')) && t.test?.test(source));
    let v11: unknown = source;
    try {
      const resolved = tag ? tag.resolve(source, () => undefined, {}) : source;
      v11 = y.isScalar(resolved) ? resolved.value : resolved;
    } catch {
      return;
    }
    if (tag?.tag === 'tag:yaml.org,2002:merge') v11 = '<< (a merge key)';
    if (!isDeepStrictEqual(v11, node.value)) out.push({ path: formatPath(at), yaml11: v11, yaml12: node.value });
  };
  const walk = (node: unknown, at: ReadonlyArray<string | number>) => {
    if (y.isMap(node)) {
      for (const pair of node.items) {
        const key = y.isScalar(pair.key) ? pair.key.value : undefined;
        const keyPath = [...at, typeof key === 'number' ? String(key) : (key as string)];
        scalar(pair.key, keyPath, true);
        walk(pair.value, keyPath);
      }
    } else if (y.isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...at, i]));
    } else {
      scalar(node, at, false);
    }
  };
  walk(root, []);
  return out;
}

let yaml11Tags: YAML.ScalarTag[] | undefined;

function throwFirstError(file: string, text: string): never {
  const docs = yaml().parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new ManifestReadError(file, 'not a YAML stream');
  const error = docs.flatMap((d) => d.errors)[0];
  const pos = error?.linePos?.[0];
  const message = (error?.message ?? 'unreadable').split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  throw new ManifestReadError(file, `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not valid YAML: ${message}`, pos?.line);
}

const MAX_DIFFERENCES = 10;

/** Whether a document can be indexed as an object (the schema check explains why not). */
export function isObject(value: unknown): value is K8sObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === 'string' &&
    value.metadata.name !== ''
  );
}

function readPhase(name: string, files: readonly string[], cache: DocumentCache = new Map()): LoadedPhase {
  const documents = files.flatMap((f) => parseDocuments(f, readText(f), cache));
  return { name, documents, objects: documents.map((d) => d.value).filter(isObject) };
}

function declaredRelease(dir: string, decl: DeclaredRelease): LoadedRelease {
  const cache: DocumentCache = new Map();
  const phases = decl.phases.map((p) => {
    const phaseDir = path.join(dir, p.name);
    if (!fs.existsSync(phaseDir) || !fs.statSync(phaseDir).isDirectory()) {
      throw new ManifestReadError(phaseDir, `release.json declares phase "${p.name}" but its folder is missing`);
    }
    const files = yamlFiles(phaseDir);
    if (!files.length) throw new ManifestReadError(phaseDir, 'no YAML files in this phase folder');
    return readPhase(p.name, files, cache);
  });
  return { name: decl.release, path: dir, declaration: decl, phases, transitions: decl.transitions };
}

function plainRelease(name: string, source: string, phases: LoadedPhase[]): LoadedRelease {
  const transitions = phases.slice(1).map((p, i) => [phases[i].name, p.name] as const);
  return { name, path: source, phases, transitions };
}

/** The declaration in a folder's `release.json`; undefined when it has none. */
function declarationIn(folder: string): DeclaredRelease | undefined {
  const file = path.join(folder, 'release.json');
  return fs.existsSync(file) ? parseDeclaration(file, readText(file)) : undefined;
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && YAML_FILE.test(d.name) && d.name !== 'release.json')
    .map((d) => path.join(dir, d.name))
    .sort(naturalCompare);
}

/** Names of the sub-folders of a folder, hidden ones left out, in natural order. */
function subFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort(naturalCompare);
}

function statOrFail(input: string): fs.Stats {
  try {
    return fs.statSync(input);
  } catch {
    throw new ManifestReadError(input, 'no such file or folder');
  }
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new ManifestReadError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // YAML and JSON are text: a NUL byte or bytes that are no UTF-8 mean a binary file (an
  // image, an archive) among the manifests, which no YAML reading makes sense of.
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new ManifestReadError(file, `not a text file: a NUL byte at byte ${nul + 1}`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ManifestReadError(file, 'not a text file: bytes that are not UTF-8');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A release's or a phase's name: its folder's, or its file's without .yaml. */
function nameOf(input: string): string {
  return path.basename(path.resolve(input)).replace(YAML_FILE, '');
}

/** `2-canary` before `10-promote`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

let loadedYaml: typeof YAML | undefined;

/** The yaml package, loaded when a manifest is first read: synthesis loads this module but reads none. */
function yaml(): typeof YAML {
  return (loadedYaml ??= require('yaml') as typeof YAML);
}
