import * as fs from 'fs';
import * as path from 'path';
import { pruneFlags } from '../../lib/model/prune-allowlist';
import { planMarkers, PLANS_PAGE, withPlans } from '../../scripts/readme-plans';

const repo = path.resolve(__dirname, '../..');
const dist = path.join(repo, 'dist');
const page = fs.readFileSync(path.join(repo, PLANS_PAGE), 'utf8');
const pipelines = fs.readFileSync(path.join(repo, 'docs/pipelines.md'), 'utf8');

test(`the plans in ${PLANS_PAGE} are what \`npm run readme:plans\` writes from dist/ (run it after \`npm run synth\`)`, () => {
  expect(withPlans(page, dist)).toBe(page);
});

test(`${PLANS_PAGE} shows the diagram of each seed scenario, and the addressbook table`, () => {
  const diagrams = planMarkers(page).filter((m) => m.kind === 'plan').map((m) => m.release);
  expect(diagrams).toEqual(['addressbook', 'appinfo', 'sava-product', 'sockshop-istio', 'seamless']);
  expect(planMarkers(page).filter((m) => m.kind === 'plan-table').map((m) => m.release)).toEqual(['addressbook']);
  for (const release of diagrams) expect(page).toMatch(new RegExp(`<!-- plan:${release} -->\\n\`\`\`mermaid\\n[^]*?flowchart TB\\n[^]*?\`\`\`\\n<!-- /plan:${release} -->`));
});

test('a stale or hand-edited plan is rewritten', () => {
  const stale = 'before\n<!-- plan:appinfo -->\n```mermaid\nflowchart LR\n  a --> b\n```\n<!-- /plan:appinfo -->\nafter\n';
  const fresh = withPlans(stale, dist);
  expect(fresh).not.toBe(stale);
  expect(fresh).toMatch(/^before\n<!-- plan:appinfo -->\n```mermaid\n---\n[^]*<b>canary-25<\/b>[^]*```\n<!-- \/plan:appinfo -->\nafter\n$/);
});

test('the prune command docs/pipelines.md spells out is what prune-flags prints for the addressbook', () => {
  const decl = JSON.parse(fs.readFileSync(path.join(dist, 'addressbook', 'release.json'), 'utf8'));
  expect(pipelines).toContain(`\nkubectl apply -f dist/addressbook/canary-33 --prune ${pruneFlags(decl.pruneSelector, decl.pruneAllowlist).join(' ')}\n`);
});
