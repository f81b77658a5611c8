import { k8s } from './k8s';
import { Checks, isWellFormed, keysOf, orDefault } from '../model/checks';
import { Limits } from '../model/limits';
import { parseImage } from '../model/image';
import { SMOKE_TEST_GATE } from '../model/stage-plan';
import { ResourceOptions } from './container-options';
import { Gate } from './gate';
import { resolveResources } from './pod-blueprint';

/**
 * The smoke test: a gate of each smoke phase (an HTTP gate, see Gate.http) that
 * requests the smoke frontend until its answer contains the expected text, or fails.
 * A pipeline waits for it with `cdk8s-canary gate dist/<release>/<phase>`.
 *
 * Its Job is named after the phase and the versions it tests
 * (`smoke-test-smoke-frontend-v2-backend-v2`): a phase testing other versions creates a
 * new Job, since a Job's template is immutable and a completed Job never runs again.
 * To repeat a test, delete its Job and apply the phase again.
 */
export interface SmokeTestOptions {
  /** Path requested on the smoke frontend's Service. @default '/' */
  readonly path?: string;
  /**
   * Text the answer must contain. `{frontend}`, `{frontendVersion}`, `{backend}` and
   * `{backendVersion}` are replaced by the tier names and the versions under test.
   * @default '{frontend}:{frontendVersion} - {backend}:{backendVersion}' (the seed's answer, e.g. `frontend:v2 - backend:v2`)
   */
  readonly expect?: string;
  /**
   * Image providing `curl` and a POSIX `sh`, pinned by tag or digest.
   * @default 'curlimages/curl:8.11.1'
   */
  readonly image?: string;
  /**
   * User the test runs as. The default image's user is a name (`curl_user`), which
   * the kubelet cannot check against `runAsNonRoot`, so a numeric one is set.
   * @default 100
   */
  readonly runAsUser?: number;
  /** Requests made before the test fails: the first ones may reach pods still starting. @default 24 */
  readonly attempts?: number;
  /** Seconds between two requests. @default 5 */
  readonly intervalSeconds?: number;
  /** Seconds one request may take. @default 5 */
  readonly requestTimeoutSeconds?: number;
  /** Pods retried after a failed one (the test itself already retries its requests). @default 0 */
  readonly backoffLimit?: number;
  /**
   * Seconds after which the Job fails, whatever its retries; at least
   * attempts × (intervalSeconds + requestTimeoutSeconds) so that every attempt can run.
   * @default - attempts × (intervalSeconds + requestTimeoutSeconds) + 60 (300 with the defaults)
   */
  readonly activeDeadlineSeconds?: number;
  /** @default { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } */
  readonly resources?: ResourceOptions;
}

/** Smoke-test settings after defaults and validation. */
export interface ResolvedSmokeTest {
  /** Path requested on the smoke frontend's Service. */
  readonly path: string;
  /** Text the answer must contain. */
  readonly expect: string;
  /** Image of the Job that makes the requests. */
  readonly image: string;
  /** User the Job runs as (not root). */
  readonly runAsUser: number;
  /** Requests made before the test fails. */
  readonly attempts: number;
  /** Seconds between two requests. */
  readonly intervalSeconds: number;
  /** Seconds one request may take. */
  readonly requestTimeoutSeconds: number;
  /** Pods retried after a failed one. */
  readonly backoffLimit: number;
  /** Seconds after which the Job fails, however many attempts are left. */
  readonly activeDeadlineSeconds: number;
  /** Requests and limits of the Job container. */
  readonly resources: k8s.ResourceRequirements;
}

const DEFAULT_EXPECT = '{frontend}:{frontendVersion} - {backend}:{backendVersion}';
const PLACEHOLDERS = ['frontend', 'frontendVersion', 'backend', 'backendVersion'] as const;
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const OPTION_KEYS = keysOf<SmokeTestOptions>({
  path: true,
  expect: true,
  image: true,
  runAsUser: true,
  attempts: true,
  intervalSeconds: true,
  requestTimeoutSeconds: true,
  backoffLimit: true,
  activeDeadlineSeconds: true,
  resources: true,
});
/** Bounds that keep a test's worst case within a day; more is certainly a typo. */
const MAX_ATTEMPTS = 1000;

export function resolveSmokeTest(check: Checks, field: string, given?: SmokeTestOptions): ResolvedSmokeTest {
  const o: SmokeTestOptions = given === undefined ? {} : check.object(field, given, "an object of SmokeTestOptions such as { path: '/version' } ({} for the defaults)");
  check.knownKeys(field, o, OPTION_KEYS, 'SmokeTestOptions');
  const path = orDefault(o.path, '/');
  if (typeof path !== 'string' || !URL_PATH.test(path)) check.fail(`${field}.path`, path, "an absolute URL path such as '/' or '/version'");
  const expect = orDefault(o.expect, DEFAULT_EXPECT);
  if (typeof expect !== 'string' || expect.trim() === '' || !isWellFormed(expect)) check.fail(`${field}.expect`, expect, 'a non-empty text of well-formed Unicode the answer must contain');
  for (const [, name] of expect.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) check.fail(`${field}.expect`, expect, `placeholders among ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} (not {${name}})`);
  }
  const image = parseImage(check, `${field}.image`, orDefault(o.image, 'curlimages/curl:8.11.1')).reference;
  const attempts = check.integer(`${field}.attempts`, orDefault(o.attempts, 24), 1, MAX_ATTEMPTS);
  const intervalSeconds = check.integer(`${field}.intervalSeconds`, orDefault(o.intervalSeconds, 5), 1, Limits.MAX_SECONDS);
  const requestTimeoutSeconds = check.integer(`${field}.requestTimeoutSeconds`, orDefault(o.requestTimeoutSeconds, 5), 1, Limits.MAX_SECONDS);
  const needed = attempts * (intervalSeconds + requestTimeoutSeconds);
  // The deadline of every gate: the attempts, and a minute to schedule the pod and pull its image.
  const activeDeadlineSeconds = check.integer(`${field}.activeDeadlineSeconds`, orDefault(o.activeDeadlineSeconds, needed + 60), needed);
  return {
    path,
    expect,
    image,
    runAsUser: check.integer(`${field}.runAsUser`, orDefault(o.runAsUser, 100), 1),
    attempts,
    intervalSeconds,
    requestTimeoutSeconds,
    backoffLimit: check.integer(`${field}.backoffLimit`, orDefault(o.backoffLimit, 0), 0, 100),
    activeDeadlineSeconds,
    resources: resolveResources(check, `${field}.resources`, o.resources, { requests: { cpu: '10m', memory: '16Mi' }, memoryLimit: '32Mi' }),
  };
}

/** The expected text for the versions under test. */
export function expectedAnswer(test: ResolvedSmokeTest, values: { [K in (typeof PLACEHOLDERS)[number]]: string }): string {
  return test.expect.replace(/\{([^}]*)\}/g, (_, name: (typeof PLACEHOLDERS)[number]) => values[name]);
}

/**
 * The smoke test as the gate of one phase: an HTTP gate of the smoke frontend's
 * Service that passes at the first answer holding the expected text, out of
 * `attempts` requests (count = attempts, failureLimit = attempts - 1).
 */
export function smokeTestGate(test: ResolvedSmokeTest, service: string, expect: string): Gate {
  return Gate.http({
    name: SMOKE_TEST_GATE,
    service,
    path: test.path,
    expectBody: expect,
    count: test.attempts,
    failureLimit: test.attempts - 1,
    intervalSeconds: test.intervalSeconds,
    timeoutSeconds: test.requestTimeoutSeconds,
    image: test.image,
    runAsUser: test.runAsUser,
  });
}
