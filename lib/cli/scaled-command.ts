import { readAppliedPhase, shellWord } from './gate-command';
import { PhaseIndex, scaleTargetOf } from '../verify/loading/phase-index';

/** A Deployment of a phase that an autoscaler scales, as `cdk8s-canary wait-scaled` waits for it. */
export interface AutoscaledDeployment {
  readonly name: string;
  /** The HorizontalPodAutoscaler that scales it. */
  readonly autoscaler: string;
  /** @default - kubectl's current namespace */
  readonly namespace?: string;
  /** The autoscaler's minReplicas (1 when it sets none): the pods the phase counts on. */
  readonly minReplicas: number;
}

/**
 * Seconds to wait by default: the HPA controller syncs every 15 s, then each new pod must be
 * scheduled, pulled and pass its readiness probe, as for `kubectl rollout status --timeout=10m`.
 */
export const SCALE_WAIT_SECONDS = 600;

/**
 * The autoscaled Deployments of a phase folder (or YAML file): every Deployment of the
 * phase that an HPA of the phase targets, in manifest order, with the HPA's minReplicas.
 * @throws ManifestReadError
 */
export function phaseAutoscaled(phasePath: string): { release: string; phase: string; deployments: AutoscaledDeployment[] } {
  const { release, phase, declared } = readAppliedPhase(phasePath);
  const index = new PhaseIndex(phase, declared?.namespace ?? '');
  const deployments = index.ofKind('HorizontalPodAutoscaler', 'autoscaling').flatMap((hpa): AutoscaledDeployment[] => {
    const target = scaleTargetOf(hpa);
    if (target?.kind !== 'Deployment') return [];
    const deployment = index.get(index.key({ ...hpa, apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...hpa.metadata, name: target.name } }));
    if (deployment === undefined) return [];
    const min = (hpa.spec as { minReplicas?: unknown } | undefined)?.minReplicas;
    return [{ name: target.name, autoscaler: hpa.metadata.name, namespace: deployment.metadata.namespace ?? declared?.namespace, minReplicas: typeof min === 'number' ? min : 1 }];
  });
  return { release, phase: phase.name, deployments };
}

/**
 * The waiting as a POSIX sh script that needs kubectl alone. A Deployment an autoscaler
 * manages has no spec.replicas: a new one starts at 1 pod, and `kubectl rollout status`
 * returns once that pod is ready, before the autoscaler's first sync raises it to
 * minReplicas. The script polls each Deployment's available pods until they reach its
 * autoscaler's minReplicas, within `SCALE_WAIT_SECONDS` (default {@link SCALE_WAIT_SECONDS})
 * for the phase. Exit 0 when every one got there, 1 otherwise (with the autoscaler's
 * conditions, which say why: no HPA controller, a quota, unschedulable pods...).
 */
export function scaledScript(release: string, phase: string, deployments: readonly AutoscaledDeployment[]): string {
  const where = `${release}/${phase}`;
  const lines = [
    '#!/bin/sh',
    `# The autoscaled Deployments of ${where}: waits until each has its autoscaler's minReplicas available, with kubectl alone.`,
    '# Exit 0 when every one has; 1 when one did not in time.',
    'set -u',
    'KUBECTL="${KUBECTL:-kubectl}"',
    'POLL="${SCALE_POLL_SECONDS:-5}"',
    `LIMIT="\${SCALE_WAIT_SECONDS:-${SCALE_WAIT_SECONDS}}"`,
    'START=$(date +%s)',
    'scaled() {',
    '  deployment="$1"; hpa="$2"; min="$3"; shift 3',
    '  echo "+ $KUBECTL get deployment/$deployment $* -o jsonpath={.status.availableReplicas}  (until ≥ $min)"',
    '  last=""',
    '  while :; do',
    '    available="$("$KUBECTL" get "deployment/$deployment" "$@" -o \'jsonpath={.status.availableReplicas}\' 2>&1)" || available=""',
    '    case "$available" in ""|*[!0-9]*) count=0 ;; *) count="$available" ;; esac',
    '    if [ "$count" -ge "$min" ]; then echo "scaled: deployment/$deployment has $count available pods (minReplicas $min)"; return 0; fi',
    '    if [ "$count" != "$last" ]; then echo "deployment/$deployment: $count of $min available"; last="$count"; fi',
    '    if [ $(($(date +%s) - START)) -ge "$LIMIT" ]; then',
    '      echo "not scaled: deployment/$deployment has $count available pods, its autoscaler\'s minReplicas is $min (waited ${LIMIT}s)" >&2',
    '      "$KUBECTL" get "hpa/$hpa" "$@" -o \'jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\\n"}{end}\' >&2 || true',
    '      return 1',
    '    fi',
    '    sleep "$POLL"',
    '  done',
    '}',
  ];
  if (!deployments.length) return [...lines, `echo "${where} has no autoscaled Deployment"`, ''].join('\n');
  for (const d of deployments) lines.push(`scaled ${shellWord(d.name)} ${shellWord(d.autoscaler)} ${d.minReplicas}${d.namespace ? ` -n ${shellWord(d.namespace)}` : ''} || exit 1`);
  lines.push(`echo "every autoscaled Deployment of ${where} has its minReplicas available (${deployments.length})"`, '');
  return lines.join('\n');
}
