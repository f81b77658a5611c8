import { spawnSync } from 'child_process';
import * as path from 'path';
import { GateAnnotations } from '../model/gate-names';
import { DeclaredRelease } from '../model/release';
import { LoadedPhase, loadDeclaration, loadPhases } from '../verify/loading/loader';
import { K8sObject } from '../verify/loading/manifest';

/** A gate Job of a phase, as `cdk8s-canary gate` waits for it. */
export interface PhaseGateJob {
  /** Name of the Job. */
  readonly name: string;
  /** @default - kubectl's current namespace */
  readonly namespace?: string;
  /** `http`, `prometheus` or `job`. */
  readonly kind: string;
  /** Seconds to wait for it: its activeDeadlineSeconds, and a minute for the Job controller to say so. */
  readonly waitSeconds: number;
}

/** Seconds beyond a Job's activeDeadlineSeconds before the wait gives up: the controller marks it Failed by then. */
const CONTROLLER_MARGIN = 60;
/** Seconds to wait for a gate Job that has no activeDeadlineSeconds (the verifier reports it). */
const NO_DEADLINE_WAIT = 600;

/**
 * The gate Jobs of a phase folder (or YAML file): every Job annotated as a gate, in
 * manifest order. A Job without a namespace takes the release's (release.json beside
 * the phase folder), else kubectl's current one. @throws ManifestReadError
 */
export function phaseGateJobs(phasePath: string): { release: string; phase: string; jobs: PhaseGateJob[] } {
  const { release, phase, declared } = readAppliedPhase(phasePath);
  const jobs = phase.objects
    .filter((o) => o.kind === 'Job' && typeof annotations(o)[GateAnnotations.KIND] === 'string')
    .map((o): PhaseGateJob => {
      const deadline = (o.spec as { activeDeadlineSeconds?: unknown } | undefined)?.activeDeadlineSeconds;
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? declared?.namespace,
        kind: annotations(o)[GateAnnotations.KIND],
        waitSeconds: typeof deadline === 'number' ? deadline + CONTROLLER_MARGIN : NO_DEADLINE_WAIT,
      };
    });
  return { release, phase: phase.name, jobs };
}

/**
 * One phase folder (or YAML file) as a pipeline applies it, with the declaration of its
 * release (release.json beside it) when there is one. @throws ManifestReadError
 */
export function readAppliedPhase(phasePath: string): { release: string; phase: LoadedPhase; declared?: DeclaredRelease } {
  const phase = loadPhases([phasePath]).phases[0];
  const parent = path.dirname(path.resolve(phasePath));
  let declared;
  try {
    declared = loadDeclaration(parent);
  } catch {
    declared = undefined;
  }
  return { release: declared?.release ?? path.basename(parent), phase, declared };
}

function annotations(o: K8sObject): { [key: string]: string } {
  return ((o.metadata as { annotations?: { [key: string]: string } }).annotations ?? {}) as { [key: string]: string };
}

/**
 * The waiting as a POSIX sh script that needs kubectl alone: for each gate Job, poll
 * its conditions until Complete (or SuccessCriteriaMet) — the gate passed — or Failed
 * (or FailureTarget) — it failed, and its logs are printed — or until its deadline
 * passed. `kubectl wait --for=condition=complete` alone would wait out its timeout on
 * a failed Job. Exits 0 when every gate passed, 1 at the first that did not.
 */
export function gateScript(release: string, phase: string, jobs: readonly PhaseGateJob[]): string {
  const where = `${release}/${phase}`;
  const lines = [
    '#!/bin/sh',
    `# The gates of ${where}: waits until each Job completes or fails, with kubectl alone.`,
    '# Exit 0 when every gate passed; 1 when one failed or did not finish in time.',
    'set -u',
    'KUBECTL="${KUBECTL:-kubectl}"',
    'POLL="${GATE_POLL_SECONDS:-5}"',
    'gate() {',
    '  job="$1"; limit="$2"; shift 2',
    '  echo "+ $KUBECTL get job/$job $* -o jsonpath={.status.conditions[?(@.status==\\"True\\")].type}"',
    '  start=$(date +%s); last=""',
    '  while :; do',
    '    if conditions="$("$KUBECTL" get "job/$job" "$@" -o \'jsonpath={.status.conditions[?(@.status=="True")].type}\' 2>&1)"; then',
    '      case " $conditions " in',
    '        *" Complete "*|*" SuccessCriteriaMet "*) echo "gate passed: job/$job"; return 0 ;;',
    '        *" Failed "*|*" FailureTarget "*)',
    '          echo "gate failed: job/$job ($conditions)" >&2',
    '          echo "+ $KUBECTL logs job/$job $* --tail=50"',
    '          "$KUBECTL" logs "job/$job" "$@" --tail=50 >&2 || true',
    '          return 1 ;;',
    '      esac',
    '    fi',
    '    if [ "$conditions" != "$last" ]; then echo "job/$job: ${conditions:-running}"; last="$conditions"; fi',
    '    if [ $(($(date +%s) - start)) -ge "$limit" ]; then echo "gate failed: job/$job neither completed nor failed within ${limit}s" >&2; return 1; fi',
    '    sleep "$POLL"',
    '  done',
    '}',
  ];
  if (!jobs.length) return [...lines, `echo "${where} has no gates"`, ''].join('\n');
  for (const j of jobs) lines.push(`gate ${shellWord(j.name)} ${j.waitSeconds}${j.namespace ? ` -n ${shellWord(j.namespace)}` : ''} || exit 1`);
  lines.push(`echo "every gate of ${where} passed (${jobs.length})"`, '');
  return lines.join('\n');
}

/** Names and namespaces are DNS labels; quoted all the same, since a manifest may have been edited. */
export function shellWord(text: string): string {
  return /^[a-z0-9.-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Runs the script with /bin/sh, its output going straight to this process's, and returns its exit code. */
export function runGateScript(script: string): number {
  const r = spawnSync('/bin/sh', ['-c', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
