import { Checks } from '../../../lib/model/checks';
import { DeclaredGate } from '../../../lib/model/release';
import { Match } from '../../../lib';
import { buildAnalysis, FlaggerAnalysisInput, FlaggerStep } from '../../../lib/engine/flagger/analysis';
import { abMatch } from '../../../lib/engine/flagger/match';
import { configError } from '../../support/errors';

const check = new Checks('shop');
const PROM: DeclaredGate = {
  name: 'analysis', job: 'j', kind: 'prometheus', versions: '1.1.0', target: 'http://prom:9090', count: 2, intervalSeconds: 30,
  initialDelaySeconds: 0, failureLimit: 1, timeoutSeconds: 10, activeDeadlineSeconds: 100, query: 'sum(x)', successCondition: 'result <= 1',
};
const SMOKE: DeclaredGate = { ...PROM, name: 'smoke', kind: 'http', target: 'http://shop-canary:80/', query: undefined, successCondition: undefined, count: 2, failureLimit: 1 };
const step = (name: string, weight: number, gates: DeclaredGate[] = [], conditions?: FlaggerStep['conditions']): FlaggerStep => ({
  name, field: `steps.${name}`, weight, conditions, gates: gates.map((gate, i) => ({ field: `gates.${name}[${i}]`, gate: { ...gate, job: `${gate.name}-${name}` } })),
});
const input = (over: Partial<FlaggerAnalysisInput>): FlaggerAnalysisInput => ({
  app: 'shop', release: 'shop', namespace: 'web', provider: 'istio', before: [], steps: [step('canary-10', 10)], optionsField: 'engine', loadtester: () => 'http://flagger-loadtester.web/', defaultInterval: 60, ...over,
});
const m = (x: Match) => x._resolve(check, 'm');

describe('the analysis of a Canary', () => {
  test('weights as stepWeights; the same gates at each weight as metrics and rollout webhooks; dark gates as pre-rollout webhooks', () => {
    const { analysis, templates } = buildAnalysis(check, input({
      before: [{ field: 'gates.dark[0]', gate: SMOKE }, { field: 'gates.dark[1]', gate: { ...PROM, name: 'warm' } }],
      steps: [step('canary-10', 10, [PROM, SMOKE]), step('canary-50', 50, [PROM, SMOKE])],
    }));
    expect(analysis).toMatchObject({ interval: '30s', threshold: 2, stepWeights: [10, 50], metrics: [{ name: 'analysis', templateRef: { name: 'shop-analysis', namespace: 'web' }, thresholdRange: { max: 1 } }] });
    expect(analysis.webhooks!.map((w) => [w.name, w.type, w.metadata!.type])).toEqual([['smoke', 'pre-rollout', 'bash'], ['warm', 'pre-rollout', 'bash'], ['smoke', 'rollout', 'bash']]);
    expect(analysis.webhooks![1].metadata!.cmd).toContain("AWK_CONDITION='(result + 0) <= 1'");
    expect(templates).toEqual([{ name: 'shop-analysis', spec: { provider: { type: 'prometheus', address: 'http://prom:9090' }, query: 'sum(x)' } }]);
    expect(analysis).not.toHaveProperty('iterations');
  });

  test('no gate: the default interval, one failed check rolls back, no metrics or webhooks', () => {
    expect(buildAnalysis(check, input({})).analysis).toEqual({ interval: '60s', threshold: 1, stepWeights: [10] });
  });

  test('an A/B step: match and iterations (passes a gate needs), no weights', () => {
    const gate = { ...PROM, count: 3, failureLimit: 1 };
    const { analysis } = buildAnalysis(check, input({ steps: [step('insiders', 0, [gate], [m(Match.header('x-canary', 'insider'))])] }));
    expect(analysis).toMatchObject({ iterations: 2, threshold: 2, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] });
    expect(analysis).not.toHaveProperty('stepWeights');
  });

  test.each([
    ['a share that is not a whole percent', [step('canary-33', 100 / 3)], 'steps.canary-33', /integer percents, and 33.333% is not one/],
    ['shares that do not grow', [step('a', 50), step('b', 50)], 'steps.b', /above the step before/],
    ['steps with different gates', [step('a', 10, [PROM]), step('b', 50)], 'steps.b', /the gates of a \(analysis\).*per-step analysis/],
    ['an A/B step beside weights', [step('ab', 0, [], [m(Match.header('x', 'y'))]), step('w', 20)], 'steps.w', /A\/B testing/],
    ['an A/B step with a share', [step('ab', 10, [], [m(Match.header('x', 'y'))])], 'steps.ab', /A\/B testing/],
  ])('%s is refused, naming the engine', (_, steps, field, why) => {
    const e = configError(() => buildAnalysis(check, input({ steps })));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(/engine flagger/)]);
    expect(e.expected).toMatch(why);
  });

  test('a job gate is refused', () => {
    const e = configError(() => buildAnalysis(check, input({ before: [{ field: 'gates.dark[0]', gate: { ...PROM, kind: 'job', name: 'e2e' } }] })));
    expect([e.field, e.expected]).toEqual(['gates.dark[0]', expect.stringMatching(/feature job gates/)]);
  });
});

describe('A/B conditions per provider', () => {
  test('Istio takes exact, prefix and regex; the Gateway API exact and anchored regex', () => {
    const conditions = [m(Match.header('x-a', 'v')), m(Match.headerPrefix('x-b', 'p')), m(Match.userAgentRegex('.*Chrome.*'))];
    expect(abMatch(check, 'f', 'istio', conditions)).toEqual([{ headers: { 'x-a': { exact: 'v' }, 'x-b': { prefix: 'p' }, 'user-agent': { regex: '.*Chrome.*' } } }]);
    expect(abMatch(check, 'f', 'gatewayapi:v1', conditions)).toEqual([{ headers: { 'x-a': { exact: 'v' }, 'x-b': { regex: '^p.*$' }, 'user-agent': { regex: '^(?:.*Chrome.*)$' } } }]);
  });

  test('ingress-nginx: one header, or a cookie by name with the value always', () => {
    expect(abMatch(check, 'f', 'nginx', [m(Match.cookie('canary', 'always'))])).toEqual([{ headers: { cookie: { exact: 'canary' } } }]);
    expect(abMatch(check, 'f', 'nginx', [m(Match.header('x-canary', 'on'))])).toEqual([{ headers: { 'x-canary': { exact: 'on' } } }]);
    expect(configError(() => abMatch(check, 'f', 'nginx', [m(Match.cookie('canary', 'yes'))])).expected).toMatch(/"always"/);
    expect(configError(() => abMatch(check, 'f', 'nginx', [m(Match.header('a', 'b')), m(Match.header('c', 'd'))])).expected).toMatch(/a single condition/);
    expect(configError(() => abMatch(check, 'f', 'nginx', [m(Match.cookieRegex('.*x.*'))])).expected).toMatch(/by its name only/);
  });

  test('without a router there is no A/B test', () => {
    expect(configError(() => abMatch(check, 'f', 'kubernetes', [m(Match.header('a', 'b'))])).expected).toMatch(/kubernetes provider/);
  });
});
