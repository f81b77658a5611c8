/**
 * The declaration of a release, written beside its phases as `release.json`. It is
 * what the author asked for (phases, their order, traffic shares, the least capacity
 * allowed), so that a verifier can compare it with what the manifests would do.
 */
export interface DeclaredRelease {
  /** Version of this file's format. */
  readonly apiVersion: 'cdk8s-canary/v1';
  /** Value of `app.kubernetes.io/instance` on every object of the release. */
  readonly release: string;
  /** Which construct rendered the release. */
  readonly strategy: 'canary' | 'gateway' | 'smoke-active';
  /** How traffic is split: replica ratio behind one Service, or a router's weights. */
  readonly provider: TrafficProvider;
  /**
   * The controller that walks the steps once the `release` phase is applied.
   * @default - none: a pipeline applies the phases (Engine.phases())
   */
  readonly engine?: 'argo-rollouts' | 'flagger';
  /**
   * With an engine: what its controller does once `release` is applied, in order. The
   * phases then say where each folder leaves the release once the controller is done.
   * @default - none: no engine
   */
  readonly steps?: readonly DeclaredStep[];
  /** @default - none: kubectl's current namespace */
  readonly namespace?: string;
  /** `-l` selector for `kubectl apply --prune` and `kubectl rollout status`. */
  readonly pruneSelector: string;
  /**
   * `group/version/Kind` of every kind in any phase but Namespace (`apps/v1/Deployment`,
   * `core/v1/Service`, `networking.istio.io/v1/VirtualService`), sorted: pass each as
   * `--prune-allowlist` to `kubectl apply --prune`, since kubectl's default list has no
   * routes, DestinationRules or PodDisruptionBudgets. Computed from the rendered phases.
   */
  readonly pruneAllowlist: readonly string[];
  /**
   * The ApplySet the release is written as (`PruneMode.applySet()`).
   * @default - none: the release is pruned by its labels
   */
  readonly applySet?: DeclaredApplySet;
  /** In the order a pipeline applies them. */
  readonly phases: readonly DeclaredPhase[];
  /** Pairs of phases a pipeline may apply one after the other. */
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

/** The ApplySet a release is written as: its parent object and what the parent lists. */
export interface DeclaredApplySet {
  /** Value of `applyset.kubernetes.io/id` on the parent and of `applyset.kubernetes.io/part-of` on every member. */
  readonly id: string;
  /** `<Kind>/<name>` of the parent object, in the form `kubectl get` accepts. */
  readonly parent: string;
  /** Namespace of the parent object and of every member. */
  readonly namespace: string;
  /** `Kind.group` of every member kind over all phases, sorted (`Deployment.apps`, `Service`). */
  readonly groupKinds: readonly string[];
}

export type TrafficProvider = 'service' | 'istio' | 'gateway-api' | 'nginx';

export interface DeclaredPhase {
  /** Folder of the phase: `dist/<release>/<name>/`. */
  readonly name: string;
  /** One line for people: pod counts, versions and traffic share. */
  readonly description: string;
  /** One entry per stable address that receives production traffic. */
  readonly addresses: readonly DeclaredAddress[];
  /** What a pipeline waits for once the phase is applied, in order. @default - none: the phase has no gate */
  readonly gates?: readonly DeclaredGate[];
}

/** A step an engine's controller walks: the share it sets, then what decides to go on. */
export interface DeclaredStep {
  /** The phase of the phases engine it stands for, e.g. `canary-33`. */
  readonly name: string;
  /** One line for people: pod counts, versions and traffic share. */
  readonly description: string;
  /** How the addresses split requests during the step. */
  readonly addresses: readonly DeclaredAddress[];
  /** The analyses that decide, in order. @default - none: a pause decides, or nothing (see `pause`) */
  readonly gates?: readonly DeclaredGate[];
  /**
   * Waits for a person (`kubectl argo rollouts promote`) when it has no gate.
   * @default - none: the gates decide, or, with neither, the controller goes on (a blue-green promotion)
   */
  readonly pause?: { readonly seconds?: number };
}

/** A stable address (a Service, or a router in front of Services) and how it splits requests. */
export interface DeclaredAddress {
  /** Name of the Service (or VirtualService / HTTPRoute / Ingress) that is the address. */
  readonly name: string;
  /** The fewest ready pods behind the address at any moment of any transition. */
  readonly minAvailable: number;
  /** Evaluated in order, first match wins; the last route has no conditions. */
  readonly routes: readonly DeclaredRoute[];
}

export interface DeclaredRoute {
  /** All must hold for a request to take this route; empty for the default route. */
  readonly conditions: readonly RouteCondition[];
  /** Relative weights: a version receives weight / sum of weights of this route's requests. */
  readonly backends: readonly DeclaredBackend[];
}

export interface DeclaredBackend {
  /** Value of the version label of the pods that serve these requests. */
  readonly version: string;
  /** Relative weight among the backends of the route. */
  readonly weight: number;
}

export interface RouteCondition {
  /** Request header name, lower case (`cookie`, `user-agent`, `accept`). */
  readonly header: string;
  /** How the header value is compared. */
  readonly match: 'exact' | 'prefix' | 'regex';
  /** The value, or the regular expression for `regex`. */
  readonly value: string;
}

/**
 * A gate of a phase: a Job the pipeline waits for (`cdk8s-canary gate`) before it goes
 * on, and whose failure sends it to the rollback phase.
 */
export interface DeclaredGate {
  /** Short name of the gate, e.g. `smoke` or `analysis`. */
  readonly name: string;
  /** Name of its Job in the phase: the gate name, the phase and the versions under test. */
  readonly job: string;
  /** What it measures: an HTTP check, a Prometheus query, or a Job of the author's. */
  readonly kind: 'http' | 'prometheus' | 'job';
  /** The versions under test, comma-separated (`1.1.0`, `frontend=v2,backend=v2`). */
  readonly versions: string;
  /** The URL requested (http) or the Prometheus server (prometheus). @default - none: a job gate */
  readonly target?: string;
  /** Measurements at most. @default - none: a job gate */
  readonly count?: number;
  /** Seconds between two measurements. @default - none: a job gate */
  readonly intervalSeconds?: number;
  /** Seconds before the first measurement. @default - none: a job gate */
  readonly initialDelaySeconds?: number;
  /** Measurements that may fail while the gate still passes. @default - none: a job gate */
  readonly failureLimit?: number;
  /** Seconds one measurement may take. @default - none: a job gate */
  readonly timeoutSeconds?: number;
  /** Seconds after which the Job fails: initialDelay + count × (interval + timeout) + 60. */
  readonly activeDeadlineSeconds: number;
  /** Status every answer must have (http). @default - any 2xx */
  readonly expectStatus?: number;
  /** Text every answer must contain (http). @default - any body */
  readonly expectBody?: string;
  /** The PromQL query, placeholders filled (prometheus). @default - none */
  readonly query?: string;
  /** Condition every series of the result must meet (prometheus). @default - none */
  readonly successCondition?: string;
}
