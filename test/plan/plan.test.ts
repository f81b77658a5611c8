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
    expect(plan.phases[0].applies).toEqual([{ from: null, create: ['PodDisruptionBudget/addressbook-stable', 'Service/addressbook-lb', 'Deployment/addressbook-stable'], change: [], prune: [], leftRunning: [], unchanged: 0, configChanges: [] }]);
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

describe('plan of released configuration', () => {
  test('lists the referenced-only objects as prerequisites and the config keys that differ after each phase', () => {
    const { App } = require('cdk8s') as typeof import('cdk8s');
    const { CanaryApp, EnvValue, renderApp, loadOutput, planRelease, renderPlanTable } = require('../../lib') as typeof import('../../lib');
    const app = new App({ outdir: 'never-written' });
    new CanaryApp(app, 'shop', {
      stableImage: 'acme/shop:1.0.0',
      canaryImage: 'acme/shop:1.1.0',
      env: { DB_URL: EnvValue.fromSecret('shop-db', 'url') },
      imagePullSecrets: ['registry'],
      priorityClassName: 'business-critical',
      config: { files: { 'app.yaml': 'workers: 4', 'old.txt': 'x' } },
      canaryConfig: { files: { 'app.yaml': 'workers: 8', 'new.txt': 'y' } },
    });
    const [release] = loadOutput(renderApp(app));
    const plan = planRelease(release);
    expect(plan.prerequisites).toEqual(['PriorityClass/business-critical', 'Secret/registry', 'Secret/shop-db']);
    const promote = plan.phases.find((p) => p.name === 'promote')!.applies.find((a) => a.from === 'canary-33')!;
    expect(promote.configChanges.map((c) => [c.object, c.keys])).toEqual([
      ['Deployment/shop-stable', [{ path: 'app.yaml', from: 'workers: 4', to: 'workers: 8' }, { path: 'new.txt', to: 'y' }, { path: 'old.txt', from: 'x' }]],
    ]);
    expect(renderPlanTable(plan)).toContain('Prerequisites (not rendered, must exist): PriorityClass/business-critical, Secret/registry, Secret/shop-db');
    expect(renderPlanTable(plan)).toMatch(/~ config of Deployment\/shop-stable: shop-config-[0-9a-f]{10} → shop-config-[0-9a-f]{10}: ~app\.yaml, \+new\.txt, −old\.txt/);
  });
});

test('plan shows the config keys a new version changes against the one it joins', () => {
  const { loadRelease, planRelease } = require('../../lib') as typeof import('../../lib');
  const plan = planRelease(loadRelease(`${__dirname}/../../dist/checkout`));
  const dark = plan.phases.find((p) => p.name === '2-4-0-dark')!.applies.find((a) => a.from === '2-3-1')!;
  expect(dark.configChanges.map((c) => [c.object, c.keys])).toEqual([
    ['Deployment/checkout/checkout-2-4-0', [{ path: 'checkout.yaml', from: 'workers: 4\npaymentTimeout: 5s\n', to: 'workers: 8\npaymentTimeout: 3s\nretryBudget: 0.1\n' }]],
  ]);
});

test('a system priority class is no prerequisite: every cluster has it', () => {
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { CanaryApp, renderApp, loadOutput, planRelease } = require('../../lib') as typeof import('../../lib');
  const app = new App({ outdir: 'never-written' });
  new CanaryApp(app, 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0', priorityClassName: 'system-cluster-critical' });
  expect(planRelease(loadOutput(renderApp(app))[0]).prerequisites).toEqual([]);
});

describe('plan of a release on Argo Rollouts', () => {
  const plan = planPath(path.join(dist, 'addressbook-argo'));

  test('names the engine and the steps its controller walks, with the share each gives and what ends it', () => {
    expect(plan.engine).toBe('argo-rollouts');
    expect(plan.phases.map((p) => p.name)).toEqual(['stable', 'release', 'rollback']);
    expect(plan.steps).toEqual([
      {
        name: 'canary-33',
        description: expect.stringMatching(/^setWeight 33: 2 stable \+ 1 canary pods/),
        traffic: [{ address: 'addressbook-argo', minAvailable: 2, routes: [{ conditions: [], versions: [{ version: '1.0.0', share: '2/3', percent: 66.67 }, { version: '1.1.0', share: '1/3', percent: 33.33 }] }] }],
        then: 'analysis: addressbook-argo-smoke-canary-33-1-1-0, addressbook-argo-analysis-canary-33-1-1-0',
      },
    ]);
  });

  test('the table ends with the steps', () => {
    const table = renderPlanTable(plan);
    expect(table).toContain('Once release is applied, argo-rollouts walks these steps, then promotes:');
    expect(table).toMatch(/canary-33 +addressbook-argo \(≥ 2 ready\) +analysis: addressbook-argo-smoke-canary-33-1-1-0/);
    expect(table).toContain('1.0.0 66.7%, 1.1.0 33.3%');
  });

  test('a release without an engine has no steps', () => {
    expect(planPath(path.join(dist, 'addressbook')).steps).toBeUndefined();
    expect(renderPlanTable(planPath(path.join(dist, 'addressbook')))).not.toContain('walks these steps');
  });
});
