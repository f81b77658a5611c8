import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { Checks, isWellFormed, keysOf, orDefault } from '../model/checks';
import { Limits } from '../model/limits';
import { parseImage } from '../model/image';
import { ResourceOptions } from './container-options';

/** The name label of the smoke-test Job's pod: no tier may take it, or its smoke Service would select that pod. */
export const SMOKE_TEST_NAME = 'smoke-test';
import { resolveResources } from './pod-blueprint';

/**
 * The smoke test: a Job that requests the smoke frontend until its answer contains
 * the expected text, or fails. A pipeline gates the next phase on it with
 * `kubectl wait --for=condition=complete job/<name> --timeout=<activeDeadlineSeconds>s`
 * (`--for=condition=failed` tells a failure apart sooner).
 *
 * The Job is named after the versions it tests (`smoke-test-frontend-v2-backend-v2`):
 * a phase testing other versions creates a new Job, since a Job's template is
 * immutable and a completed Job never runs again. To repeat a test, delete its Job
 * (`kubectl delete job -l app.kubernetes.io/instance=<release>,app.kubernetes.io/name=smoke-test`)
 * and apply the phase again. `ttlSecondsAfterFinished` is left unset: the finished
 * Job stays for `kubectl wait` and its logs, and the next phase's `apply --prune`
 * removes it.
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
   * @default 300
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
  const intervalSeconds = check.integer(`${field}.intervalSeconds`, orDefault(o.intervalSeconds, 5), 0, Limits.MAX_SECONDS);
  const requestTimeoutSeconds = check.integer(`${field}.requestTimeoutSeconds`, orDefault(o.requestTimeoutSeconds, 5), 1, Limits.MAX_SECONDS);
  const needed = attempts * (intervalSeconds + requestTimeoutSeconds);
  const activeDeadlineSeconds = check.integer(`${field}.activeDeadlineSeconds`, orDefault(o.activeDeadlineSeconds, Math.max(300, needed)), needed);
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

export interface SmokeTestJobInput {
  /** Name of the Job. */
  readonly name: string;
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** Labels of the Job and its pod. */
  readonly labels: { [key: string]: string };
  /** The address requested, e.g. `http://frontend-smoke:80/`. */
  readonly url: string;
  /** The text the answer must contain. */
  readonly expect: string;
}

// Retries until an answer contains $EXPECT. Values arrive as variables and are always
// quoted, so no answer or setting is ever parsed by the shell.
const SCRIPT = [
  'i=0',
  'while [ "$i" -lt "$ATTEMPTS" ]; do',
  '  i=$((i + 1))',
  '  if answer="$(curl --fail --silent --show-error --max-time "$TIMEOUT" "$URL")"; then',
  '    case "$answer" in *"$EXPECT"*) echo "passed: $answer"; exit 0 ;; esac',
  '    echo "attempt $i: the answer lacks \\"$EXPECT\\": $answer" >&2',
  '  fi',
  '  if [ "$i" -lt "$ATTEMPTS" ]; then sleep "$INTERVAL"; fi',
  'done',
  'echo "failed: no answer from $URL contained \\"$EXPECT\\" in $ATTEMPTS attempts" >&2',
  'exit 1',
].join('\n');

/** Renders the smoke-test Job: restricted pod, no service-account token, never restarted in place. */
export function renderSmokeTestJob(scope: Construct, id: string, test: ResolvedSmokeTest, job: SmokeTestJobInput): ApiObject {
  const env = {
    URL: job.url,
    EXPECT: job.expect,
    ATTEMPTS: String(test.attempts),
    INTERVAL: String(test.intervalSeconds),
    TIMEOUT: String(test.requestTimeoutSeconds),
  };
  return new k8s.KubeJob(scope, id, {
    metadata: { name: job.name, namespace: job.namespace, labels: job.labels },
    spec: {
      backoffLimit: test.backoffLimit,
      activeDeadlineSeconds: test.activeDeadlineSeconds,
      template: {
        metadata: { labels: job.labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: test.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'smoke-test',
              image: test.image,
              command: ['/bin/sh', '-c', SCRIPT],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              resources: test.resources,
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
              },
            },
          ],
        },
      },
    },
  });
}
