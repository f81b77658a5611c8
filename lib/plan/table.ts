import { pruneFlags } from '../model/prune-allowlist';
import { describeConditions } from '../verify/traffic/traffic';
import { FieldChange } from './diff';
import { ApplyPlan, PhasePlan, ReleasePlan, RoutePlan } from './plan';

/**
 * The plan as a table a person reads at a glance: one row per phase with its
 * workloads (replicas × version), the traffic share of each version at each
 * address (conditional routes first), and what `kubectl apply` creates (+),
 * changes (~), prunes (−) or leaves running (!) after each phase it can follow.
 */
export function renderPlanTable(plan: ReleasePlan): string {
  const head = [
    `Release ${plan.release}${plan.strategy ? ` (${plan.strategy}, traffic by ${plan.provider})` : ' (plain YAML)'}`,
    plan.pruneSelector ? pruneCommand(plan.pruneSelector, plan.pruneAllowlist ?? [], 'Prune: kubectl apply --prune', '       ') : NO_PRUNE,
    ...(plan.prerequisites.length ? [`Prerequisites (not rendered, must exist): ${plan.prerequisites.join(', ')}`] : []),
    '',
  ];
  const rows = plan.phases.map(planCells);
  const table = renderGrid(PLAN_COLUMNS, rows);
  return [...head, table, '', PLAN_LEGEND, '', ...stepsSection(plan)].join('\n');
}

export const STEP_COLUMNS = ['STEP', 'TRAFFIC', 'THEN'];

/** With an engine: what its controller walks once `release` is applied, a row per step. */
function stepsSection(plan: ReleasePlan): string[] {
  if (!plan.engine) return [];
  return [`Once release is applied, ${plan.engine} walks these steps, then promotes:`, '', renderGrid(STEP_COLUMNS, (plan.steps ?? []).map(stepCells)), ''];
}

/** The cells of a step's row: name, traffic, what ends it. */
export function stepCells(s: NonNullable<ReleasePlan['steps']>[number]): string[][] {
  const traffic = s.traffic.flatMap((a) => [`${a.address} (≥ ${a.minAvailable} ready)`, ...a.routes.map((r) => `  ${describeRoute(r)}`)]);
  return [[s.name], traffic, [s.then === 'pause' ? 'pause: kubectl argo rollouts promote' : s.then]];
}

/** The plan as JSON for pipelines. */
export function renderPlanJson(plan: ReleasePlan): string {
  return JSON.stringify(plan, undefined, 2) + '\n';
}

export const PLAN_COLUMNS = ['PHASE', 'WORKLOADS', 'TRAFFIC', 'KUBECTL APPLY'];
export const PLAN_LEGEND = '+ create   ~ change   − prune   ! left running (not pruned)   = unchanged';
export const NO_PRUNE = 'Prune: no prune selector declared; objects left out of a phase keep running';

/** The cells of a phase's row, each a list of lines: name, workloads, traffic, what kubectl apply does. */
export function planCells(p: PhasePlan): string[][] {
  return [[p.name], workloadCell(p), trafficCell(p), applyCell(p)];
}

/**
 * `<start> -l … --prune-allowlist=…`, continued with `\` on lines of at most 120
 * characters that begin with `indent`.
 */
export function pruneCommand(selector: string, allowlist: readonly string[], start: string, indent: string): string {
  const [, , ...allowFlags] = pruneFlags(selector, allowlist);
  const lines: string[] = [];
  let line = start;
  for (const word of [`-l ${selector}`, ...allowFlags]) {
    if (line.length + 1 + word.length > 120) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line += ` ${word}`;
  }
  return [...lines, line].join(' \\\n');
}

function workloadCell(p: PhasePlan): string[] {
  if (!p.workloads.length) return ['-'];
  const width = Math.max(...p.workloads.map((w) => shortRef(w.object).length));
  return p.workloads.map((w) => `${shortRef(w.object).padEnd(width)}  ${w.replicas} × ${w.version}`);
}

function trafficCell(p: PhasePlan): string[] {
  if (!p.traffic.length) return ['-'];
  const lines: string[] = [];
  for (const a of p.traffic) {
    lines.push(`${a.address}${a.minAvailable === undefined ? '' : ` (≥ ${a.minAvailable} ready)`}`);
    for (const t of a.tables) {
      const indent = t.label ? '    ' : '  ';
      if (t.label) lines.push(`  ${t.label}`);
      for (const r of t.routes) lines.push(`${indent}${describeRoute(r)}`);
    }
  }
  return lines;
}

/** `if cookie ~ ".*x.*": v2 100%` for a conditional route, `v1 90%, v2 10%` for the others. */
export function describeRoute(r: RoutePlan): string {
  const shares = r.versions.length ? r.versions.map((v) => `${v.version} ${formatPercent(v.percent)}`).join(', ') : 'no backend';
  return r.conditions.length ? `${describeConditions(r.conditions).replace(/^requests with /, 'if ')}: ${shares}` : shares;
}

function applyCell(p: PhasePlan): string[] {
  const lines: string[] = [];
  for (const a of p.applies) {
    lines.push(a.from === null ? 'first apply:' : `after ${a.from}:`);
    lines.push(...applyLines(a).map((l) => `  ${l}`));
  }
  // What `cdk8s-canary gate` then waits for: the next phase, or the rollback when one fails.
  if (p.gates.length) lines.push('then gates:', ...p.gates.map((g) => `  ${g.kind} ${g.job}: ${g.checks}`));
  return lines;
}

function applyLines(a: ApplyPlan): string[] {
  const out = [
    ...a.create.map((o) => `+ ${o}`),
    ...a.change.map((c) => `~ ${c.object}: ${summarize(c.fields)}`),
    ...a.configChanges.map((c) => `~ config of ${c.object}: ${c.from} → ${c.to}: ${c.keys.map((k) => `${k.from === undefined ? '+' : k.to === undefined ? '−' : '~'}${k.path}`).join(', ') || 'same keys and values'}`),
    ...a.prune.map((o) => `− ${o}`),
    ...a.leftRunning.map((o) => `! ${o}`),
  ];
  if (a.unchanged) out.push(`= ${a.unchanged} unchanged`);
  return out.length ? out : ['nothing'];
}

/** The few changes that matter most, e.g. `replicas 3 → 2, image web:1.0 → web:1.1 (+2 more)`. */
export function summarize(fields: readonly FieldChange[]): string {
  const ranked = [...fields].sort((a, b) => rank(a.path) - rank(b.path));
  // Label changes follow from the others (a new version label comes with a new image): shown only alone.
  const main = ranked.filter((c) => rank(c.path) < 5);
  const shown = (main.length ? main : ranked).slice(0, 3).map(describeChange);
  const more = fields.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

function rank(path: string): number {
  if (/(^|\.)replicas$/.test(path)) return 0;
  if (/\.image$/.test(path)) return 1;
  if (/^spec\.selector/.test(path)) return 2;
  if (/weight|route|backendRefs|annotations/.test(path)) return 3;
  if (/labels/.test(path)) return 5;
  return 4;
}

function describeChange(c: FieldChange): string {
  const name = shortPath(c.path);
  if (c.from === undefined) return `+${name}=${short(c.to)}`;
  if (c.to === undefined) return `−${name}`;
  if (/\.image$/.test(c.path)) return `image ${imageTail(c.from)} → ${imageTail(c.to)}`;
  if (Array.isArray(c.from) && Array.isArray(c.to)) return `${name}: ${c.from.length} → ${c.to.length} entries`;
  return `${name} ${short(c.from)} → ${short(c.to)}`;
}

function shortPath(path: string): string {
  return path
    .replace(/^spec\.template\.metadata\.labels/, 'pod labels')
    .replace(/^spec\.template\.spec\./, 'pod.')
    .replace(/^spec\.replicas$/, 'replicas')
    .replace(/^spec\.selector\./, 'selector.')
    .replace(/^metadata\.labels/, 'labels');
}

function short(value: unknown): string {
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? `[${value.length} entries]` : '{…}';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function imageTail(value: unknown): string {
  return typeof value === 'string' ? value.slice(value.lastIndexOf('/') + 1) : short(value);
}

function shortRef(ref: string): string {
  return ref.replace(/^Deployment\//, '');
}

/** `100%`, `66.7%`. */
export function formatPercent(p: number): string {
  return Number.isInteger(p) ? `${p}%` : `${p.toFixed(1)}%`;
}

/** Columns padded to their widest line; a row's cells may have several lines. */
function renderGrid(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<readonly string[]>>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...r[i].map((l) => l.length)))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd();
  const out = [line(header), line(widths.map((w, i) => '─'.repeat(i === widths.length - 1 ? header[i].length : w)))];
  rows.forEach((r, k) => {
    if (k > 0) out.push('');
    const height = Math.max(...r.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(r.map((c) => c[i] ?? '')));
  });
  return out.join('\n');
}
