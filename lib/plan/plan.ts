import { gcd } from '../model/gcd';
import { DeclaredStep, RouteCondition } from '../model/release';
import { LoadedRelease, loadPhases, loadRelease } from '../verify/loading/loader';
import { isRecord, K8sObject, objectRef } from '../verify/loading/manifest';
import { PhaseIndex, PodWorkload } from '../verify/loading/phase-index';
import { findAddress, routersOf, routingOf } from '../verify/traffic/routes';
import { effectiveRoutes, orderedShares } from '../verify/traffic/traffic';
import { DeclaredPrune, declaredPrune, pruneGap } from '../verify/transitions/transitions';
import { indexPhases } from '../verify/verify';
import { GATE_KIND, gateImage, gateJobsOf, gateSettings } from '../verify/gates/gates';
import { diffObjects, FieldChange } from './diff';
import { podReferences } from '../verify/loading/pod-references';
import { phaseReferences, renderedKeys } from '../verify/wiring/rendered-references';

/** What a release does, phase by phase: for people (plan table) and pipelines (JSON). */
export interface ReleasePlan {
  /** Name of the release. */
  readonly release: string;
  /** What was read: the folder or file, or the phase paths joined by spaces. */
  readonly path: string;
  /**
   * Which construct rendered the release (`canary`, `gateway`, `smoke-active`).
   * @default - none: plain YAML without a release.json
   */
  readonly strategy?: string;
  /**
   * Who splits the traffic (`service`, `istio`, `gateway-api`, `nginx`).
   * @default - none: plain YAML without a release.json
   */
  readonly provider?: string;
  /**
   * Namespace the release declares for objects that name none.
   * @default - none: kubectl's current namespace
   */
  readonly namespace?: string;
  /**
   * `-l` selector of `kubectl apply --prune`.
   * @default - none: nothing declared, so objects left out of a phase keep running
   */
  readonly pruneSelector?: string;
  /**
   * `--prune-allowlist` entries (`group/version/Kind`) of `kubectl apply --prune`.
   * @default - none: plain YAML without a release.json
   */
  readonly pruneAllowlist?: readonly string[];
  /**
   * Objects the pods reference that no phase renders (`Kind/name`): Secrets, ConfigMaps,
   * claims and service accounts that must exist before the first apply.
   */
  readonly prerequisites: readonly string[];
  /** Every phase, in the order a pipeline applies them. */
  readonly phases: readonly PhasePlan[];
  /**
   * The controller that walks the steps once `release` is applied (`argo-rollouts`).
   * @default - none: a pipeline applies the phases
   */
  readonly engine?: string;
  /**
   * With an engine, what its controller does, in order.
   * @default - none: no engine
   */
  readonly steps?: readonly StepPlan[];
}

/** A step an engine's controller walks, as declared: the shares it gives, then what decides. */
export interface StepPlan {
  /** The phase of the phases engine the step stands for, e.g. `canary-33`. */
  readonly name: string;
  /** The declared one-line summary, beginning with what the step sets (`setWeight 33: ...`). */
  readonly description: string;
  /** Per address, the share of each version during the step. */
  readonly traffic: ReadonlyArray<{ readonly address: string; readonly minAvailable: number; readonly routes: readonly RoutePlan[] }>;
  /**
   * What ends the step: the analyses (`analysis: <name>, ...`), `pause` (a person promotes)
   * or `continue` (nothing: a blue-green promotion without post-promotion analysis).
   */
  readonly then: string;
}

/** One phase of a plan: what runs, who gets the requests, and what applying it does. */
export interface PhasePlan {
  /** Name of the phase (its folder). */
  readonly name: string;
  /**
   * The declared one-line summary of the phase.
   * @default - none: plain YAML without a release.json
   */
  readonly description?: string;
  /** Workloads that keep pods running, with their replicas and version. */
  readonly workloads: readonly WorkloadPlan[];
  /** Per address, the share of requests each version receives; empty when nothing routes requests. */
  readonly traffic: readonly AddressPlan[];
  /** One entry per phase this one can follow (none before it for the first phase). */
  readonly applies: readonly ApplyPlan[];
  /** The gate Jobs a pipeline waits for once the phase is applied (`cdk8s-canary gate`), in manifest order. */
  readonly gates: readonly GatePlan[];
}

/** A gate of a phase: a Job annotated `cdk8s-canary.io/gate`. */
export interface GatePlan {
  /** The Job, `Job/name`. */
  readonly job: string;
  /** `http`, `prometheus` or `job`. */
  readonly kind: string;
  /** What it checks, from its settings: `GET http://web-canary:80/ ...`, a query and its condition, or the image. */
  readonly checks: string;
}

/** A workload of a phase that runs pods. */
export interface WorkloadPlan {
  /** The workload, `Kind/name` (e.g. `Deployment/web-stable`). */
  readonly object: string;
  /** Desired pods, as in the manifest (a DaemonSet counts as 1). */
  readonly replicas: number;
  /** Version of its pods: `app.kubernetes.io/version`, else `version`, else the image tag. */
  readonly version: string;
}

/** An address (Service or router) and how it splits requests among versions. */
export interface AddressPlan {
  /** The address object, `Service/web` or `VirtualService/web`. */
  readonly address: string;
  /**
   * Declared fewest ready pods behind the address at any moment.
   * @default - none: plain YAML declares no capacity
   */
  readonly minAvailable?: number;
  /**
   * Routing tables of the address: one, with an empty `label`, except for an Ingress,
   * which has one per host and path (`label` is `host/path`).
   */
  readonly tables: ReadonlyArray<{ readonly label: string; readonly routes: readonly RoutePlan[] }>;
}

/** One route of an address: the requests it takes and how they spread over versions. */
export interface RoutePlan {
  /** All must hold; empty for the route that takes every other request. */
  readonly conditions: readonly RouteCondition[];
  /**
   * Share of the route's requests per version: exact fraction (`1/3`) and percent
   * rounded to 0.01; empty when the route has no backend.
   */
  readonly versions: ReadonlyArray<{ readonly version: string; readonly share: string; readonly percent: number }>;
}

/** What the three apply commands do when a phase follows another (or comes first). */
export interface ApplyPlan {
  /** The phase applied before; null when this phase is applied first. */
  readonly from: string | null;
  /** Objects the apply creates, `Kind/name`. */
  readonly create: readonly string[];
  /** Objects the apply changes, with the fields that differ. */
  readonly change: ReadonlyArray<{ readonly object: string; readonly fields: readonly FieldChange[] }>;
  /** Removed by `kubectl apply --prune` once the rollouts are done. */
  readonly prune: readonly string[];
  /** Left out of the phase but not pruned (no prune labels, no prune selector, or a kind kubectl does not prune). */
  readonly leftRunning: readonly string[];
  /** Number of objects that are the same in both phases. */
  readonly unchanged: number;
  /**
   * Workloads that move to another ConfigMap both phases hold (released configuration),
   * with the keys that differ between the two: what the new pods read differently.
   */
  readonly configChanges: readonly ConfigChange[];
}

/** A workload that reads another ConfigMap after the apply, and what differs in it. */
export interface ConfigChange {
  /** The workload, `Kind/name`. */
  readonly object: string;
  /** The ConfigMap it read before. */
  readonly from: string;
  /** The ConfigMap it reads after. */
  readonly to: string;
  /** Per key that differs: its value before (undefined when added) and after (undefined when removed). */
  readonly keys: readonly FieldChange[];
}

/** The plan of a loaded release. */
export function planRelease(release: LoadedRelease): ReleasePlan {
  const decl = release.declaration;
  const indexes = indexPhases(release);
  const byName = new Map(indexes.map((i) => [i.name, i]));
  const prune = declaredPrune(decl);
  const phases = indexes.map((index): PhasePlan => {
    const declared = decl?.phases.find((p) => p.name === index.name);
    const incoming = release.transitions.filter(([, to]) => to === index.name).map(([from]) => from);
    return {
      name: index.name,
      description: declared?.description,
      workloads: index.workloads.filter((w) => w.serving).map((w) => ({ object: w.ref, replicas: w.replicas, version: w.version })),
      traffic: addresses(index, declared?.addresses.map((a) => ({ name: a.name, minAvailable: a.minAvailable })), decl?.provider),
      applies: incoming.length ? incoming.map((from) => applyPlan(byName.get(from)!, index, prune)) : [applyPlan(undefined, index, prune)],
      gates: gatesOf(index),
    };
  });
  return {
    release: release.name,
    path: release.path,
    strategy: decl?.strategy,
    provider: decl?.provider,
    namespace: decl?.namespace,
    pruneSelector: decl?.pruneSelector,
    pruneAllowlist: decl?.pruneAllowlist,
    prerequisites: prerequisites(indexes),
    phases,
    ...(decl?.engine ? { engine: decl.engine, steps: (decl.steps ?? []).map(stepPlan) } : {}),
  };
}

function stepPlan(step: DeclaredStep): StepPlan {
  return {
    name: step.name,
    description: step.description,
    traffic: step.addresses.map((a) => ({
      address: a.name,
      minAvailable: a.minAvailable,
      routes: a.routes.map((r) => {
        const total = r.backends.reduce((n, b) => n + b.weight, 0);
        return {
          conditions: r.conditions,
          versions: r.backends
            .filter((b) => b.weight > 0)
            .map((b) => {
              const d = gcd(b.weight, total);
              return { version: b.version, share: `${b.weight / d}/${total / d}`, percent: Math.round((b.weight / total) * 10000) / 100 };
            }),
        };
      }),
    })),
    then: step.gates?.length ? `analysis: ${step.gates.map((g) => g.job).join(', ')}` : step.pause ? 'pause' : 'continue',
  };
}

/** Plans the release at a path (see loadRelease). @throws ManifestReadError */
export function planPath(path: string): ReleasePlan {
  return planRelease(loadRelease(path));
}

/** Plans YAML files or folders as the phases of one release. @throws ManifestReadError */
export function planPhases(paths: readonly string[], name?: string): ReleasePlan {
  return planRelease(loadPhases(paths, name));
}

/**
 * The declared addresses, or for plain YAML the entry points: every router, and
 * every Service no router sends to.
 */
function addresses(index: PhaseIndex, declared: Array<{ name: string; minAvailable: number }> | undefined, provider?: Parameters<typeof findAddress>[2]): AddressPlan[] {
  const found: Array<{ object: K8sObject; minAvailable?: number }> = [];
  if (declared) {
    for (const a of declared) {
      const object = findAddress(index, a.name, provider);
      if (object) found.push({ object, minAvailable: a.minAvailable });
    }
  } else {
    const routers = routersOf(index);
    const behind = new Set(routers.flatMap((r) => routingOf(index, r).tables.flatMap((t) => t.routes.flatMap((route) => route.destinations.map((d) => d.destination.service)))));
    for (const o of [...routers, ...index.ofKind('Service', '').filter((s) => !behind.has(s))]) found.push({ object: o });
  }
  return found.map(({ object, minAvailable }) => ({
    address: objectRef(object),
    minAvailable,
    tables: routingOf(index, object).tables.map((t) => ({
      label: t.label,
      routes: effectiveRoutes(index, t.routes).map((r) => ({
        conditions: r.conditions,
        versions: orderedShares(r.shares).map(([version, share]) => ({ version, share: share.toString(), percent: Math.round(share.toNumber() * 10000) / 100 })),
      })),
    })),
  }));
}

function applyPlan(from: PhaseIndex | undefined, to: PhaseIndex, prune: DeclaredPrune | undefined): ApplyPlan {
  const create: string[] = [];
  const change: Array<{ object: string; fields: FieldChange[] }> = [];
  let unchanged = 0;
  for (const o of to.objects) {
    const before = from?.get(to.key(o));
    if (!before) create.push(objectRef(o));
    else {
      const fields = diffObjects(before, o);
      if (fields.length) change.push({ object: objectRef(o), fields });
      else unchanged++;
    }
  }
  const pruned: string[] = [];
  const leftRunning: string[] = [];
  for (const o of from?.objects ?? []) {
    if (to.has(from!.key(o))) continue;
    // A Namespace is listed as left running: pruning one would delete all it holds.
    const prunable = o.kind !== 'Namespace' && pruneGap(o, prune) === undefined;
    (prunable ? pruned : leftRunning).push(objectRef(o));
  }
  return { from: from?.name ?? null, create, change, prune: pruned, leftRunning, unchanged, configChanges: from ? configChanges(from, to) : [] };
}

/** The keys of two ConfigMaps' data whose values differ, by key name. */
function dataDiff(from: unknown, to: unknown): FieldChange[] {
  const a = (isRecord(from) ? from : {}) as { [key: string]: unknown };
  const b = (isRecord(to) ? to : {}) as { [key: string]: unknown };
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((k) => a[k] !== b[k])
    .map((k) => ({ path: k, ...(k in a ? { from: a[k] } : {}), ...(k in b ? { to: b[k] } : {}) }));
}

function prerequisites(indexes: readonly PhaseIndex[]): string[] {
  const rendered = renderedKeys(indexes);
  const out = new Set<string>();
  for (const index of indexes) for (const r of phaseReferences(index)) if (!rendered.has(r.key)) out.add(`${r.kind}/${r.name}`);
  return [...out].sort();
}

/**
 * Released configuration that changes with the apply, key by key: a workload of both
 * phases that swaps a ConfigMap at the same place of its pod spec (a track promoted to
 * the canary's configuration), or a workload the apply creates whose ConfigMap replaces,
 * at the same place, that of a workload of the same application in the phase before (a
 * new version beside the old one).
 */
function configChanges(from: PhaseIndex, to: PhaseIndex): ConfigChange[] {
  const out: ConfigChange[] = [];
  const configMaps = (w: PodWorkload) => new Map(podReferences(w.podSpec).filter((r) => r.kind === 'ConfigMap').map((r) => [r.field, r.name]));
  const appOf = (w: PodWorkload) => w.podLabels['app.kubernetes.io/name'];
  for (const w of to.workloads) {
    const existing = from.get(to.key(w.object));
    const before = existing ? from.workloadOf(existing) : from.workloads.find((x) => x.serving && appOf(x) !== undefined && appOf(x) === appOf(w) && x.namespace === w.namespace);
    if (!before) continue;
    const old = configMaps(before);
    for (const [field, name] of configMaps(w)) {
      const was = old.get(field);
      if (was === undefined || was === name) continue;
      const a = from.find('ConfigMap', was, before.namespace, '');
      const b = to.find('ConfigMap', name, w.namespace, '');
      if (a && b) out.push({ object: w.ref, from: was, to: name, keys: dataDiff(a.data, b.data) });
    }
  }
  return out;
}

function gatesOf(index: PhaseIndex): GatePlan[] {
  return gateJobsOf(index.objects).map((job) => {
    const kind = job.metadata.annotations![GATE_KIND];
    const env = gateSettings(job);
    const timing = `${env.COUNT} × ${env.INTERVAL}s, failureLimit ${env.FAILURE_LIMIT}`;
    const checks =
      kind === 'http'
        ? `GET ${env.URL}${env.EXPECT_STATUS ? ` → ${env.EXPECT_STATUS}` : ' → 2xx'}${env.EXPECT_BODY ? ` containing "${env.EXPECT_BODY}"` : ''} (${timing})`
        : kind === 'prometheus'
          ? `${env.QUERY} at ${env.ADDRESS}: ${env.CONDITION} (${timing})`
          : `runs ${gateImage(job)}`;
    return { job: objectRef(job), kind, checks };
  });
}
