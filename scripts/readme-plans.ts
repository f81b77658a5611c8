import * as fs from 'fs';
import * as path from 'path';
import { renderPlanMermaid } from '../lib/plan/mermaid';
import { planPath } from '../lib/plan/plan';
import { renderPlanTable } from '../lib/plan/table';

/** The page that embeds the plans: the Plan section of the verify documentation. */
export const PLANS_PAGE = 'docs/verify.md';

/**
 * The documentation shows plans of the examples in dist/ as `cdk8s-canary plan` prints them,
 * between marker comments, so they are generated rather than drawn by hand:
 * `<!-- plan:<release> -->` … `<!-- /plan:<release> -->` holds the Mermaid diagram,
 * `<!-- plan-table:<release> -->` … `<!-- /plan-table:<release> -->` the table.
 * `npm run readme:plans` rewrites them after `npm run synth`; a test fails when they are stale.
 */
export function withPlans(page: string, dist: string): string {
  return page.replace(/<!-- (plan|plan-table):([a-z0-9-]+) -->\n[\s\S]*?<!-- \/\1:\2 -->/g, (_, kind: string, release: string) => {
    const plan = { ...planPath(path.join(dist, release)), path: `dist/${release}` };
    const body = kind === 'plan' ? `\`\`\`mermaid\n${renderPlanMermaid(plan)}\`\`\`` : `\`\`\`\n${renderPlanTable(plan)}\`\`\``;
    return `<!-- ${kind}:${release} -->\n${body}\n<!-- /${kind}:${release} -->`;
  });
}

/** Releases whose plan a page embeds, by kind of marker. */
export function planMarkers(page: string): Array<{ kind: string; release: string }> {
  return [...page.matchAll(/<!-- (plan|plan-table):([a-z0-9-]+) -->/g)].map((m) => ({ kind: m[1], release: m[2] }));
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, PLANS_PAGE);
  const before = fs.readFileSync(file, 'utf8');
  const after = withPlans(before, path.join(root, 'dist'));
  fs.writeFileSync(file, after);
  console.log(`${after === before ? `${PLANS_PAGE} plans already up to date` : `${PLANS_PAGE} plans updated`}: ${planMarkers(after).length} embedded`);
}
