import { App } from 'cdk8s';
import { formatFinding, loadOutput, OutputFile, renderApp, verifyRelease } from '../../../lib';

/**
 * The verifier as the property tests call it: every release of the app, rendered in
 * memory, through verifyRelease (schema, YAML read alike by kubectl and YAML 1.2 tools,
 * wiring, transitions, capacity, traffic, policy), plus the project's own defaults,
 * which are stricter than what the verifier asks of any manifest.
 */
export function verifyApp(app: App): Issue[] {
  return verifyFiles(renderApp(app));
}

/** A problem: where it is (release, phase, object) and what it is, worded the same wherever it occurs. */
export interface Issue {
  readonly where: string;
  readonly what: string;
  readonly detail?: string;
}

export const formatIssue = (i: Issue) => `${i.where}: ${i.what}${i.detail ? ` (${i.detail})` : ''}`;

export function verifyFiles(files: readonly OutputFile[]): Issue[] {
  const issues: Issue[] = [];
  for (const release of loadOutput(files)) {
    for (const f of verifyRelease(release).findings) issues.push({ where: `${f.release}/${f.phase}`, what: `${f.check}: ${f.message}`, detail: formatFinding(f) });
    for (const phase of release.phases) {
      for (const o of phase.objects) {
        for (const problem of projectDefaults(o)) issues.push({ where: `${release.name}/${phase.name}: ${o.kind}/${o.metadata.name}`, what: problem });
      }
    }
  }
  return issues;
}

/**
 * What the library always does, beyond the verifier's policy: no service-account token
 * in pods, and a memory limit on every container.
 */
function projectDefaults(o: { kind: string; [key: string]: any }): string[] {
  const pod = o.kind === 'Deployment' || o.kind === 'Job' || o.kind === 'Rollout' ? o.spec?.template?.spec : undefined;
  if (!pod) return [];
  const out: string[] = [];
  if (pod.automountServiceAccountToken !== false) out.push('automountServiceAccountToken is not false');
  for (const c of pod.containers ?? []) if (!c.resources?.limits?.memory) out.push(`container ${c.name} has no memory limit`);
  return out;
}
