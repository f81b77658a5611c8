import { renderPlanMermaid } from './mermaid';
import { ReleasePlan } from './plan';
import { NO_PRUNE, PLAN_COLUMNS, PLAN_LEGEND, planCells, pruneCommand, STEP_COLUMNS, stepCells } from './table';

/**
 * The plan as Markdown for a pull request, a wiki or a job summary: a heading, the
 * Mermaid diagram of the phases, the plan table, and the prune command.
 */
export function renderPlanMarkdown(plan: ReleasePlan): string {
  const kind = plan.strategy ? `${plan.strategy} release, traffic by ${plan.provider}` : 'plain YAML, no release.json';
  const rows = plan.phases.map((p) => planCells(p).map((lines) => lines.map((l) => cellText(l.trim())).join('<br>')));
  const table = [PLAN_COLUMNS.map((c) => c.toLowerCase()), PLAN_COLUMNS.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  const prune = plan.pruneSelector
    ? ['After the rollouts of each phase:', '', '```sh', pruneCommand(plan.pruneSelector, plan.pruneAllowlist ?? [], 'kubectl apply -f <phase folder> --prune', '  '), '```']
    : [NO_PRUNE.replace(/^Prune: n/, 'N') + '.'];
  const steps = plan.engine
    ? [
        `Once \`release\` is applied, ${plan.engine} walks these steps, then promotes:`,
        '',
        ...[STEP_COLUMNS.map((c) => c.toLowerCase()), STEP_COLUMNS.map(() => '---'), ...(plan.steps ?? []).map((s) => stepCells(s).map((lines) => lines.map((l) => cellText(l.trim())).join('<br>')))].map((r) => `| ${r.join(' | ')} |`),
        '',
      ]
    : [];
  return [`## ${plan.release}`, '', `${kind}.`, '', '```mermaid', renderPlanMermaid(plan).trimEnd(), '```', '', ...table, '', `kubectl apply: ${cellText(PLAN_LEGEND)}`, '', ...steps, ...prune, ''].join('\n');
}

/** Text in a table cell: pipes and Markdown markup taken literally. */
function cellText(text: string): string {
  return text.replace(/[\\`*_[\]|]/g, (c) => `\\${c}`).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
