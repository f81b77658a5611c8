/** Annotations that mark a Job as a gate, read by `cdk8s-canary gate`, `plan` and `verify`. */
export const GateAnnotations = {
  /** `http`, `prometheus` or `job`. */
  KIND: 'cdk8s-canary.io/gate',
  /** The versions under test, comma-separated (`1.1.0`, `frontend=v2,backend=v2`): each is in the Job's name. */
  VERSIONS: 'cdk8s-canary.io/versions-under-test',
} as const;

import { versionNameSuffix } from './image';

/** A version under test: a gate Job's name holds `<of>-<version>` (or the version alone). */
export interface VersionUnderTest {
  /** What runs this version, when the release has several parts (`frontend`, `backend`). @default - the release's only workload */
  readonly of?: string;
  /** Value of the version label. */
  readonly version: string;
}

/** The part a version under test adds to a gate Job's name: `1-1-0`, `frontend-v2`. */
export function versionSlug(v: VersionUnderTest): string {
  return v.of ? `${v.of}-${versionNameSuffix(v.version)}` : versionNameSuffix(v.version);
}

/** The versions under test as a gate Job's annotation and release.json write them: `1.1.0`, `frontend=v2,backend=v2`. */
export function formatVersions(versions: readonly VersionUnderTest[]): string {
  return versions.map((v) => (v.of ? `${v.of}=${v.version}` : v.version)).join(',');
}

/**
 * Name of a gate's Job: `<prefix>-<gate>-<phase>-<versions under test>`. A Job's pod
 * template is immutable and a finished Job never runs again, so the name changes with
 * the phase and with the versions it tests: each phase of each release runs its own.
 */
export function gateJobName(prefix: string, gate: string, phase: string, versions: readonly VersionUnderTest[]): string {
  return [prefix, gate, phase, ...versions.map(versionSlug)].filter((p) => p !== '').join('-');
}
