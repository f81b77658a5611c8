import type { ResourceOptions } from './container-options';

/** What a gate measures. */
export type GateKind = 'http' | 'prometheus' | 'job';

/**
 * How often a gate measures and how many bad measurements it tolerates: the
 * `count`, `interval`, `initialDelay` and `failureLimit` of an Argo Rollouts
 * AnalysisTemplate metric (Flagger's `interval` and `threshold`).
 *
 * A gate takes at most `count` measurements, `intervalSeconds` apart. It passes as
 * soon as `count - failureLimit` of them succeeded, and fails as soon as more than
 * `failureLimit` did not: a measurement without an answer (server down, no data)
 * counts as failed, so a gate never passes for lack of data.
 */
export interface GateTimingOptions {
  /** Measurements at most. @default 1 (http), 5 (prometheus) */
  readonly count?: number;
  /** Seconds between two measurements. @default 5 (http), 60 (prometheus) */
  readonly intervalSeconds?: number;
  /** Seconds before the first measurement. @default 0 */
  readonly initialDelaySeconds?: number;
  /** Measurements that may fail (or get no answer) while the gate still passes; less than count. @default 0 */
  readonly failureLimit?: number;
  /** Seconds one measurement (one HTTP request or query) may take. @default 5 (http), 10 (prometheus) */
  readonly timeoutSeconds?: number;
}

/** What every gate's Job runs as. */
export interface GateJobOptions {
  /**
   * Short name of the gate: the Job is `<release or app>-<name>-<phase>-<versions under test>`.
   * A DNS label.
   * @default 'smoke' (http), 'analysis' (prometheus), 'check' (job)
   */
  readonly name?: string;
  /**
   * Image of the Job, pinned by tag or digest.
   * @default 'curlimages/curl:8.11.1' (http and prometheus: curl and BusyBox's sh, grep, sed and awk)
   */
  readonly image?: string;
  /**
   * User the Job runs as (the pod runs under the restricted profile: not root).
   * @default 100 (curl_user of curlimages/curl); 65532 for a job gate
   */
  readonly runAsUser?: number;
  /** @default { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } */
  readonly resources?: ResourceOptions;
}

/** An HTTP check of a Service of the phase: a smoke test. */
export interface HttpGateOptions extends GateTimingOptions, GateJobOptions {
  /**
   * Service requested, in the phase's namespace.
   * @default - the Service of the version under test: the canary's preview Service (CanaryApp), the smoke frontend (StagedRelease), the Service of the last version the phase deploys (Gateway)
   */
  readonly service?: string;
  /** Port of the Service: its number or name. @default - the Service's first port */
  readonly port?: number | string;
  /** Path and query requested. @default '/' */
  readonly path?: string;
  /** HTTP status every answer must have. @default - any 2xx status */
  readonly expectStatus?: number;
  /**
   * Text the answer's body must contain. `{{version}}`, `{{release}}`, `{{phase}}` and
   * the construct's placeholders (see docs/gates.md) are replaced by their values.
   * @default - any body
   */
  readonly expectBody?: string;
}

/** A Prometheus query evaluated at each measurement: a metric analysis. */
export interface PrometheusGateOptions extends GateTimingOptions, GateJobOptions {
  /** Address of the Prometheus server, e.g. `http://prometheus.monitoring:9090`. */
  readonly address: string;
  /**
   * PromQL query. `{{version}}`, `{{release}}`, `{{namespace}}`, `{{phase}}`,
   * `{{interval}}` (e.g. `60s`) and the construct's placeholders (`{{canaryVersion}}`,
   * `{{stableVersion}}`...) are replaced by their values.
   */
  readonly query: string;
  /**
   * Condition every series of the result must meet, on `result`: comparisons
   * (`<`, `<=`, `>`, `>=`, `==`, `!=`) with numbers, joined by `&&` or `||`, e.g.
   * `result < 0.01` or `result >= 0.95 && result <= 1`. Give this or `threshold`.
   * @default - from threshold
   */
  readonly successCondition?: string;
  /** Flagger's thresholdRange: the result must lie within `min` and `max` (inclusive). @default - from successCondition */
  readonly threshold?: { readonly min?: number; readonly max?: number };
}

/** Any other check: a Job of your own image and command, which succeeds or fails. */
export interface JobGateOptions extends GateJobOptions {
  /** Image of the Job, pinned by tag or digest (not `latest`). */
  readonly image: string;
  /** The command (entrypoint) and its arguments; placeholders such as `{{version}}` are replaced. */
  readonly command: string[];
  /** Environment of the command; GATE_RELEASE, GATE_PHASE and GATE_VERSIONS are always set. @default - none */
  readonly env?: { [name: string]: string };
  /** Seconds after which the Job fails. @default 600 */
  readonly activeDeadlineSeconds?: number;
}

const GATE = Symbol.for('cdk8s-canary.Gate');

/**
 * A check a pipeline waits for before it goes on to the next phase: rendered as a
 * Job in the phase it is attached to (`gates: { dark: [Gate.http()] }`), named with
 * the phase and the versions under test. `cdk8s-canary gate dist/<release>/<phase>`
 * waits until each Job completes or fails, and exits accordingly.
 */
export class Gate {
  /** An HTTP smoke test: requests a Service of the phase and checks status and body. */
  public static http(options: HttpGateOptions = {}): Gate {
    return new Gate('http', options);
  }

  /** A metric analysis: a PromQL query whose result must meet a condition at each measurement. */
  public static prometheus(options: PrometheusGateOptions): Gate {
    return new Gate('prometheus', options);
  }

  /** A Job of your own (load test, end-to-end suite): the gate passes when it completes. */
  public static job(options: JobGateOptions): Gate {
    return new Gate('job', options);
  }

  /** Accepts any copy of Gate (instanceof fails across package copies). */
  public static isGate(x: unknown): x is Gate {
    return typeof x === 'object' && x !== null && GATE in x;
  }

  private constructor(
    /** What the gate measures. */
    public readonly kind: GateKind,
    /** The options as given; the release checks them, naming its own field. */
    public readonly options: HttpGateOptions | PrometheusGateOptions | JobGateOptions,
  ) {
    Object.defineProperty(this, GATE, { value: true });
  }
}

/** The gates of a release, by the name of the phase they gate: `{ dark: [Gate.http()] }`. */
export type PhaseGates = { readonly [phase: string]: readonly Gate[] };
