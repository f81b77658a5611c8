import * as fs from 'fs';
import * as path from 'path';
import type * as YAML from 'yaml';
import { DEFAULT_PRUNE_ALLOWLIST, isAllowlistEntry } from '../model/prune-allowlist';
import { DeclaredRelease } from '../model/release';
import { isRecord, K8sObject } from './manifest';

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
  const name = releaseName(input);
  if (stat.isFile()) return plainRelease(name, input, [readPhase(phaseName(input), [input])]);
  const decl = path.join(input, 'release.json');
  if (fs.existsSync(decl)) return declaredRelease(input, readDeclaration(decl));
  const files = yamlFiles(input);
  if (files.length) return plainRelease(name, input, [readPhase(name, files)]);
  const dirs = fs
    .readdirSync(input, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort(naturalCompare)
    .filter((d) => yamlFiles(path.join(input, d)).length > 0);
  if (!dirs.length) throw new ManifestReadError(input, 'no release.json, no YAML files and no sub-folders with YAML files');
  return plainRelease(name, input, dirs.map((d) => readPhase(d, yamlFiles(path.join(input, d)))));
}

/** Reads each path (a YAML file or a folder of them) as one phase, in the given order. */
export function loadPhases(inputs: readonly string[], name?: string): LoadedRelease {
  if (!inputs.length) throw new ManifestReadError('<arguments>', 'no phase given');
  const phases = inputs.map((input) => {
    const stat = statOrFail(input);
    const files = stat.isFile() ? [input] : yamlFiles(input);
    if (!files.length) throw new ManifestReadError(input, 'no YAML files in this folder');
    return readPhase(phaseName(input), files);
  });
  const seen = new Set<string>();
  for (const p of phases) {
    if (seen.has(p.name)) throw new ManifestReadError(p.name, 'two phases have this name: give their files or folders different names');
    seen.add(p.name);
  }
  return plainRelease(name ?? releaseName(path.dirname(path.resolve(inputs[0]))), inputs.join(' '), phases);
}

/** Parses the documents of a YAML text; `kind: List` documents are expanded into their items. */
export function parseDocuments(file: string, text: string): LoadedDocument[] {
  const out: LoadedDocument[] = [];
  const docs = yaml().parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new ManifestReadError(file, 'not a YAML stream');
  docs.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestReadError(file, `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}not valid YAML: ${message}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item) => out.push({ file, index: i + 1, value: item }));
    } else {
      out.push({ file, index: i + 1, value });
    }
  });
  return out;
}

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

function readPhase(name: string, files: readonly string[]): LoadedPhase {
  const documents = files.flatMap((f) => parseDocuments(f, readText(f)));
  return { name, documents, objects: documents.map((d) => d.value).filter(isObject) };
}

function declaredRelease(dir: string, decl: DeclaredRelease): LoadedRelease {
  const phases = decl.phases.map((p) => {
    const phaseDir = path.join(dir, p.name);
    if (!fs.existsSync(phaseDir) || !fs.statSync(phaseDir).isDirectory()) {
      throw new ManifestReadError(phaseDir, `release.json declares phase "${p.name}" but its folder is missing`);
    }
    const files = yamlFiles(phaseDir);
    if (!files.length) throw new ManifestReadError(phaseDir, 'no YAML files in this phase folder');
    return readPhase(p.name, files);
  });
  return { name: decl.release, path: dir, declaration: decl, phases, transitions: decl.transitions };
}

function plainRelease(name: string, source: string, phases: LoadedPhase[]): LoadedRelease {
  const transitions = phases.slice(1).map((p, i) => [phases[i].name, p.name] as const);
  return { name, path: source, phases, transitions };
}

/** Reads release.json and checks the parts the verifier relies on. */
function readDeclaration(file: string): DeclaredRelease {
  let value: unknown;
  try {
    value = JSON.parse(readText(file));
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

function releaseName(input: string): string {
  return path.basename(path.resolve(input)).replace(YAML_FILE, '');
}

function phaseName(input: string): string {
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
