import * as fc from 'fast-check';
import { App } from 'cdk8s';
import { Gate, PhaseGates, PhasedRelease, ReleaseConfigError } from '../../../lib';
import { Case, InvalidClass, invalid } from '../support/spec';
import { any } from './primitives';

const PROMETHEUS = 'http://prometheus.monitoring:9090';

/** PromQL queries of the shapes users write, placeholders included. */
const query = fc.constantFrom(
  'sum(rate(http_requests_total{version="{{version}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{version="{{version}}"}[{{interval}}]))',
  'histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket{release="{{release}}"}[5m])))',
  'up{namespace="{{namespace}}", phase="{{phase}}"}',
  'vector(1) # the bracket in this comment does not count: (',
);

const timing = fc.record(
  { count: fc.integer({ min: 1, max: 30 }), intervalSeconds: fc.integer({ min: 1, max: 120 }), initialDelaySeconds: fc.integer({ min: 0, max: 300 }), timeoutSeconds: fc.integer({ min: 1, max: 30 }) },
  { requiredKeys: [] },
);
/** A failureLimit below the count (the count's default is 1 for http, 5 for prometheus). */
const withFailureLimit = <T extends { count?: number }>(t: T, kindCount: number) => fc.option(fc.integer({ min: 0, max: (t.count ?? kindCount) - 1 }), { nil: undefined }).map((failureLimit) => ({ ...t, failureLimit }));

/** A valid gate of any kind, named `name` when given (names must differ within a phase). */
function gate(name?: string): fc.Arbitrary<Gate> {
  const http = timing
    .chain((t) => withFailureLimit(t, 1))
    .chain((t) =>
      fc.record({ path: fc.constantFrom(undefined, '/', '/ready', '/version?full=1'), expectStatus: fc.constantFrom(undefined, 200, 204), expectBody: fc.constantFrom(undefined, 'ok', '{{version}}') }).map((o) => Gate.http({ ...t, ...o, name })),
    );
  const prometheus = timing
    .chain((t) => withFailureLimit(t, 5))
    .chain((t) =>
      fc
        .record({
          query,
          condition: fc.oneof(
            fc.constantFrom('result < 0.01', 'result >= 0.95 && result <= 1', 'result == 1 || result == 2', 'result != 0').map((successCondition) => ({ successCondition })),
            fc.record({ min: fc.constantFrom(undefined, 0, 0.5), max: fc.constantFrom(1, 10) }).map((threshold) => ({ threshold })),
          ),
        })
        .map(({ query: q, condition }) => Gate.prometheus({ ...t, address: PROMETHEUS, query: q, ...condition, name })),
    );
  const job = fc
    .record({ image: fc.constantFrom('acme/e2e:1.2.3', 'grafana/k6:0.50.0'), deadline: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }) })
    .map((o) => Gate.job({ image: o.image, command: ['/run', '--release={{release}}', '--versions={{version}}'], env: { PHASE: '{{phase}}' }, activeDeadlineSeconds: o.deadline, name }));
  return fc.oneof(http, prometheus, job);
}

/** Gates by phase: a few of the phases, one or two gates each. */
function gatesFor(phases: readonly string[]): fc.Arbitrary<PhaseGates> {
  return fc
    .subarray([...phases], { maxLength: Math.min(3, phases.length) })
    .chain((chosen) => fc.tuple(...chosen.map((p) => fc.oneof(gate().map((g) => [g]), fc.tuple(gate('g1'), gate('g2'))).map((gs) => [p, gs] as const))))
    .map((entries) => Object.fromEntries(entries));
}

/**
 * Valid inputs with gates on some of their phases. The phases are the construct's own
 * (built once to name them). A Job name longer than 63 characters (a long release name
 * with long versions) is refused, as its own invalid class says: such cases keep no gates.
 */
export function withValidGates<P extends { gates?: PhaseGates }>(valid: fc.Arbitrary<Case<P>>, build: (scope: App, c: Case<P>) => PhasedRelease): fc.Arbitrary<Case<P>> {
  return valid.chain((c) =>
    fc.option(gatesFor(build(new App(), c).phaseNames), { nil: undefined, freq: 2 }).map((gates) => {
      if (gates === undefined) return c;
      const gated = { id: c.id, props: { ...c.props, gates } };
      try {
        build(new App(), gated);
        return gated;
      } catch (e) {
        if (ReleaseConfigError.isReleaseConfigError(e) && e.expected.startsWith('a shorter gate name')) return c;
        throw e;
      }
    }),
  );
}

const as = <T>(x: unknown) => x as T;

/**
 * The invalid gates, on `phase` (a phase every valid input has) or on one that does not
 * exist; from valid inputs whose names leave room for a gate Job's name.
 */
export function gateInvalids<P>(valid: fc.Arbitrary<Case<P>>, build: (scope: App, c: Case<P>) => PhasedRelease, phase: string): InvalidClass<P>[] {
  const fits = valid.filter((c) => {
    try {
      build(new App(), { id: c.id, props: { ...c.props, gates: { [phase]: [Gate.job({ name: 'analysis', image: 'acme/x:1', command: ['x'] })] } } });
      return true;
    } catch {
      return false;
    }
  });
  const make = (title: string, field: string, expected: RegExp, patch: (p: P) => fc.Arbitrary<Partial<P>> | Partial<P>) => invalid(fits, title, field, expected, patch);
  const on = (g: unknown): Partial<P> => as<Partial<P>>({ gates: { [phase]: [g] } });
  const at = `gates.${phase}[0]`;
  const prometheus = (o: object) => Gate.prometheus({ address: PROMETHEUS, query: 'up', successCondition: 'result == 1', ...o });
  return [
    make('gate on a phase that does not exist', 'gates.no-such-phase', /the name of a phase of the release/, () => as<Partial<P>>({ gates: { 'no-such-phase': [Gate.http()] } })),
    make('gate not made with Gate.http, Gate.prometheus or Gate.job', at, /a gate made with Gate.http\(\), Gate.prometheus\(\) or Gate.job\(\)/, () => any({ path: '/' }, 'http', null).map(on)),
    make('PromQL query empty or unbalanced', `${at}.query`, /a non-empty PromQL query|a query with balanced brackets|string literal/, () => any('', '  ', 'sum(rate(x[5m])', 'x{a="b"]', 'sum(x))', 'x{a="b}').map((q) => on(prometheus({ query: q })))),
    make('gate count not an integer from 1 to 1000', `${at}.count`, /an integer from 1 to 1000/, () => any(0, -1, 1.5, '3', 1001).map((count) => on(Gate.http({ count })))),
    make('gate interval not an integer from 1 to 3600', `${at}.intervalSeconds`, /an integer from 1 to 3600/, () => any(0, -5, 0.5, 3601).map((intervalSeconds) => on(prometheus({ intervalSeconds })))),
    make('failureLimit not below count', `${at}.failureLimit`, /an integer from 0 to/, () => fc.integer({ min: 1, max: 20 }).map((count) => on(Gate.http({ count, failureLimit: count })))),
    make('HTTP gate on a port its Service lacks', `${at}.port`, /a port of the Service/, () => on(Gate.http({ port: 'no-such-port' }))),
    make('HTTP gate on a Service the phase lacks', `${at}.service`, /a Service of phase/, () => on(Gate.http({ service: 'no-such-service' }))),
    make('success condition that cannot be parsed', `${at}.successCondition`, /comparisons of result with numbers|either a successCondition/, () =>
      any('result[0] < 1', 'result < x', 'result <', '1 < result', 'result < 1; system("id")', '', undefined).map((successCondition) => on(prometheus({ successCondition })))),
    make('unknown placeholder', `${at}.query`, /placeholders among/, () => on(prometheus({ query: 'up{v="{{canary}}"}' }))),
    make('Prometheus address not an http(s) URL', `${at}.address`, /the http\(s\) address of a Prometheus server/, () => any('prometheus:9090', 'ftp://p', 'http://p:9090/?x=1', '', 5).map((address) => on(prometheus({ address })))),
    make('custom Job image not pinned', `${at}.image`, /pinned by a tag or a digest|other than "latest"|an image reference/, () => any('acme/e2e', 'acme/e2e:latest', '').map((image) => on(Gate.job({ image, command: ['run'] })))),
  ];
}
