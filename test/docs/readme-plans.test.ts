import * as fs from 'fs';
import * as path from 'path';
import { pruneFlags } from '../../lib/model/prune-allowlist';
import { readmePlanMarkers, readmeWithPlans } from '../../scripts/readme-plans';

const repo = path.resolve(__dirname, '../..');
const dist = path.join(repo, 'dist');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');

test('the plans in README.md are what `npm run readme:plans` writes from dist/ (run it after `npm run synth`)', () => {
  expect(readmeWithPlans(readme, dist)).toBe(readme);
});

test('README.md shows the diagram of each seed scenario, and the addressbook table', () => {
  const diagrams = readmePlanMarkers(readme).filter((m) => m.kind === 'plan').map((m) => m.release);
  expect(diagrams).toEqual(['addressbook', 'appinfo', 'sava-product', 'sockshop-istio', 'seamless']);
  expect(readmePlanMarkers(readme).filter((m) => m.kind === 'plan-table').map((m) => m.release)).toEqual(['addressbook']);
  for (const release of diagrams) expect(readme).toMatch(new RegExp(`<!-- plan:${release} -->\\n\`\`\`mermaid\\n[^]*?flowchart TB\\n[^]*?\`\`\`\\n<!-- /plan:${release} -->`));
});

test('a stale or hand-edited plan is rewritten', () => {
  const stale = 'before\n<!-- plan:appinfo -->\n```mermaid\nflowchart LR\n  a --> b\n```\n<!-- /plan:appinfo -->\nafter\n';
  const fresh = readmeWithPlans(stale, dist);
  expect(fresh).not.toBe(stale);
  expect(fresh).toMatch(/^before\n<!-- plan:appinfo -->\n```mermaid\n---\n[^]*<b>canary-25<\/b>[^]*```\n<!-- \/plan:appinfo -->\nafter\n$/);
});

test('the prune command README.md spells out is what prune-flags prints for the addressbook', () => {
  const decl = JSON.parse(fs.readFileSync(path.join(dist, 'addressbook', 'release.json'), 'utf8'));
  expect(readme).toContain(`\nkubectl apply -f dist/addressbook/canary-33 --prune ${pruneFlags(decl.pruneSelector, decl.pruneAllowlist).join(' ')}\n`);
});
