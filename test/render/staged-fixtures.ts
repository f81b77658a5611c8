import { App } from 'cdk8s';
import { parse } from 'yaml';
import { renderApp } from '../../lib/write/synthesize';
import { StagedRelease, StagedReleaseProps } from '../../lib/render/staged-release';
import { ServiceType } from '../../lib/render/workload';
import { StageStrategy, CleanupMode } from '../../lib/model/stage-strategy';
import { find, maybeFind, selects } from '../support/manifests';

/** A parsed manifest, plus its YAML text as written. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: { [key: string]: string }; readonly annotations?: { [key: string]: string } };
  readonly spec: any;
  readonly text: string;
}

export interface Rendered {
  readonly release: StagedRelease;
  /** Phase name → its objects, in the order of the manifest. */
  readonly phases: Map<string, K8sObject[]>;
  readonly files: Map<string, string>;
}

/** The seed's application: 5 frontend and 5 backend pods, v1 → v2, 30 s minReadySeconds. */
export function seedProps(overrides: Partial<StagedReleaseProps> = {}): StagedReleaseProps {
  return {
    frontend: { replicas: 5, smokeReplicas: 5, ports: [{ containerPort: 8080, servicePort: 80 }], serviceType: ServiceType.LOAD_BALANCER },
    backend: { replicas: 5, ports: [{ containerPort: 8080, servicePort: 80 }] },
    active: { version: 'v1', frontendImage: 'frontend:v1', backendImage: 'backend:v1' },
    smoke: { version: 'v2', frontendImage: 'frontend:v2', backendImage: 'backend:v2' },
    minReadySeconds: 30,
    ...overrides,
  };
}

/** Every combination of strategy and cleanup, for the invariants that must hold in all. */
export const VARIANTS: ReadonlyArray<readonly [string, Partial<StagedReleaseProps>]> = [
  ['isolated, scale to zero', { strategy: StageStrategy.ISOLATED, cleanup: CleanupMode.SCALE_TO_ZERO }],
  ['isolated, remove', { strategy: StageStrategy.ISOLATED, cleanup: CleanupMode.REMOVE }],
  ['compatible, scale to zero', { strategy: StageStrategy.COMPATIBLE, cleanup: CleanupMode.SCALE_TO_ZERO }],
  ['compatible, remove', { strategy: StageStrategy.COMPATIBLE, cleanup: CleanupMode.REMOVE }],
  ['isolated, 25% surge, 3 replicas, dotted versions', {
    maxSurge: '25%',
    frontend: { replicas: 3 },
    active: { version: '1.0.0', frontendImage: 'frontend:1.0.0', backendImage: 'backend:1.0.0' },
    smoke: { version: '1.1.0', frontendImage: 'frontend:1.1.0', backendImage: 'backend:1.1.0' },
  }],
];

export function render(props: StagedReleaseProps, id = 'seamless'): Rendered {
  const app = new App();
  const release = new StagedRelease(app, id, props);
  const files = new Map(renderApp(app).map((f) => [f.path, f.content]));
  const phases = new Map<string, K8sObject[]>();
  for (const [path, content] of files) {
    const m = /^[^/]+\/([^/]+)\/manifest\.yaml$/.exec(path);
    if (m) phases.set(m[1], content.split(/^---\n/m).map((text) => ({ ...parse(text), text })));
  }
  return { release, phases, files };
}

export { find, selects };

function podLabels(o: K8sObject): { [key: string]: string } {
  return o.spec.template.metadata.labels;
}

/** Each Service selects the pods of exactly one Deployment of its phase, the one of its name, and never a Job's. */
export function serviceProblems(phase: string, objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const matched = objects.filter((o) => o.kind === 'Deployment' && selects(svc.spec.selector, podLabels(o))).map((o) => o.metadata.name);
    if (matched.length !== 1 || matched[0] !== svc.metadata.name) problems.push(`${phase}: Service ${svc.metadata.name} selects the pods of [${matched.join(', ')}]`);
    for (const job of objects.filter((o) => o.kind === 'Job')) {
      if (selects(svc.spec.selector, podLabels(job))) problems.push(`${phase}: Service ${svc.metadata.name} selects the pod of Job ${job.metadata.name}`);
    }
  }
  return problems;
}

/** Every Deployment's selector is in its pod labels and never holds the version. */
export function selectorProblems(phase: string, objects: readonly K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .flatMap((d) => {
      const sel = d.spec.selector.matchLabels;
      const out: string[] = [];
      if (!selects(sel, podLabels(d))) out.push(`${phase}: ${d.metadata.name}'s selector does not select its own pods`);
      if ('app.kubernetes.io/version' in sel) out.push(`${phase}: ${d.metadata.name}'s selector holds the version label`);
      return out;
    });
}

/** The backend address a frontend Deployment is given, or undefined. */
export function backendUrl(d: K8sObject, variable = 'BACKEND_URL'): string | undefined {
  return d.spec.template.spec.containers[0].env?.find((e: { name: string }) => e.name === variable)?.value;
}

/** Every running frontend (replicas > 0) calls, through the variable, a Service of its phase, on that Service's port. */
export function wiringProblems(phase: string, objects: readonly K8sObject[], variable = 'BACKEND_URL'): string[] {
  const problems: string[] = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === 'frontend' && o.spec.replicas > 0)) {
    const url = backendUrl(d, variable);
    const m = url && /^http:\/\/([a-z0-9-]+):(\d+)$/.exec(url);
    const svc = m ? maybeFind(objects, 'Service', m[1]) : undefined;
    if (!m || !svc) problems.push(`${phase}: ${d.metadata.name} calls ${url}, which is no Service of the phase`);
    else if (!svc.spec.ports.some((p: { port: number }) => p.port === Number(m[2]))) problems.push(`${phase}: ${d.metadata.name} calls port ${m[2]} of ${m[1]}`);
  }
  return problems;
}

/** Fields the API server refuses to change on an object present in both phases. */
export function immutableProblems(from: string, a: readonly K8sObject[], to: string, b: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const before of a) {
    const after = maybeFind(b, before.kind, before.metadata.name);
    if (!after) continue;
    const where = `${from} → ${to}: ${before.kind} ${before.metadata.name}`;
    if (before.apiVersion !== after.apiVersion) problems.push(`${where}: apiVersion changes`);
    if (before.kind === 'Deployment' && JSON.stringify(before.spec.selector) !== JSON.stringify(after.spec.selector)) problems.push(`${where}: selector changes`);
    if (before.kind === 'Job' && before.text !== after.text) problems.push(`${where}: a Job changes (its template is immutable)`);
    if (before.kind === 'Service' && before.spec.clusterIP !== after.spec.clusterIP) problems.push(`${where}: clusterIP changes`);
  }
  return problems;
}

/** Resolves maxSurge / maxUnavailable as the Deployment controller does (surge rounds up, unavailable down). */
export function resolveAmount(value: number | string, replicas: number, round: 'up' | 'down'): number {
  if (typeof value === 'number') return value;
  const exact = (replicas * Number(value.slice(0, -1))) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The fewest ready pods behind a Service while a pipeline goes from one phase to the
 * next: the new manifests are applied, the changed Deployments roll out, and only
 * then are removed objects pruned.
 */
export function minReadyDuring(a: readonly K8sObject[], b: readonly K8sObject[], service: string): number {
  const svcBefore = maybeFind(a, 'Service', service);
  const svcAfter = maybeFind(b, 'Service', service);
  if (!svcBefore || !svcAfter || JSON.stringify(svcBefore.spec.selector) !== JSON.stringify(svcAfter.spec.selector)) return 0;
  let total = 0;
  for (const before of a.filter((o) => o.kind === 'Deployment' && selects(svcBefore.spec.selector, podLabels(o)))) {
    const after = maybeFind(b, 'Deployment', before.metadata.name);
    if (!after) return 0;
    const from = before.spec.replicas;
    const to = after.spec.replicas;
    const changed = JSON.stringify(before.spec.template) !== JSON.stringify(after.spec.template);
    if (!changed) {
      total += Math.min(from, to);
      continue;
    }
    const ru = after.spec.strategy.rollingUpdate;
    const unavailable = resolveAmount(ru.maxUnavailable, to, 'down');
    const surge = resolveAmount(ru.maxSurge, to, 'up');
    if (unavailable === 0 && surge === 0) return 0; // the rollout could never progress
    total += Math.min(from, to - unavailable);
  }
  return total;
}

/**
 * A frontend moved to another backend finds it already running: the new backend's
 * Deployment exists in the phase before, with the same pods and at least one replica.
 */
export function backendReadyProblems(from: string, a: readonly K8sObject[], to: string, b: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const after of b.filter((o) => o.kind === 'Deployment' && backendUrl(o))) {
    const before = maybeFind(a, 'Deployment', after.metadata.name);
    const url = backendUrl(after)!;
    if (!before || backendUrl(before) === url || after.spec.replicas === 0) continue;
    const service = /^http:\/\/([a-z0-9-]+):/.exec(url)![1];
    const target = maybeFind(b, 'Deployment', service);
    const running = maybeFind(a, 'Deployment', service);
    if (!target || !running || running.spec.replicas < 1 || JSON.stringify(running.spec.template) !== JSON.stringify(target.spec.template)) {
      problems.push(`${from} → ${to}: ${after.metadata.name} moves to ${service}, which is not already running in ${from}`);
    }
  }
  return problems;
}
