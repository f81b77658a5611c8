import { checkCapacity } from './capacity/capacity';
import { Finding } from './finding';
import { LoadedRelease, loadPhases, loadRelease } from './loading/loader';
import { locateFindings } from './loading/locations';
import { PhaseIndex } from './loading/phase-index';
import { checkPolicy } from './policy/policy';
import { checkSchema } from './schema/schema-findings';
import { checkTraffic } from './traffic/traffic';
import { checkTransition, declaredPrune } from './transitions/transitions';
import { checkEngines } from './engines/engines';
import { checkGates } from './gates/gates';
import { checkRenderedReferences } from './wiring/rendered-references';
import { checkWiring } from './wiring/wiring';

/** The outcome of verifying one release. */
export interface VerifyResult {
  /** Name of the release verified. */
  readonly release: string;
  /** What was read: the folder or file, or the phase paths joined by spaces. */
  readonly path: string;
  /** Names of the phases checked, in order. */
  readonly phases: readonly string[];
  /** The `[from, to]` pairs of phases whose transition was checked. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
  /** Empty when the release is safe to apply. */
  readonly findings: readonly Finding[];
}

/** Indexes the phases of a release, in order. */
export function indexPhases(release: LoadedRelease): PhaseIndex[] {
  return release.phases.map((p) => new PhaseIndex(p, release.declaration?.namespace ?? ''));
}

/**
 * Verifies a release offline, before anything is applied: schema, wiring, policy
 * and traffic in every phase, and transitions and capacity between the phases a
 * pipeline applies one after the other. Traffic shares and capacity are computed
 * from the manifests and compared with the declaration (release.json) when there
 * is one; plain YAML gets every check that needs no declaration.
 */
export function verifyRelease(release: LoadedRelease): VerifyResult {
  const decl = release.declaration;
  const indexes = indexPhases(release);
  const byName = new Map(indexes.map((i) => [i.name, i]));
  const prune = declaredPrune(decl);
  const perPhase: Finding[] = [];
  const findings: Finding[] = [];
  for (const index of indexes) {
    const declared = decl?.phases.find((p) => p.name === index.name);
    perPhase.push(...checkSchema(release.name, index.phase), ...checkWiring(release.name, index, prune?.labels), ...checkPolicy(release.name, index), ...checkGates(release.name, index));
    findings.push(...checkEngines(release.name, index, decl));
    findings.push(...checkTraffic(release.name, index, declared, decl?.provider), ...checkCapacity(release.name, undefined, index, declared, decl?.provider));
  }
  perPhase.push(...checkRenderedReferences(release.name, indexes));
  for (const [fromName, toName] of release.transitions) {
    const from = byName.get(fromName)!;
    const to = byName.get(toName)!;
    const declared = decl?.phases.find((p) => p.name === toName);
    findings.push(...checkTransition(release.name, from, to, prune), ...checkCapacity(release.name, from, to, declared, decl?.provider));
  }
  return {
    release: release.name,
    path: release.path,
    phases: release.phases.map((p) => p.name),
    transitions: release.transitions,
    findings: locateFindings(release, [...mergeRepeated(perPhase), ...findings]),
  };
}

/** Verifies the release at a path (see loadRelease). @throws ManifestReadError */
export function verifyPath(path: string): VerifyResult {
  return verifyRelease(loadRelease(path));
}

/** Verifies YAML files or folders as the phases of one release, in the given order. @throws ManifestReadError */
export function verifyPhases(paths: readonly string[], name?: string): VerifyResult {
  return verifyRelease(loadPhases(paths, name));
}

/**
 * A problem of an object that is the same in several phases is reported once, on
 * the first phase, with the others in `alsoIn`.
 */
function mergeRepeated(findings: readonly Finding[]): Finding[] {
  const first = new Map<string, { finding: Finding; alsoIn: string[] }>();
  for (const f of findings) {
    const key = `${f.check}\u0000${f.object}\u0000${f.field}\u0000${f.message}`;
    const seen = first.get(key);
    if (seen) seen.alsoIn.push(f.phase);
    else first.set(key, { finding: f, alsoIn: [] });
  }
  return [...first.values()].map(({ finding, alsoIn }) => (alsoIn.length ? { ...finding, alsoIn } : finding));
}
