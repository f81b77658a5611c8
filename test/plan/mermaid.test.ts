import * as path from 'path';
import { renderPlanMarkdown } from '../../lib/plan/markdown';
import { renderPlanMermaid } from '../../lib/plan/mermaid';
import { planPath, planRelease, ReleasePlan } from '../../lib/plan/plan';
import { deployment, phase, plain, service } from '../verify/builders';

const dist = path.join(__dirname, '..', '..', 'dist');
const plan = (release: string): ReleasePlan => ({ ...planPath(path.join(dist, release)), path: `dist/${release}` });

/** The edges of a diagram as `from --> to` with phase names instead of node ids. */
function edges(diagram: string, p: ReleasePlan): string[] {
  const name = (id: string) => p.phases[Number(id.slice(1))].name;
  return [...diagram.matchAll(/^ {2}(p\d+) (-->|-\.->) (p\d+)$/gm)].map((m) => `${name(m[1])} ${m[2]} ${name(m[3])}`);
}

/** The lines of each node's label, by phase name. */
function labels(diagram: string, p: ReleasePlan): Map<string, string[]> {
  return new Map([...diagram.matchAll(/^ {2}p(\d+)\["(.*)"\]$/gm)].map((m) => [p.phases[Number(m[1])].name, m[2].split('<br/>')]));
}

describe('plan --format mermaid', () => {
  test('the addressbook diagram', () => {
    expect(renderPlanMermaid(plan('addressbook'))).toMatchSnapshot();
  });

  test('one box per phase in order, with pods per workload and the share per version', () => {
    const p = plan('addressbook');
    const boxes = labels(renderPlanMermaid(p), p);
    expect([...boxes.keys()]).toEqual(['stable', 'dark', 'canary-33', 'promote', 'rollback']);
    expect(boxes.get('canary-33')).toEqual([
      '<b>canary-33</b>',
      'addressbook-canary: 1 pod on 1.1.0',
      'addressbook-stable: 2 pods on 1.0.0',
      '<b>Service/addressbook-lb</b> ≥ 2 ready pods',
      '66.7% to 1.0.0 · 33.3% to 1.1.0',
      'gate (prometheus): Job/addressbook-analysis-canary-33-1-1-0',
    ]);
  });

  test('the forward path is solid, a rollback dashed', () => {
    const p = plan('addressbook');
    expect(edges(renderPlanMermaid(p), p)).toEqual(['stable --> dark', 'dark --> canary-33', 'canary-33 --> promote', 'dark -.-> rollback', 'canary-33 -.-> rollback']);
    const back = plan('sockshop-istio');
    expect(edges(renderPlanMermaid(back), back).filter((e) => e.includes('-.->'))).toEqual([
      'v2-dark -.-> v1',
      'canary-10 -.-> v2-dark',
      'v2-logged-in -.-> canary-10',
      'v2-chrome -.-> v2-logged-in',
      'cleanup -.-> v2-chrome',
    ]);
  });

  test('conditional routes first, then the others; quotes as Mermaid entity codes', () => {
    const p = plan('sockshop-istio');
    expect(labels(renderPlanMermaid(p), p).get('v2-logged-in')?.slice(-3)).toEqual(['if cookie ~ #quot;.*logged_in.*#quot;: 100% to v2', 'else: 100% to v1', 'gate (prometheus): Job/front-end-analysis-v2-logged-in-v2']);
  });

  test('nothing in a label can end it or open markup', () => {
    const p = plan('sava-product');
    const tricky: ReleasePlan = {
      ...p,
      phases: [{ ...p.phases[0], name: 'a"]b', traffic: [{ address: 'Service/x', tables: [{ label: '', routes: [{ conditions: [{ header: 'x', match: 'regex', value: '<a href="#">&' }], versions: [] }] }] }] }],
    };
    const box = renderPlanMermaid(tricky).split('\n').find((l) => l.startsWith('  p0['))!;
    expect(box).toBe('  p0["<b>a#quot;]b</b><br/>sava-product-1-0-3: 1 pod on 1.0.3<br/><b>Service/x</b><br/>if x ~ #quot;#lt;a href=\\#quot;#35;\\#quot;#gt;#amp;#quot;: no backend"]');
  });

  test('plain YAML: consecutive phases, no capacity', () => {
    const app = { app: 'shop' };
    const p = planRelease(plain(phase('one', service('shop', app), deployment('shop', { podLabels: app })), phase('two', service('shop', app), deployment('shop', { podLabels: app, replicas: 2 }))));
    const diagram = renderPlanMermaid(p);
    expect(edges(diagram, p)).toEqual(['one --> two']);
    expect(labels(diagram, p).get('two')).toEqual(['<b>two</b>', 'shop: 2 pods on 1.0.0', '<b>Service/shop</b>', '100% to 1.0.0']);
  });
});

describe('plan --format markdown', () => {
  const md = renderPlanMarkdown(plan('sockshop-istio'));

  test('a heading, the diagram, the table with a row per phase, the prune command', () => {
    expect(md.startsWith('## sockshop-istio\n\ngateway release, traffic by istio.\n\n```mermaid\n' + renderPlanMermaid(plan('sockshop-istio')) + '```\n')).toBe(true);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| phase | workloads | traffic | kubectl apply |');
    expect(rows.slice(2).map((r) => r.split(' | ')[0])).toEqual(['| v1', '| v2-dark', '| canary-10', '| v2-logged-in', '| v2-chrome', '| cleanup']);
    expect(md).toContain('--prune-allowlist=networking.istio.io/v1/VirtualService');
  });

  test('table cells take Markdown markup literally', () => {
    const row = md.split('\n').find((l) => l.startsWith('| v2-logged-in |'))!;
    expect(row).toContain('if cookie ~ ".\\*logged\\_in.\\*": v2 100%');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(6);
  });
});
