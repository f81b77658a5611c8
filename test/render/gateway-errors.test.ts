import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Gateway, GatewayPhase, GatewayProps, Match, Release, Traffic } from '../../lib';
import { configError, shop } from '../support/gateway-fixture';

const istio = Traffic.istio();
const V = { v1: { image: 'acme/front-end:0.5.0', replicas: 1 }, v2: { image: 'acme/front-end:0.6.0', replicas: 1 } };

function gateway(props: Partial<GatewayProps>): Gateway {
  return new Gateway(Testing.app(), 'shop', { name: 'front-end', provider: istio, versions: V, phases: [Release.to('v1')], ...props });
}

/** [field, stable part of the message] of the error; the path always names the Gateway. */
function refused(build: () => unknown): [string, string] {
  const e = configError(build);
  expect(e.path).toBe('shop');
  expect(e.message.startsWith(`shop: ${e.field}: `)).toBe(true);
  return [e.field, e.message];
}

const third = (last: GatewayPhase, provider = istio) => () => shop(provider, last);

describe('Gateway bad input: one ReleaseConfigError naming the Gateway, the field (the route) and what would do', () => {
  test.each<[string, () => unknown, string, string]>([
    ['negative weight', third(Release.split({ v1: 110, v2: -10 })), 'phases[2].weights.v2', '-10 is invalid; expected an integer ≥ 0'],
    ['weight not an integer', third(Release.split({ v1: 50.5, v2: 49.5 })), 'phases[2].weights.v1', '50.5 is invalid; expected an integer ≥ 0'],
    ['weights not summing to 100 (Istio)', third(Release.split({ v1: 50, v2: 40 })), 'phases[2].weights', 'expected weights that sum to 100 (these sum to 90)'],
    ['weights not summing to 100 (nginx)', third(Release.split({ v1: 50, v2: 60 }), Traffic.nginx()), 'phases[2].weights', 'the nginx provider takes them as percentages'],
    ['weights all zero', third(Release.split({ v1: 0, v2: 0 })), 'phases[2].weights', 'weights with a positive sum'],
    ['no weights', third(Release.split({})), 'phases[2].weights', 'weights by version'],
    ['weight for an undeclared version', third(Release.split({ v1: 50, v3: 50 })), 'phases[2].weights.v3', 'a version declared in versions ("v1", "v2")'],
    ['condition route to an undeclared version', third(Release.to('v1').when(Match.header('x-a', '1'), 'v3')), 'phases[2].when[0].version', 'a version declared in versions'],
    ['dark version undeclared', third(Release.to('v1').withDark('v3')), 'phases[2].dark[0]', 'a version declared in versions'],
    ['empty regex', third(Release.to('v1').when(Match.cookieRegex(''), 'v2')), 'phases[2].when[0].conditions[0].value', 'a non-empty regular expression'],
    ['regex that does not compile', third(Release.to('v1').when(Match.userAgentRegex('(Chrome'), 'v2')), 'phases[2].when[0].conditions[0].value', 'a regular expression that compiles'],
    ['regex RE2 refuses', third(Release.to('v1').when(Match.userAgentRegex('(?!.*Chrome).*'), 'v2')), 'phases[2].when[0].conditions[0].value', 'without look-around'],
    ['back-reference', third(Release.to('v1').when(Match.headerRegex('x-a', '(a)\\1'), 'v2')), 'phases[2].when[0].conditions[0].value', 'without back-references'],
    ['regex JavaScript and RE2 read differently', third(Release.to('v1').when(Match.userAgentRegex('.*[^]Chrome.*'), 'v2')), 'phases[2].when[0].conditions[0].value', 'without the empty classes [] and [^]'],
    ['regex with a class a router reads differently, inside a class', third(Release.to('v1').when(Match.headerRegex('x-a', '[^[:space:]]+'), 'v2')), 'phases[2].when[0].conditions[0].value', 'without POSIX classes'],
    ['empty exact value', third(Release.to('v1').when(Match.header('accept', ''), 'v2')), 'phases[2].when[0].conditions[0].value', 'a non-empty value'],
    ['header name with a space', third(Release.to('v1').when(Match.header('x a', '1'), 'v2')), 'phases[2].when[0].conditions[0].header', 'an HTTP header name'],
    ['bad cookie name', third(Release.to('v1').when(Match.cookie('a;b', 'always'), 'v2')), 'phases[2].when[0].conditions[0].cookie', 'a cookie name'],
    ['route without conditions', third(Release.to('v1').when([], 'v2')), 'phases[2].when[0].conditions', 'at least one condition'],
    ['the same header twice in a route', third(Release.to('v1').when([Match.header('x-a', '1'), Match.headerPrefix('X-A', '2')], 'v2')), 'phases[2].when[0].conditions headers[1]', 'a value not used earlier'],
    ['condition on the service provider', third(Release.to('v1').when(Match.header('x-a', '1'), 'v2'), Traffic.service()), 'phases[2].when[0]', 'Traffic.istio(), Traffic.gatewayApi() and Traffic.nginx() can'],
    ['more versions than nginx supports', () => gateway({ provider: Traffic.nginx(), versions: { ...V, v3: { image: 'acme/front-end:0.7.0' } }, phases: [Release.split({ v1: 40, v2: 30, v3: 30 })] }), 'phases[0]', 'at most 2 versions'],
    ['dark version that is also routed', third(Release.split({ v1: 50, v2: 50 }).withDark('v2')), 'phases[2].dark[0]', 'a version that receives no request in this phase'],
    ['phase name used twice', third(Release.to('v1')), 'phases[2].name', 'a phase name not used by an earlier phase'],
    ['phase name not a DNS label', third(Release.to('v1').named('Phase 3')), 'phases[2].name', 'a DNS-1123 label'],
    ['replicas for a version the phase does not deploy', third(Release.to('v1').withReplicas({ v2: 2 })), 'phases[2].replicas.v2', 'a version this phase deploys ("v1")'],
    ['zero replicas', third(Release.to('v1').withDark('v2').withReplicas({ v2: 0 }).named('zero')), 'phases[2].replicas.v2', 'an integer from 1 to 10000'],
  ])('%s', (_, build, field, message) => {
    const [f, m] = refused(build);
    expect(f).toBe(field);
    expect(m).toContain(message);
  });

  test('regexes both engines read alike are accepted: escaped, or inside a class where they mean the same', () => {
    const alike = ['\\[\\]', '\\\\p', '[a[]+', '[:alpha:]+', '[^\\]]+', '(?:beta|canary)', 'x\\x41', '\\(?=x', '[(?=]+', '\\\\1', '\\\\u'];
    for (const r of alike) {
      expect(() => shop(istio, Release.to('v1').when(Match.headerRegex('x-a', r), 'v2'))).not.toThrow();
    }
  });

  test('a version released before it ran dark in the phase before', () => {
    const [field, message] = refused(() => gateway({ phases: [Release.to('v1'), Release.split({ v1: 90, v2: 10 })] }));
    expect(field).toBe('phases[1].weights.v2');
    expect(message).toContain('"v2" is invalid; expected a version that the phase before ("v1") already deploys, so that its pods are ready before requests reach them: deploy it dark in "v1" first (.withDark("v2"))');
    expect(refused(() => gateway({ phases: [Release.to('v1'), Release.to('v1').when(Match.cookieRegex('.*x.*'), 'v2')] }))[0]).toBe('phases[1].when[0]');
  });

  test('a version removed while the phase before still sent it requests', () => {
    const [field, message] = refused(() => gateway({ phases: [Release.to('v1').withDark('v2'), Release.split({ v1: 50, v2: 50 }), Release.to('v2')] }));
    expect(field).toBe('phases[2]');
    expect(message).toContain('"v1" is invalid; expected a phase that keeps "v1" deployed, since "split-50-50" sends it requests');
  });

  test('two versions with the same object name, or the same image', () => {
    const [field, message] = refused(() => gateway({ versions: { '1.0.3': { image: 'acme/p:1.0.3' }, '1-0-3': { image: 'acme/p:1-0-3' } }, phases: [Release.to('1.0.3')] }));
    expect(field).toBe('versions.1-0-3');
    expect(message).toContain('both would be front-end-1-0-3');
    expect(refused(() => gateway({ versions: { v1: { image: 'acme/p:1' }, v2: { image: 'acme/p:1' } } }))).toEqual(['versions.v2.image', expect.stringContaining('an image other than that of version "v1"')]);
  });

  test('versions and phases that are missing or not what they should be', () => {
    expect(refused(() => gateway({ versions: {} }))[0]).toBe('versions');
    expect(refused(() => gateway({ phases: [] }))[0]).toBe('phases');
    expect(refused(() => gateway({ phases: [{ weights: { v1: 100 } } as unknown as GatewayPhase] }))[0]).toBe('phases[0]');
    expect(refused(() => gateway({ versions: { 'v 1': { image: 'acme/p:1' } } }))[0]).toBe('versions key');
    expect(refused(() => gateway({ versions: { v1: { image: 'acme/p:latest' } } }))[0]).toBe('versions.v1.image');
    expect(refused(() => gateway({ versions: { ...V, v2: { image: 'acme/p:2', ports: [{ name: 'web', containerPort: 80 }] } } }))[0]).toBe('versions.v2.ports[0].name');
  });

  test('minAvailable above the pods that receive requests in some phase', () => {
    expect(refused(() => gateway({ minAvailable: 2 }))).toEqual(['minAvailable', expect.stringContaining('at most 1, the pods that receive requests in phase "v1"')]);
  });
});

test('a bad Gateway in a main.ts: one line naming it and the route, exit 1, nothing written', () => {
  const repo = path.resolve(__dirname, '../..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'main.ts'),
      `import { Gateway, Match, Release, Traffic, runApp } from ${JSON.stringify(path.join(repo, 'lib'))};\n` +
        `runApp((app) => new Gateway(app, 'shop', { provider: Traffic.service(),\n` +
        `  versions: { v1: { image: 'acme/shop:1' }, v2: { image: 'acme/shop:2' } },\n` +
        `  phases: [Release.to('v1').withDark('v2'), Release.to('v1').when(Match.userAgentRegex('.*Chrome.*'), 'v2')] }));\n`,
    );
    // Through the runner of `npm run synth`.
    const res = spawnSync(process.execPath, [path.join(repo, 'tools/run.js'), 'main.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      'error: shop: phases[1].when[0]: "user-agent ~ .*Chrome.*" is invalid; expected a phase without conditions: ' +
        'the service provider cannot route by request content (Traffic.istio(), Traffic.gatewayApi() and Traffic.nginx() can)\n',
    );
    expect(fs.readdirSync(dir)).toEqual(['main.ts']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
