import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Checks, isDnsLabel, isWellFormed, join, keysOf, orDefault } from '../model/checks';
import { parseImage } from '../model/image';
import { Labels, releaseLabels } from '../model/labels';
import { Limits } from '../model/limits';
import { checkPromQL, GateCondition, parseCondition, thresholdCondition } from '../model/promql';
import { DeclaredGate } from '../model/release';
import { formatVersions, GateAnnotations, gateJobName, VersionUnderTest } from '../model/gate-names';
import { Gate, GateJobOptions, GateKind, GateTimingOptions, HttpGateOptions, JobGateOptions, PrometheusGateOptions } from './gate';
import { HTTP_GATE_SCRIPT, PROMETHEUS_GATE_SCRIPT } from './gate-scripts';
import { k8s } from './k8s';
import { resolveResources } from './pod-blueprint';

/** Value of `app.kubernetes.io/component` on every gate Job and its pod. */
export const GATE_COMPONENT = 'gate';

/** A Service of the phase a gate may request. */
export interface GateService {
  readonly name: string;
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly port: number }>;
}

/** What a release tells the gates of one phase. */
export interface GateContext {
  /** Name of the release: `app.kubernetes.io/instance`. */
  readonly release: string;
  /** @default - kubectl's current namespace */
  readonly namespace?: string;
  /** The phase gated. */
  readonly phase: string;
  /** First part of each Job name (the app name), or '' for none. */
  readonly prefix: string;
  /** The versions the phase puts under test, in the Job's name. */
  readonly versions: readonly VersionUnderTest[];
  /** `{{name}}` values for queries, expected bodies and commands, besides release, namespace, phase and interval. */
  readonly placeholders: { readonly [name: string]: string };
  /** The Services of the phase. */
  readonly services: readonly GateService[];
  /** The Service an HTTP gate requests when it names none: the first of these the phase has. */
  readonly defaultServices: readonly string[];
}

/** A gate resolved for one phase: what its Job runs and what release.json says of it. */
export interface ResolvedGate {
  readonly declared: DeclaredGate;
  readonly image: string;
  readonly runAsUser: number;
  readonly resources: k8s.ResourceRequirements;
  readonly command: string[];
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly backoffLimit: number;
}

const DEFAULT_IMAGE = 'curlimages/curl:8.11.1';
/** Seconds granted beyond the measurements: the pod must be scheduled and its image pulled. */
const DEADLINE_MARGIN = 60;
/** A finished gate Job stays a day, for `cdk8s-canary gate` and its logs; the next phase's prune removes it sooner. */
const TTL_AFTER_FINISHED = 86400;
const MAX_COUNT = 1000;
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

const TIMING_KEYS = keysOf<GateTimingOptions>({ count: true, intervalSeconds: true, initialDelaySeconds: true, failureLimit: true, timeoutSeconds: true });
const JOB_KEYS = keysOf<GateJobOptions>({ name: true, image: true, runAsUser: true, resources: true });
const HTTP_KEYS = [...TIMING_KEYS, ...JOB_KEYS, ...keysOf<Omit<HttpGateOptions, keyof GateTimingOptions | keyof GateJobOptions>>({ service: true, port: true, path: true, expectStatus: true, expectBody: true })];
const PROMETHEUS_KEYS = [
  ...TIMING_KEYS,
  ...JOB_KEYS,
  ...keysOf<Omit<PrometheusGateOptions, keyof GateTimingOptions | keyof GateJobOptions>>({ address: true, query: true, successCondition: true, threshold: true }),
];
const CUSTOM_JOB_KEYS = [...JOB_KEYS, ...keysOf<Omit<JobGateOptions, keyof GateJobOptions>>({ command: true, env: true, activeDeadlineSeconds: true })];

/** Defaults of the timing by kind: a smoke test waits for one right answer, an analysis takes five. */
const TIMING_DEFAULTS: { readonly [K in 'http' | 'prometheus']: Required<GateTimingOptions> } = {
  http: { count: 1, intervalSeconds: 5, initialDelaySeconds: 0, failureLimit: 0, timeoutSeconds: 5 },
  prometheus: { count: 5, intervalSeconds: 60, initialDelaySeconds: 0, failureLimit: 0, timeoutSeconds: 10 },
};
const DEFAULT_NAMES: { readonly [K in GateKind]: string } = { http: 'smoke', prometheus: 'analysis', job: 'check' };

/**
 * Checks a gate for one phase and works out its Job: name, deadline, script and
 * settings. Errors name `field` (`gates.dark[0]`) in the release's ReleaseConfigError.
 */
export function resolveGate(check: Checks, field: string, gate: unknown, ctx: GateContext): ResolvedGate {
  if (!Gate.isGate(gate)) return check.fail(field, gate, 'a gate made with Gate.http(), Gate.prometheus() or Gate.job()');
  const o = check.object(field, gate.options, 'the options of the gate') as GateJobOptions;
  check.knownKeys(field, o, gate.kind === 'http' ? HTTP_KEYS : gate.kind === 'prometheus' ? PROMETHEUS_KEYS : CUSTOM_JOB_KEYS, { http: 'HttpGateOptions', prometheus: 'PrometheusGateOptions', job: 'JobGateOptions' }[gate.kind]);
  const at = (f: string) => join(field, f);
  const name = check.dnsLabel(at('name'), orDefault(o.name, DEFAULT_NAMES[gate.kind]), 40);
  const jobName = gateJobName(ctx.prefix, name, ctx.phase, ctx.versions);
  if (!isDnsLabel(jobName)) {
    check.fail(at('name'), name, `a shorter gate name: the Job "${jobName}" (name, phase and versions under test) must be a DNS label of at most 63 characters`);
  }
  const pod: GatePod = {
    image: parseImage(check, at('image'), orDefault(o.image, gate.kind === 'job' ? undefined : DEFAULT_IMAGE)).reference,
    runAsUser: check.integer(at('runAsUser'), orDefault(o.runAsUser, gate.kind === 'job' ? 65532 : 100), 1),
    resources: resolveResources(check, at('resources'), o.resources, { requests: { cpu: '10m', memory: '16Mi' }, memoryLimit: '32Mi' }),
    backoffLimit: 0,
  };
  const head = { name, job: jobName, versions: formatVersions(ctx.versions) };
  const values = { release: ctx.release, namespace: ctx.namespace ?? '', phase: ctx.phase, ...ctx.placeholders, version: ctx.versions.map((v) => v.version).join(',') };
  if (gate.kind === 'job') return resolveJobGate(check, field, o as JobGateOptions, ctx, head, pod, values);

  const timing = resolveTiming(check, field, o as GateTimingOptions, TIMING_DEFAULTS[gate.kind]);
  const measured = {
    ...timing,
    activeDeadlineSeconds: timing.initialDelaySeconds + timing.count * (timing.intervalSeconds + timing.timeoutSeconds) + DEADLINE_MARGIN,
  };
  const timingEnv = [
    { name: 'COUNT', value: String(timing.count) },
    { name: 'INTERVAL', value: String(timing.intervalSeconds) },
    { name: 'INITIAL_DELAY', value: String(timing.initialDelaySeconds) },
    { name: 'FAILURE_LIMIT', value: String(timing.failureLimit) },
    { name: 'TIMEOUT', value: String(timing.timeoutSeconds) },
  ];
  const withInterval = { ...values, interval: `${timing.intervalSeconds}s` };
  if (gate.kind === 'http') {
    const h = resolveHttp(check, field, o as HttpGateOptions, ctx, withInterval);
    return {
      ...pod,
      declared: { name, job: jobName, kind: 'http', versions: head.versions, target: h.url, ...measured, expectStatus: h.expectStatus ? Number(h.expectStatus) : undefined, expectBody: h.expectBody || undefined },
      command: ['/bin/sh', '-c', HTTP_GATE_SCRIPT],
      env: [...gateEnv(ctx), { name: 'URL', value: h.url }, { name: 'EXPECT_STATUS', value: h.expectStatus }, { name: 'EXPECT_BODY', value: h.expectBody }, ...timingEnv],
    };
  }
  const q = resolvePrometheus(check, field, o as PrometheusGateOptions, withInterval);
  return {
    ...pod,
    declared: { name, job: jobName, kind: 'prometheus', versions: head.versions, target: q.address, ...measured, query: q.query, successCondition: q.condition.text },
    command: ['/bin/sh', '-c', PROMETHEUS_GATE_SCRIPT],
    env: [...gateEnv(ctx), { name: 'ADDRESS', value: q.address }, { name: 'QUERY', value: q.query }, { name: 'CONDITION', value: q.condition.text }, { name: 'AWK_CONDITION', value: q.condition.awk }, ...timingEnv],
  };
}

/** What every gate's pod runs as. */
type GatePod = Pick<ResolvedGate, 'image' | 'runAsUser' | 'resources' | 'backoffLimit'>;
type Values = { readonly [name: string]: string };

function resolveJobGate(check: Checks, field: string, j: JobGateOptions, ctx: GateContext, head: { name: string; job: string; versions: string }, pod: GatePod, values: Values): ResolvedGate {
  const at = (f: string) => join(field, f);
  const command = check.strings(at('command'), j.command).map((c, i) => fill(check, at(`command[${i}]`), c, values));
  if (command.length === 0) check.fail(at('command'), j.command, 'a non-empty command, e.g. ["/bin/run-checks", "--target", "{{release}}"]');
  const env = j.env === undefined ? {} : check.object(at('env'), j.env, 'an object of variable names and string values');
  const userEnv = Object.entries(env).map(([k, v]) => {
    check.envName(at(`env.${k}`), k);
    if (k.startsWith('GATE_')) check.fail(at(`env.${k}`), k, 'a name not starting with GATE_, which the gate sets itself');
    if (typeof v !== 'string') check.fail(at(`env.${k}`), v, 'a string');
    return { name: k, value: fill(check, at(`env.${k}`), v, values) };
  });
  const activeDeadlineSeconds = check.integer(at('activeDeadlineSeconds'), orDefault(j.activeDeadlineSeconds, 600), 1, 24 * Limits.MAX_SECONDS);
  return { ...pod, declared: { name: head.name, job: head.job, kind: 'job', versions: head.versions, activeDeadlineSeconds }, command, env: [...gateEnv(ctx), ...userEnv] };
}

function resolveHttp(check: Checks, field: string, h: HttpGateOptions, ctx: GateContext, values: Values): { url: string; expectStatus: string; expectBody: string } {
  const at = (f: string) => join(field, f);
  const target = httpTarget(check, field, h, ctx);
  const path = orDefault(h.path, '/');
  if (typeof path !== 'string' || !URL_PATH.test(path)) check.fail(at('path'), path, "an absolute URL path such as '/' or '/version'");
  const expectStatus = h.expectStatus === undefined ? '' : String(check.integer(at('expectStatus'), h.expectStatus, 100, 599));
  const expectBody = h.expectBody === undefined ? '' : fill(check, at('expectBody'), nonEmptyText(check, at('expectBody'), h.expectBody), values);
  return { url: `http://${target.service}:${target.port}${path}`, expectStatus, expectBody };
}

function resolvePrometheus(check: Checks, field: string, p: PrometheusGateOptions, values: Values): { address: string; query: string; condition: GateCondition } {
  const at = (f: string) => join(field, f);
  const address = prometheusAddress(check, at('address'), p.address);
  const query = fill(check, at('query'), checkPromQL(check, at('query'), p.query), values);
  if ((p.successCondition === undefined) === (p.threshold === undefined)) {
    check.fail(at('successCondition'), p.successCondition, 'either a successCondition such as "result < 0.01" or a threshold such as { max: 0.01 }, not both and not neither');
  }
  const condition = p.successCondition !== undefined ? parseCondition(check, at('successCondition'), p.successCondition) : thresholdCondition(check, at('threshold'), p.threshold);
  return { address, query, condition };
}

/** Variables every gate's container gets: a custom Job reads them, the scripts print them. */
function gateEnv(ctx: GateContext) {
  return [
    { name: 'GATE_RELEASE', value: ctx.release },
    { name: 'GATE_PHASE', value: ctx.phase },
    { name: 'GATE_VERSIONS', value: formatVersions(ctx.versions) },
  ];
}

function resolveTiming(check: Checks, field: string, o: GateTimingOptions, d: Required<GateTimingOptions>): Required<GateTimingOptions> {
  const at = (f: string) => join(field, f);
  const count = check.integer(at('count'), orDefault(o.count, d.count), 1, MAX_COUNT);
  const failureLimit = check.integer(at('failureLimit'), orDefault(o.failureLimit, Math.min(d.failureLimit, count - 1)), 0, count - 1);
  return {
    count,
    intervalSeconds: check.integer(at('intervalSeconds'), orDefault(o.intervalSeconds, d.intervalSeconds), 1, Limits.MAX_SECONDS),
    initialDelaySeconds: check.integer(at('initialDelaySeconds'), orDefault(o.initialDelaySeconds, d.initialDelaySeconds), 0, Limits.MAX_SECONDS),
    failureLimit,
    timeoutSeconds: check.integer(at('timeoutSeconds'), orDefault(o.timeoutSeconds, d.timeoutSeconds), 1, Limits.MAX_SECONDS),
  };
}

function httpTarget(check: Checks, field: string, h: HttpGateOptions, ctx: GateContext): { service: string; port: number } {
  const at = (f: string) => join(field, f);
  const names = ctx.services.map((s) => s.name);
  const serviceName = orDefault(h.service, ctx.defaultServices.find((d) => names.includes(d)) ?? ctx.defaultServices[0]);
  const service = ctx.services.find((s) => s.name === serviceName);
  if (!service) check.fail(at('service'), serviceName, `a Service of phase "${ctx.phase}" (${names.join(', ') || 'none'})`);
  const ports = service.ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ');
  if (h.port === undefined) return { service: service.name, port: service.ports[0].port };
  const port = service.ports.find((p) => p.port === h.port || (p.name !== undefined && p.name === h.port));
  if (!port) check.fail(at('port'), h.port, `a port of the Service ${service.name} in phase "${ctx.phase}": ${ports}`);
  return { service: service.name, port: port.port };
}

function prometheusAddress(check: Checks, field: string, value: unknown): string {
  const expected = 'the http(s) address of a Prometheus server, e.g. "http://prometheus.monitoring:9090"';
  if (typeof value !== 'string') return check.fail(field, value, expected);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return check.fail(field, value, expected);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password || /\s/.test(value)) check.fail(field, value, `${expected}, without query, fragment or credentials`);
  return value.replace(/\/+$/, '');
}

function nonEmptyText(check: Checks, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || !isWellFormed(value) || value.includes('\n')) check.fail(field, value, 'a non-empty line of well-formed Unicode');
  return value;
}

/** Replaces `{{name}}` placeholders; an unknown one is an error naming the known ones. */
function fill(check: Checks, field: string, text: string, values: { readonly [name: string]: string }): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) check.fail(field, text, `placeholders among ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')} (not {{${name}}})`);
    return values[name];
  });
}

/** Renders a gate's Job: restricted pod, no service-account token, never retried, gone a day after it finishes. */
export function renderGateJob(scope: Construct, id: string, gate: ResolvedGate, ctx: Pick<GateContext, 'release' | 'namespace'>): ApiObject {
  const { labels, spec } = gateJob(gate, ctx);
  return new k8s.KubeJob(scope, id, {
    metadata: {
      name: gate.declared.job,
      namespace: ctx.namespace,
      labels,
      annotations: { [GateAnnotations.KIND]: gate.declared.kind, [GateAnnotations.VERSIONS]: gate.declared.versions },
    },
    spec,
  });
}

/** The labels and spec of a gate's Job: what a pipeline's Job and an engine's job-provider analysis both run. */
export function gateJob(gate: ResolvedGate, ctx: Pick<GateContext, 'release'>): { labels: { [key: string]: string }; spec: k8s.JobSpec } {
  // Not the application's name label: no Service of the release may select the gate's pod.
  const labels = { [Labels.NAME]: gate.declared.job, ...releaseLabels(ctx.release), 'app.kubernetes.io/component': GATE_COMPONENT };
  return {
    labels,
    spec: {
      backoffLimit: gate.backoffLimit,
      activeDeadlineSeconds: gate.declared.activeDeadlineSeconds,
      ttlSecondsAfterFinished: TTL_AFTER_FINISHED,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: gate.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'gate',
              image: gate.image,
              command: gate.command,
              // The API server stores an empty value as no value: writing it so keeps live and manifest equal.
              env: gate.env.map((e) => (e.value === '' ? { name: e.name } : { ...e })),
              resources: gate.resources,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
            },
          ],
        },
      },
    },
  };
}
