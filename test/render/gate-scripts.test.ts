import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CanaryApp, CanaryStep, Gate } from '../../lib';
import { HTTP_GATE_SCRIPT, PROMETHEUS_GATE_SCRIPT } from '../../lib/render/gate-scripts';
import { find, phasesOf } from '../support/manifests';
import { freePort, imagePath, PrometheusServer, requireTools, runScript, startPrometheus } from '../support/gate-tools';

// The scripts run with BusyBox's sh and tools and curl, as in curlimages/curl (Alpine),
// against real servers on 127.0.0.1: Node's HTTP server, and Prometheus fed by promtool.
const canRunHttp = requireTools('the HTTP gate script against a loopback HTTP server', ['busybox', 'curl']);
const canRunPrometheus = requireTools('the Prometheus gate script against a real Prometheus', ['busybox', 'curl', 'prometheus', 'promtool', 'timeout']);

/** The container of the Job of `gate`, rendered by a CanaryApp in its phase. */
function gateContainer(gate: Gate, phase: string) {
  const app = new CanaryApp(Testing.app(), 'shop', {
    stableImage: 'acme/shop:1.0.0',
    canaryImage: 'acme/shop:1.1.0',
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    steps: [CanaryStep.replicas(1)],
    gates: { [phase]: [gate] },
  });
  const job = phasesOf(app).get(phase)!.find((d) => d.kind === 'Job')!;
  const container = job.spec.template.spec.containers[0];
  return { command: container.command as string[], env: Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])) as { [name: string]: string } };
}

let dir: string;
let bin: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-scripts-'));
  if (canRunHttp) bin = imagePath(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

(canRunHttp ? describe : describe.skip)('the HTTP gate, against a real HTTP server on loopback', () => {
  let server: http.Server;
  let port: number;
  /** What the server answers, request after request (the last one again once they run out). */
  let answers: Array<{ status: number; body: string }>;
  let requests: string[];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      const a = answers[Math.min(requests.length, answers.length) - 1];
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (requests = []));

  // The Job of the smoke test of a dark phase, pointed at the loopback server.
  const smoke = gateContainer(Gate.http({ path: '/version?full=1', expectBody: 'shop {{canaryVersion}}', count: 3, failureLimit: 2, intervalSeconds: 1 }), 'dark');
  const run = (env: { [name: string]: string } = {}, at = port) => runScript(bin, smoke.command[2], { ...smoke.env, URL: `http://127.0.0.1:${at}/version?full=1`, INTERVAL: '0', ...env });

  test('the Job runs the script with sh -c, with the URL of the preview Service and the canary version in the expected body', () => {
    expect(smoke.command).toEqual(['/bin/sh', '-c', HTTP_GATE_SCRIPT]);
    expect([smoke.env.URL, smoke.env.EXPECT_BODY, smoke.env.COUNT, smoke.env.FAILURE_LIMIT]).toEqual(['http://shop-canary:80/version?full=1', 'shop 1.1.0', '3', '2']);
  });

  test('passes at the first right answer: status 2xx and the expected text in the body', async () => {
    answers = [{ status: 200, body: 'shop 1.1.0 (build 7)' }];
    const r = await run();
    expect([r.code, requests]).toEqual([0, ['/version?full=1']]);
    expect(r.stdout).toContain('gate passed: 1 of 1 measurements succeeded (1 needed)');
  });

  test('tolerates failureLimit wrong answers while the canary starts, then passes', async () => {
    answers = [{ status: 503, body: 'starting' }, { status: 200, body: 'shop 1.0.0' }, { status: 200, body: 'shop 1.1.0' }];
    const r = await run();
    expect([r.code, requests.length]).toEqual([0, 3]);
    expect(r.stdout).toContain('measurement 1/3: failure: status 503, expected 2xx');
    expect(r.stdout).toContain('measurement 2/3: failure: status 200, the body lacks "shop 1.1.0": shop 1.0.0');
  });

  test('fails on a wrong body, and on a wrong status, once failures exceed failureLimit', async () => {
    answers = [{ status: 200, body: 'shop 1.0.0' }];
    const wrongBody = await run();
    expect([wrongBody.code, requests.length]).toEqual([1, 3]);
    expect(wrongBody.stderr).toContain('gate failed: 3 of 3 measurements failed, failureLimit is 2');
    requests = [];
    answers = [{ status: 500, body: 'shop 1.1.0' }];
    expect((await run({ FAILURE_LIMIT: '0' })).code).toBe(1);
    expect(requests.length).toBe(1);
  });

  test('expectStatus asks for one status exactly', async () => {
    answers = [{ status: 201, body: 'shop 1.1.0' }];
    expect((await run({ EXPECT_STATUS: '201' })).code).toBe(0);
    expect((await run({ EXPECT_STATUS: '200', FAILURE_LIMIT: '0' })).code).toBe(1);
  });

  test('takes the expected text literally, never as a pattern', async () => {
    answers = [{ status: 200, body: 'anything' }];
    expect((await run({ EXPECT_BODY: '*', FAILURE_LIMIT: '0' })).code).toBe(1);
    answers = [{ status: 200, body: 'a*b' }];
    expect((await run({ EXPECT_BODY: '*' })).code).toBe(0);
  });

  test('fails when nothing listens: no answer never passes', async () => {
    const closed = await freePort();
    const r = await run({}, closed);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('measurement 1/3: error: no answer from');
    expect(r.stderr).toContain('gate failed: 3 of 3 measurements failed');
  });

  test('fails when the server accepts but never answers within the timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const r = await run({ TIMEOUT: '1', COUNT: '1', FAILURE_LIMIT: '0' }, (silent.address() as net.AddressInfo).port);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/error: no answer from .*timed out/i);
    } finally {
      silent.close();
    }
  });
});

(canRunPrometheus ? describe : describe.skip)('the Prometheus gate, against a real Prometheus server', () => {
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    // The error ratio of each version over the last ten minutes, every 15 s.
    const samples = [];
    for (let ago = 600; ago >= 0; ago -= 15) {
      samples.push({ series: 'http_error_ratio{version="1.1.0"}', value: 0.004, secondsAgo: ago });
      samples.push({ series: 'http_error_ratio{version="1.2.0"}', value: ago > 300 ? 0.003 : 0.2, secondsAgo: ago });
    }
    prometheus = await startPrometheus('http_error_ratio', samples);
  }, 60000);
  afterAll(async () => prometheus?.stop());

  // The analysis of a canary step: the query names the canary version through a placeholder.
  const analysis = (canaryImage = 'acme/shop:1.1.0', condition: { successCondition?: string; threshold?: { min?: number; max?: number } } = { successCondition: 'result < 0.01' }) => {
    const gate = Gate.prometheus({ address: 'http://prometheus.monitoring:9090', query: 'max(http_error_ratio{version="{{canaryVersion}}"})', count: 3, failureLimit: 1, intervalSeconds: 1, ...condition });
    const app = new CanaryApp(Testing.app(), 'shop', { stableImage: 'acme/shop:1.0.0', canaryImage, gates: { 'canary-33': [gate] } });
    const job = find(phasesOf(app).get('canary-33')!, 'Job', `shop-analysis-canary-33-${canaryImage.split(':')[1].replace(/\./g, '-')}`);
    const c = job.spec.template.spec.containers[0];
    return { script: c.command[2] as string, env: Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value])) as { [name: string]: string } };
  };
  const run = (a: ReturnType<typeof analysis>, address = prometheus.address) => runScript(bin, a.script, { ...a.env, ADDRESS: address, INTERVAL: '0' });

  test('the Job runs the script with the query of the canary version and the condition as written', () => {
    const a = analysis();
    expect(a.script).toBe(PROMETHEUS_GATE_SCRIPT);
    expect([a.env.QUERY, a.env.CONDITION, a.env.AWK_CONDITION]).toEqual(['max(http_error_ratio{version="1.1.0"})', 'result < 0.01', '(result + 0) < 0.01']);
  });

  test('passes on a series that meets the condition', async () => {
    const r = await run(analysis());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('measurement 1/3: success: result 0.004 meets result < 0.01');
    expect(r.stdout).toContain('gate passed: 2 of 2 measurements succeeded (2 needed)');
  });

  test('fails on a series that does not (its recent samples went up to 0.2)', async () => {
    const r = await run(analysis('acme/shop:1.2.0'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('failure: result 0.2 does not meet result < 0.01');
    expect(r.stderr).toContain('gate failed: 2 of 2 measurements failed, failureLimit is 1');
  });

  test("a threshold (Flagger's range) is the same condition, evaluated by the server's numbers", async () => {
    expect((await run(analysis('acme/shop:1.1.0', { threshold: { min: 0, max: 0.01 } }))).code).toBe(0);
    expect((await run(analysis('acme/shop:1.1.0', { threshold: { min: 0.005 } }))).code).toBe(1);
  });

  test('fails when the query returns no series: no data never passes', async () => {
    const r = await run(analysis('acme/shop:9.9.9'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error: no data: the query returned no series');
  });

  test('fails when the server is down', async () => {
    const r = await run(analysis(), `http://127.0.0.1:${await freePort()}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error: no answer from http://127.0.0.1:');
  });

  test('fails when Prometheus refuses the query', async () => {
    const a = analysis();
    const r = await run({ ...a, env: { ...a.env, QUERY: 'max(http_error_ratio' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error: no answer from');
  });
});
