import { Checks } from '../../model/checks';
import { DeclaredGate } from '../../model/release';
import { HTTP_GATE_SCRIPT, PROMETHEUS_GATE_SCRIPT } from '../../render/gate-scripts';
import { parseCondition } from '../../model/promql';

/** One entry of a Canary's `analysis.webhooks`. */
export interface FlaggerWebhook {
  readonly name: string;
  readonly type: 'pre-rollout' | 'rollout' | 'confirm-promotion';
  readonly url: string;
  readonly timeout?: string;
  readonly metadata?: { readonly [key: string]: string };
}

/** Seconds a webhook may take beyond the request it makes: the loadtester starts bash and curl. */
const WEBHOOK_MARGIN = 5;

/**
 * An HTTP gate as a webhook of Flagger's loadtester: `type: bash` runs the command and
 * answers only once it ends (a `cmd` task would answer at once and run in the
 * background), so the check's exit status is the webhook's. The command is the gate
 * Job's own script, making one measurement per call: Flagger repeats a failed webhook
 * at each analysis interval until `threshold` failed checks, as the Job's loop would.
 */
export function httpWebhook(gate: DeclaredGate, type: 'pre-rollout' | 'rollout', loadtester: string, release: string): FlaggerWebhook {
  const env: Array<[string, string]> = [
    ['GATE_RELEASE', release],
    ['GATE_PHASE', type],
    ['GATE_VERSIONS', gate.versions],
    ['URL', gate.target ?? ''],
    ['EXPECT_STATUS', gate.expectStatus === undefined ? '' : String(gate.expectStatus)],
    ['EXPECT_BODY', gate.expectBody ?? ''],
    ...timingEnv(gate),
  ];
  return scriptWebhook(gate, type, loadtester, env, HTTP_GATE_SCRIPT);
}

/**
 * A Prometheus gate of the dark phase, where no request reaches the new version and
 * Flagger checks no metric: the gate Job's own script as a pre-rollout webhook, one
 * measurement per call, its condition (every series) evaluated by awk as in the Job.
 */
export function prometheusWebhook(check: Checks, field: string, gate: DeclaredGate, type: 'pre-rollout', loadtester: string, release: string): FlaggerWebhook {
  const condition = parseCondition(check, `${field}.successCondition`, gate.successCondition);
  const env: Array<[string, string]> = [
    ['GATE_RELEASE', release],
    ['GATE_PHASE', type],
    ['GATE_VERSIONS', gate.versions],
    ['ADDRESS', gate.target ?? ''],
    ['QUERY', gate.query ?? ''],
    ['CONDITION', condition.text],
    ['AWK_CONDITION', condition.awk],
    ...timingEnv(gate),
  ];
  return scriptWebhook(gate, type, loadtester, env, PROMETHEUS_GATE_SCRIPT);
}

function timingEnv(gate: DeclaredGate): Array<[string, string]> {
  return [
    ['COUNT', '1'],
    ['INTERVAL', String(gate.intervalSeconds ?? 1)],
    ['INITIAL_DELAY', '0'],
    ['FAILURE_LIMIT', '0'],
    ['TIMEOUT', String(gate.timeoutSeconds ?? 5)],
  ];
}

function scriptWebhook(gate: DeclaredGate, type: FlaggerWebhook['type'], loadtester: string, env: ReadonlyArray<[string, string]>, script: string): FlaggerWebhook {
  const cmd = [...env.map(([k, v]) => `${k}=${shellQuote(v)}`), script].join('\n');
  return { name: gate.name, type, url: loadtester, timeout: `${(gate.timeoutSeconds ?? 5) + WEBHOOK_MARGIN}s`, metadata: { type: 'bash', cmd } };
}

/** A gate Flagger cannot run: a Job of the author's image (the loadtester runs commands of its own image only). */
export function refuseJobGate(check: Checks, field: string, gate: DeclaredGate): never {
  return check.fail(
    field,
    gate.name,
    'Gate.http() or Gate.prometheus() (engine flagger, feature job gates): Flagger runs checks as metric queries and webhooks, ' +
      "and its loadtester runs commands of its own image, not a Job of yours; serve the check behind an HTTP endpoint and gate on it with Gate.http()",
  );
}

/** The loadtester's address: given (checked with the options), or the Service its Helm chart creates in the release's namespace. */
export function loadtesterUrl(check: Checks, field: string, given: string | undefined, namespace: string | undefined): string {
  if (given !== undefined) return given;
  if (namespace === undefined) {
    check.fail(field, given, "the address of Flagger's loadtester (engine flagger, feature loadtester webhooks: HTTP gates, dark-phase gates, or the promotion a person approves): Flagger calls it from its own namespace, and the release has none to find it in");
  }
  return `http://flagger-loadtester.${namespace}/`;
}

/** Single-quotes a value for sh and bash: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
