import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type * as YAML from 'yaml';
import { DEFAULT_PRUNE_ALLOWLIST, isAllowlistEntry } from '../../model/prune-allowlist';
import { DeclaredRelease } from '../../model/release';
import type { OutputFile } from '../../write/synthesize';
import { isRecord, K8sObject } from './manifest';
import { formatPath } from '../schema/schema-issue';

/** Input that cannot be read at all: a missing path, broken YAML, an invalid release.json. */
export class ManifestReadError extends Error {
  public readonly name = 'ManifestReadError';
  constructor(
    public readonly file: string,
    public readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** One YAML document as read, valid object or not (the schema check reports the invalid ones). */
export interface LoadedDocument {
  /** Path of the YAML file the document was read from, as given or found. */
  readonly file: string;
  /** Position of the document in its file, from 1. */
  readonly index: number;
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
  const dirs = fs
    .readdirSync(input, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort(naturalCompare)
    .filter((d) => yamlFiles(path.join(input, d)).length > 0);
  if (!dirs.length) throw new ManifestReadError(input, 'no release.json, no YAML files and no sub-folders with YAML files');
  const cache: DocumentCache = new Map();
  return plainRelease(name, input, dirs.map((d) => readPhase(d, yamlFiles(path.join(input, d)), cache)));
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
 */
export function parseDocuments(file: string, text: string, cache: DocumentCache = new Map()): LoadedDocument[] {
  const out: LoadedDocument[] = [];
  let index = 0;
  const add = (parsed: ParsedDocument) => {
    index++;
    const { value, ambiguous } = parsed;
    if (value === null || value === undefined) return;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, k) => {
        const own = ambiguous.filter((a) => a.path.startsWith(`items[${k}]`)).map((a) => ({ ...a, path: a.path.replace(/^items\[\d+\]\.?/, '') }));
        out.push({ file, index, value: item, ...(own.length ? { ambiguous: own } : {}) });
      });
    } else {
      out.push({ file, index, value, ...(ambiguous.length ? { ambiguous } : {}) });
    }
  };
  const chunks = splitDocuments(text);
  const parsed = chunks.map((c) => cache.get(c) ?? parseStream(c));
  if (parsed.some((p) => p === undefined)) {
    // An error: parsed again as a whole, so that its line and column are those of the file.
    (parseStream(text) ?? throwFirstError(file, text)).forEach(add);
    return out;
  }
  chunks.forEach((c, i) => cache.set(c, parsed[i]!));
  parsed.forEach((docs) => docs!.forEach(add));
  return out;
}

/** Parsed documents by their text, shared by the phases of one release. */
export type DocumentCache = Map<string, readonly ParsedDocument[]>;

interface ParsedDocument {
  readonly value: unknown;
  readonly ambiguous: readonly AmbiguousScalar[];
}

/**
 * The texts of the documents of a stream, each from its `---` line: a line starting
 * with `---` always starts a document. A stream with directives (`%YAML`) stays whole.
 */
function splitDocuments(text: string): string[] {
  if (/^%/m.test(text)) return [text];
  return text.split(/^(?=---(?:[ \t\r\n]|$))/m);
}

/** The documents of a text, or undefined when one has an error. */
function parseStream(text: string): ParsedDocument[] | undefined {
  const docs = yaml().parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return undefined;
  return docs.map((doc) => ({ value: doc.toJS({ maxAliasCount: 100 }), ambiguous: readAsYaml11(doc.contents) }));
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
  throw new ManifestReadError(file, `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not valid YAML: ${message}`);
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

/** Reads release.json and checks the parts the verifier relies on. */
/** The declaration in a folder's `release.json`; undefined when it has none. */
function declarationIn(folder: string): DeclaredRelease | undefined {
  const file = path.join(folder, 'release.json');
  return fs.existsSync(file) ? parseDeclaration(file, readText(file)) : undefined;
}

function parseDeclaration(file: string, text: string): DeclaredRelease {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ManifestReadError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const bad = (what: string): never => {
    throw new ManifestReadError(file, `not a release declaration: ${what}`);
  };
  if (!isRecord(value)) return bad('expected a JSON object');
  if (value.apiVersion !== 'cdk8s-canary/v1') bad(`apiVersion is ${JSON.stringify(value.apiVersion)}, expected "cdk8s-canary/v1"`);
  if (typeof value.release !== 'string' || !value.release) bad('"release" must be a non-empty string');
  if (!Array.isArray(value.phases) || !value.phases.length) return bad('"phases" must be a non-empty list');
  const names = new Set<string>();
  value.phases.forEach((p: unknown, i: number) => {
    if (!isRecord(p) || typeof p.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.name)) bad(`phases[${i}].name must be a folder name`);
    const phase = p as { name: string; addresses?: unknown };
    if (names.has(phase.name)) bad(`phases[${i}].name "${phase.name}" is used twice`);
    names.add(phase.name);
    if (!Array.isArray(phase.addresses)) bad(`phases[${i}].addresses must be a list`);
    (phase.addresses as unknown[]).forEach((a, j) => {
      const at = `phases[${i}].addresses[${j}]`;
      if (!isRecord(a) || typeof a.name !== 'string') bad(`${at}.name must be a string`);
      const addr = a as { minAvailable?: unknown; routes?: unknown };
      if (typeof addr.minAvailable !== 'number') bad(`${at}.minAvailable must be a number`);
      if (!Array.isArray(addr.routes)) bad(`${at}.routes must be a list`);
      (addr.routes as unknown[]).forEach((r, k) => {
        if (!isRecord(r) || !Array.isArray(r.conditions) || !Array.isArray(r.backends)) bad(`${at}.routes[${k}] must have "conditions" and "backends" lists`);
        (r as { backends: unknown[] }).backends.forEach((b, l) => {
          if (!isRecord(b) || typeof b.version !== 'string' || !Number.isInteger(b.weight) || (b.weight as number) < 0) {
            bad(`${at}.routes[${k}].backends[${l}] must have a "version" and a whole "weight" ≥ 0`);
          }
        });
      });
    });
  });
  if (!Array.isArray(value.transitions)) return bad('"transitions" must be a list');
  value.transitions.forEach((t: unknown, i: number) => {
    if (!Array.isArray(t) || t.length !== 2 || !names.has(t[0]) || !names.has(t[1])) bad(`transitions[${i}] must be a pair of declared phase names`);
  });
  if (value.pruneSelector !== undefined && typeof value.pruneSelector !== 'string') bad('"pruneSelector" must be a string');
  if (value.pruneAllowlist === undefined) {
    // Written before releases declared their allowlist: pruned with kubectl's default list.
    return { ...value, pruneAllowlist: DEFAULT_PRUNE_ALLOWLIST } as unknown as DeclaredRelease;
  }
  if (!Array.isArray(value.pruneAllowlist)) bad('"pruneAllowlist" must be a list');
  (value.pruneAllowlist as unknown[]).forEach((entry, i) => {
    if (!isAllowlistEntry(entry)) bad(`pruneAllowlist[${i}] must be a group/version/Kind, e.g. apps/v1/Deployment or core/v1/Service`);
  });
  return value as unknown as DeclaredRelease;
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && YAML_FILE.test(d.name) && d.name !== 'release.json')
    .map((d) => path.join(dir, d.name))
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
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestReadError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

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
