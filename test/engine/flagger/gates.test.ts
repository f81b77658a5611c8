import { execFile, spawnSync } from 'child_process';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Checks } from '../../../lib/model/checks';
import { DeclaredGate } from '../../../lib/model/release';
import { analysisTiming } from '../../../lib/engine/flagger/analysis-timing';
import { metricCheck } from '../../../lib/engine/flagger/metric-template';
import { thresholdRange } from '../../../lib/engine/flagger/threshold-range';
import { httpWebhook, loadtesterUrl, refuseJobGate, shellQuote } from '../../../lib/engine/flagger/webhook';
import { resolveFlaggerOptions } from '../../../lib/engine/flagger/options';
import { Traffic } from '../../../lib';
import { requireTools } from '../../support/gate-tools';
import { configError } from '../../support/errors';

const check = new Checks('shop');
const PROM: DeclaredGate = {
  name: 'analysis',
  job: 'shop-analysis-canary-25-1-1-0',
  kind: 'prometheus',
  versions: '1.1.0',
  target: 'http://prometheus.monitoring:9090',
  count: 1,
  intervalSeconds: 30,
  initialDelaySeconds: 0,
  failureLimit: 0,
  timeoutSeconds: 10,
  activeDeadlineSeconds: 100,
  query: 'sum(rate(errors{version="1.1.0"}[30s]))',
  successCondition: 'result <= 0.01',
};
const SMOKE: DeclaredGate = { ...PROM, name: 'smoke', kind: 'http', target: 'http://shop-canary:80/health', expectStatus: 200, expectBody: "it's up", query: undefined, successCondition: undefined, timeoutSeconds: 3 };

describe('thresholdRange from a success condition', () => {
  test.each([
    ['result <= 0.01', { max: 0.01 }],
    ['result >= 0.95 && result <= 1', { min: 0.95, max: 1 }],
    ['result == 1', { min: 1, max: 1 }],
    ['result >= 1 && result >= 3 && result <= 9 && result <= 5', { min: 3, max: 5 }],
  ])('%s → %j', (condition, range) => expect(thresholdRange(check, 'gates.x[0].successCondition', condition)).toEqual(range));

  test.each([
    ['result < 0.01', /inclusive bounds.*result <= 0.01/],
    ['result > 5', /result >= 5/],
    ['result != 0', /excludes one value/],
    ['result <= 1 || result >= 5', /without \|\|/],
    ['result >= 5 && result <= 1', /min 5 is above max 1/],
  ])('%s is refused, naming the engine and the feature', (condition, why) => {
    const e = configError(() => thresholdRange(check, 'gates.x[0].successCondition', condition));
    expect(e.field).toBe('gates.x[0].successCondition');
    expect(e.expected).toMatch(/engine flagger, feature thresholdRange/);
    expect(e.expected).toMatch(why);
  });
});

describe('a Prometheus gate as a MetricTemplate', () => {
  test('the filled query, the server as the address, the condition as the range, the interval as the window', () => {
    expect(metricCheck(check, 'gates.canary-25[0]', PROM, 'shop', 'web')).toEqual({
      templateName: 'shop-analysis',
      template: { provider: { type: 'prometheus', address: 'http://prometheus.monitoring:9090' }, query: 'sum(rate(errors{version="1.1.0"}[30s]))' },
      metric: { name: 'analysis', templateRef: { name: 'shop-analysis', namespace: 'web' }, thresholdRange: { max: 0.01 }, interval: '30s' },
    });
    expect(metricCheck(check, 'g', PROM, 'shop', undefined).metric.templateRef).toEqual({ name: 'shop-analysis' });
  });

  test('a query Flagger would render as a Go template is refused', () => {
    const e = configError(() => metricCheck(check, 'gates.canary-25[0]', { ...PROM, query: 'x{a="{{b"}' }, 'shop', undefined));
    expect([e.field, e.expected]).toEqual(['gates.canary-25[0].query', expect.stringMatching(/engine flagger.*Go template/)]);
  });
});

describe('analysis timing from the gates', () => {
  const at = (gate: DeclaredGate, field = 'gates.canary-25[0]') => ({ field, gate });
  test('interval and threshold from the gates; the fallback without one', () => {
    expect(analysisTiming(check, [at({ ...PROM, count: 3, failureLimit: 2 }), at({ ...SMOKE, count: 3, failureLimit: 2 })], true, 60)).toEqual({ intervalSeconds: 30, threshold: 3, passes: 1 });
    expect(analysisTiming(check, [], true, 60)).toEqual({ intervalSeconds: 60, threshold: 1, passes: 1 });
    expect(analysisTiming(check, [at({ ...PROM, count: 5, failureLimit: 1 })], false, 60)).toEqual({ intervalSeconds: 30, threshold: 2, passes: 4 });
  });

  test.each([
    ['more than one passing measurement at a weight', [{ ...PROM, count: 5 }], true, 'count', /count - failureLimit = 1/],
    ['iterations that differ', [PROM, { ...PROM, count: 3, failureLimit: 0 }], false, 'count', /one Canary has one iterations/],
    ['failure limits that differ', [{ ...PROM, count: 2, failureLimit: 1 }, { ...PROM, count: 1, failureLimit: 0 }], true, 'failureLimit', /one threshold/],
    ['intervals that differ', [PROM, { ...PROM, intervalSeconds: 60 }], true, 'intervalSeconds', /one analysis interval/],
    ['an initial delay beyond the interval', [{ ...PROM, initialDelaySeconds: 31 }], true, 'initialDelaySeconds', /at most 30/],
  ])('%s is refused', (_, gates, weighted, field, why) => {
    const e = configError(() => analysisTiming(check, (gates as DeclaredGate[]).map((g, i) => at(g, `gates.canary-25[${i}]`)), weighted as boolean, 60));
    expect(e.field).toMatch(new RegExp(`^gates\\.canary-25\\[\\d\\]\\.${field}$`));
    expect(e.expected).toMatch(/engine flagger, feature analysis timing/);
    expect(e.expected).toMatch(why as RegExp);
  });
});

describe('gates as webhooks', () => {
  test('a job gate is refused, naming the engine and the feature', () => {
    const e = configError(() => refuseJobGate(check, 'gates.dark[0]', { ...PROM, kind: 'job', name: 'e2e' }));
    expect([e.field, e.value]).toEqual(['gates.dark[0]', 'e2e']);
    expect(e.expected).toMatch(/engine flagger, feature job gates/);
  });

  test('the loadtester in the release namespace, or given; none found without a namespace', () => {
    expect(loadtesterUrl(check, 'engine.loadtester', undefined, 'web')).toBe('http://flagger-loadtester.web/');
    expect(loadtesterUrl(check, 'engine.loadtester', 'http://lt.test:8080/', undefined)).toBe('http://lt.test:8080/');
    expect(configError(() => loadtesterUrl(check, 'engine.loadtester', undefined, undefined)).expected).toMatch(/engine flagger, feature loadtester webhooks/);
  });

  test('a given loadtester address is checked with the options, whether a webhook needs it or not', () => {
    const provider = Traffic.nginx();
    expect(resolveFlaggerOptions(check, 'engine', { provider, loadtesterUrl: 'https://lt.test/' }).loadtesterUrl).toBe('https://lt.test/');
    for (const bad of ['ftp://x/', 'lt.test', 'http://u:p@lt.test/', 'http://lt.test/?a=1', 'http://lt.test/#x']) {
      expect(configError(() => resolveFlaggerOptions(check, 'engine', { provider, loadtesterUrl: bad })).field).toBe('engine.loadtesterUrl');
    }
  });

  test('a blocking bash task of the loadtester, with the timeout of one request', () => {
    const hook = httpWebhook(SMOKE, 'pre-rollout', 'http://flagger-loadtester.web/', 'shop');
    expect(hook).toMatchObject({ name: 'smoke', type: 'pre-rollout', url: 'http://flagger-loadtester.web/', timeout: '8s', metadata: { type: 'bash' } });
    expect(hook.metadata!.cmd).toContain("EXPECT_BODY='it'\\''s up'");
  });

  test('shell quoting keeps every character', () => {
    for (const v of ["a'b", '$(rm -rf /)', '`x`', '"q"', 'back\\slash', '']) {
      expect(spawnSync('bash', ['-c', `printf %s ${shellQuote(v)}`]).stdout.toString()).toBe(v);
    }
  });

  (requireTools('the webhook command against a loopback HTTP server', ['bash', 'curl']) ? describe : describe.skip)('the command, run by bash as the loadtester runs it', () => {
    let server: http.Server;
    let port: number;
    let answer = { status: 200, body: "it's up" };
    beforeAll(async () => {
      server = http.createServer((_, res) => res.writeHead(answer.status).end(answer.body));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => server.close());
    const run = () => {
      const cmd = httpWebhook({ ...SMOKE, target: `http://127.0.0.1:${port}/health` }, 'rollout', 'http://lt/', 'shop').metadata!.cmd;
      // Asynchronous: the server answers from this process's event loop.
      return new Promise<{ status: number; stdout: string }>((resolve) =>
        execFile('bash', ['-c', cmd], { encoding: 'utf8', timeout: 20000 }, (err, stdout) => resolve({ status: err ? Number(err.code) : 0, stdout })),
      );
    };

    test('exits 0 on the expected status and body, 1 otherwise', async () => {
      answer = { status: 200, body: "yes, it's up" };
      expect((await run()).status).toBe(0);
      answer = { status: 503, body: "it's up" };
      const failed = await run();
      expect(failed.status).toBe(1);
      expect(failed.stdout).toMatch(/status 503, expected 200/);
      answer = { status: 200, body: 'down' };
      expect((await run()).status).toBe(1);
    });
  });
});
