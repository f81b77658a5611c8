import * as path from 'path';
import { planPath, planRelease } from '../../lib/plan/plan';
import { renderPlanJson, renderPlanTable, summarize } from '../../lib/plan/table';
import { deployment, phase, plain, service } from '../verify/builders';

const dist = path.join(__dirname, '..', '..', 'dist');

describe('plan', () => {
  const plan = planPath(path.join(dist, 'addressbook'));

  test('the addressbook table', () => {
    expect(renderPlanTable({ ...plan, path: 'dist/addressbook' })).toMatchSnapshot();
  });

  test('replicas and versions per phase', () => {
    expect(plan.phases.map((p) => [p.name, p.workloads.map((w) => `${w.object} ${w.replicas}×${w.version}`)])).toEqual([
      ['stable', ['Deployment/addressbook-stable 3×1.0.0']],
      ['dark', ['Deployment/addressbook-canary 1×1.1.0', 'Deployment/addressbook-stable 3×1.0.0']],
      ['canary-33', ['Deployment/addressbook-canary 1×1.1.0', 'Deployment/addressbook-stable 2×1.0.0']],
      ['promote', ['Deployment/addressbook-stable 3×1.1.0']],
      ['rollback', ['Deployment/addressbook-stable 3×1.0.0']],
    ]);
  });

  test('traffic shares as exact fractions in the JSON', () => {
    const json = JSON.parse(renderPlanJson(plan));
    const canary = json.phases.find((p: { name: string }) => p.name === 'canary-33');
    expect(canary.traffic).toEqual([
      {
        address: 'Service/addressbook-lb',
        minAvailable: 2,
        tables: [
          {
            label: '',
            routes: [
              {
                conditions: [],
                versions: [
                  { version: '1.0.0', share: '2/3', percent: 66.67 },
                  { version: '1.1.0', share: '1/3', percent: 33.33 },
                ],
              },
            ],
          },
        ],
      },
    ]);
  });

  test('what kubectl apply creates, changes and prunes after each phase it can follow', () => {
    const rollback = plan.phases.find((p) => p.name === 'rollback')!;
    expect(rollback.applies.map((a) => ({ from: a.from, create: a.create, change: a.change.map((c) => `${c.object}: ${summarize(c.fields)}`), prune: a.prune, unchanged: a.unchanged }))).toEqual([
      { from: 'dark', create: [], change: ['Service/addressbook-lb: −selector.track'], prune: ['Service/addressbook-canary', 'Deployment/addressbook-canary', 'Job/addressbook-smoke-dark-1-1-0'], unchanged: 2 },
      { from: 'canary-33', create: [], change: ['Deployment/addressbook-stable: replicas 2 → 3'], prune: ['Service/addressbook-canary', 'Deployment/addressbook-canary', 'Job/addressbook-analysis-canary-33-1-1-0'], unchanged: 2 },
    ]);
    expect(rollback.gates).toEqual([]);
    expect(plan.phases[0].applies).toEqual([{ from: null, create: ['PodDisruptionBudget/addressbook-stable', 'Service/addressbook-lb', 'Deployment/addressbook-stable'], change: [], prune: [], leftRunning: [], unchanged: 0 }]);
  });

  test("each phase's gates: the Job, its kind and what it checks", () => {
    expect(plan.phases.map((p) => [p.name, p.gates])).toEqual([
      ['stable', []],
      ['dark', [{ job: 'Job/addressbook-smoke-dark-1-1-0', kind: 'http', checks: 'GET http://addressbook-canary:80/ready → 200 (24 × 5s, failureLimit 23)' }]],
      [
        'canary-33',
        [
          {
            job: 'Job/addressbook-analysis-canary-33-1-1-0',
            kind: 'prometheus',
            checks:
              'sum(rate(http_requests_total{app_kubernetes_io_name="addressbook",app_kubernetes_io_version="1.1.0",code=~"5.."}[2m])) / sum(rate(http_requests_total{app_kubernetes_io_name="addressbook",app_kubernetes_io_version="1.1.0"}[2m])) at http://prometheus-operated.monitoring:9090: result < 0.01 (5 × 60s, failureLimit 1)',
          },
        ],
      ],
      ['promote', []],
      ['rollback', []],
    ]);
    expect(renderPlanTable(plan)).toContain('then gates:\n' + ' '.repeat(81) + '  http Job/addressbook-smoke-dark-1-1-0: GET http://addressbook-canary:80/ready → 200 (24 × 5s, failureLimit 23)\n');
  });

  test('plain YAML: entry-point Services, and objects left running for lack of a prune selector', () => {
    const app = { app: 'shop' };
    const p = planRelease(plain(phase('one', service('shop', app), deployment('shop', { podLabels: app }), service('old', app)), phase('two', service('shop', app), deployment('shop', { podLabels: app, replicas: 2 }))));
    expect(p.phases[1].applies[0]).toMatchObject({ from: 'one', leftRunning: ['Service/old'], prune: [] });
    expect(p.phases[1].traffic.map((t) => t.address)).toEqual(['Service/shop']);
    expect(renderPlanTable(p)).toContain('Prune: no prune selector declared; objects left out of a phase keep running');
  });
});
