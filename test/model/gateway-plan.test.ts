import { Match, planGateway, Release } from '../../lib';
import { Checks } from '../../lib/model/checks';

const versions = [
  { version: 'v1', slug: 'v1', replicas: 2 },
  { version: 'v2', slug: 'v2', replicas: 2 },
  { version: 'v3', slug: 'v3', replicas: 1 },
];
const plan = (...phases: ReturnType<typeof Release.to>[]) => planGateway(new Checks('shop'), versions, phases);

test('names and descriptions are derived from the routes unless given', () => {
  const p = plan(
    Release.to('v1').withDark('v2'),
    Release.split({ v1: 90, v2: 10 }),
    Release.to('v1').when([Match.cookieRegex('.*logged_in.*'), Match.header('x-beta', 'on')], 'v2').when(Match.cookie('canary', 'always'), 'v2'),
    Release.to('v1').withDark('v2').named('cleanup').describedAs('back to v1 only'),
  );
  expect(p.phases.map((x) => [x.name, x.description])).toEqual([
    ['v1-dark-v2', 'all requests go to v1; v2 deployed without requests'],
    ['split-90-10', 'requests are split v1 90%, v2 10%'],
    ['v1-when-v2', 'requests with cookie ~ .*logged_in.* and x-beta = on go to v2; requests with cookie canary=always go to v2; the other requests go to v1'],
    ['cleanup', 'back to v1 only'],
  ]);
});

test('a phase deploys what it routes to and what it keeps dark, in the order of the versions, with its own replicas', () => {
  const p = plan(Release.to('v2').withDark('v3', 'v1').withReplicas({ v3: 4 }));
  expect(p.phases[0].deployed).toEqual([
    { version: 'v1', slug: 'v1', replicas: 2 },
    { version: 'v2', slug: 'v2', replicas: 2 },
    { version: 'v3', slug: 'v3', replicas: 4 },
  ]);
  expect(p.phases[0].weights.map((w) => [w.version, w.weight])).toEqual([['v1', 0], ['v2', 100], ['v3', 0]]);
});

test('a version drains in the phase after the last one that sent it requests', () => {
  const p = plan(Release.to('v1').withDark('v2', 'v3'), Release.split({ v1: 50, v2: 50 }).withDark('v3'), Release.to('v2').withDark('v1', 'v3'), Release.to('v2').withDark('v3'));
  expect(p.phases.map((x) => x.draining)).toEqual([[], [], ['v1'], []]);
});

test('transitions: every next phase, and back one phase (the checks between two phases hold both ways)', () => {
  const p = plan(Release.to('v1'), Release.to('v1').withDark('v2'), Release.split({ v1: 50, v2: 50 }), Release.to('v2').withDark('v1'), Release.to('v2').named('v2-only'));
  expect(p.transitions).toEqual([
    ['v1', 'v1-dark-v2'],
    ['v1-dark-v2', 'split-50-50'],
    ['split-50-50', 'v2-dark-v1'],
    ['v2-dark-v1', 'v2-only'],
    ['v1-dark-v2', 'v1'],
    ['split-50-50', 'v1-dark-v2'],
    ['v2-dark-v1', 'split-50-50'],
    ['v2-only', 'v2-dark-v1'],
  ]);
});

test('a cookie condition matches the cookie anywhere in the header and nothing else', () => {
  const m = Match.cookie('logged_in', 'yes')._resolve(new Checks('shop'), 'c');
  const re = new RegExp(`^(?:${m.value})$`);
  expect(['logged_in=yes', 'a=b; logged_in=yes', 'logged_in=yes;theme=dark'].map((c) => re.test(c))).toEqual([true, true, true]);
  expect(['logged_in=no', 'not_logged_in=yes', 'logged_in=yess'].map((c) => re.test(c))).toEqual([false, false, false]);
});
