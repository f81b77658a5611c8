import { AddressPlan, PhasePlan, ReleasePlan } from './plan';
import { describeConditions } from '../verify/traffic/traffic';
import { formatPercent } from './table';

/**
 * The plan as a Mermaid flowchart, which GitHub and most Markdown viewers draw inline:
 * one box per phase, in order, with the replicas and version of each workload and the
 * share of each version at each address (conditional routes first); an arrow for each
 * transition a pipeline may make, dashed when it leaves the forward path (a rollback).
 *
 * Top to bottom rather than left to right: a viewer shrinks a diagram to its width, so
 * six or seven boxes side by side would be too small to read.
 */
export function renderPlanMermaid(plan: ReleasePlan): string {
  const ids = new Map(plan.phases.map((p, i) => [p.name, `p${i}`]));
  const order = new Map(plan.phases.map((p, i) => [p.name, i]));
  // Mermaid wraps a label at 200px by default, which breaks `3 × 1.0.0` apart: one line per fact.
  const lines = ['---', 'config:', '  flowchart:', '    wrappingWidth: 600', '---', 'flowchart TB'];
  for (const p of plan.phases) lines.push(`  ${ids.get(p.name)}["${phaseLabel(p)}"]`);
  for (const [from, to] of transitions(plan)) {
    const forward = order.get(to)! === order.get(from)! + 1;
    lines.push(`  ${ids.get(from)} ${forward ? '-->' : '-.->'} ${ids.get(to)}`);
  }
  return lines.join('\n') + '\n';
}

/** Declared transitions, recovered from the phases each one can follow. */
function transitions(plan: ReleasePlan): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const p of plan.phases) for (const a of p.applies) if (a.from !== null) out.push([a.from, p.name]);
  // Forward path first, then the others in phase order: the layout follows the order of edges.
  const order = new Map(plan.phases.map((p, i) => [p.name, i]));
  const rank = ([from, to]: [string, string]) => (order.get(to)! === order.get(from)! + 1 ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || order.get(a[0])! - order.get(b[0])! || order.get(a[1])! - order.get(b[1])!);
}

function phaseLabel(p: PhasePlan): string {
  const lines = [`<b>${escape(p.name)}</b>`];
  // Words rather than `3 × 1.0.0`: versions may be bare numbers (`appinfo:3`).
  lines.push(...(p.workloads.length ? p.workloads.map((w) => escape(`${shortName(w.object, true)}: ${w.replicas} pod${w.replicas === 1 ? '' : 's'} on ${w.version}`)) : ['no pods']));
  for (const a of p.traffic) lines.push(...addressLines(a));
  return lines.join('<br/>');
}

function addressLines(a: AddressPlan): string[] {
  const lines = [`<b>${escape(shortName(a.address, false))}</b>${a.minAvailable === undefined ? '' : escape(` ≥ ${a.minAvailable} ready pod${a.minAvailable === 1 ? "" : "s"}`)}`];
  for (const t of a.tables) {
    if (t.label) lines.push(escape(`${t.label}:`));
    const conditional = t.routes.some((r) => r.conditions.length > 0);
    for (const r of t.routes) {
      const shares = r.versions.length ? r.versions.map((v) => `${formatPercent(v.percent)} to ${v.version}`).join(' · ') : 'no backend';
      const when = r.conditions.length ? `${describeConditions(r.conditions).replace(/^requests with /, 'if ')}: ` : conditional ? 'else: ' : '';
      lines.push(escape(`${when}${shares}`));
    }
  }
  return lines;
}

/** `Kind/namespace/name` without the namespace (one release, one namespace), and without `Deployment/` for workloads. */
function shortName(ref: string, workload: boolean): string {
  const parts = ref.split('/');
  const kind = parts[0];
  const name = parts[parts.length - 1];
  return workload && kind === 'Deployment' ? name : `${kind}/${name}`;
}

/** Text inside a quoted Mermaid label: quotes and markup characters as Mermaid entity codes. */
function escape(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/&/g, '#amp;');
}
