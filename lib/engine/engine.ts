import { Checks, keysOf, orDefault } from '../model/checks';
import { Limits } from '../model/limits';
import { FlaggerOptions, OwnProvider, ResolvedFlagger, resolveFlaggerOptions } from './flagger/options';

/** Which engine walks a release's steps. */
export type EngineKind = 'phases' | 'argo-rollouts' | 'flagger';

/** Options of the Argo Rollouts engine. */
export interface ArgoRolloutsOptions {
  /**
   * ReplicaSets of earlier revisions the Rollout keeps, for `kubectl argo rollouts undo`.
   * @default 10 (Argo Rollouts' default)
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Seconds the canary ReplicaSet stays up after an abort, so that its pods can be looked
   * at; Argo Rollouts scales it down after that.
   * @default 30 (Argo Rollouts' default)
   */
  readonly abortScaleDownDelaySeconds?: number;
  /**
   * Blue-green only: seconds the old ReplicaSet keeps its pods after the promotion has
   * switched the active Service to the new one, so that kube-proxy, meshes and ingress
   * controllers stop sending it requests before its pods go (and so that an abort during
   * the post-promotion analysis switches back to pods that still run).
   * @default 30 (Argo Rollouts' default, written out)
   */
  readonly scaleDownDelaySeconds?: number;
}

/** Options after their checks. */
export interface ResolvedArgoRollouts {
  /** @default - Argo Rollouts' default */
  readonly revisionHistoryLimit?: number;
  /** @default - Argo Rollouts' default */
  readonly abortScaleDownDelaySeconds?: number;
  /** Blue-green only. */
  readonly scaleDownDelaySeconds: number;
}

/** Argo Rollouts' own default of `scaleDownDelaySeconds`. */
export const ARGO_SCALE_DOWN_DELAY_SECONDS = 30;

const ARGO_KEYS = keysOf<ArgoRolloutsOptions>({ revisionHistoryLimit: true, abortScaleDownDelaySeconds: true, scaleDownDelaySeconds: true });

/**
 * Who walks a release from one step to the next.
 *
 * - `Engine.phases()`: the release is written as one folder per phase, and a pipeline
 *   applies them one after the other (no controller in the cluster).
 * - `Engine.argoRollouts()`: the same definition as the objects of Argo Rollouts (a
 *   `Rollout` whose canary steps are the declared steps — or, for a Gateway whose phases
 *   each send every request to one version, a blue-green Rollout with an active and a
 *   preview Service — and `AnalysisTemplate`s from the gates): applying the new version
 *   starts the controller, which walks the steps, runs the analyses and promotes or
 *   aborts by itself.
 */
export class Engine {
  /** One folder per phase, applied by a pipeline. */
  public static phases(): Engine {
    return new Engine('phases', {});
  }

  /** Argo Rollouts (v1.9): requires its controller and CRDs in the cluster. */
  public static argoRollouts(options: ArgoRolloutsOptions = {}): Engine {
    return new Engine('argo-rollouts', options);
  }

  /**
   * Flagger (v1.44): a `Canary` over the app's Deployment, with a router Flagger drives
   * (`provider`), MetricTemplates and webhooks from the gates; requires Flagger, its CRDs
   * and, for HTTP gates, its loadtester in the cluster (see docs/flagger.md). A Gateway
   * routes with its own `provider`; a CanaryApp names one here.
   */
  public static flagger(options: FlaggerOptions = {}): Engine {
    return new Engine('flagger', options);
  }

  public static isEngine(x: unknown): x is Engine {
    return x instanceof Engine;
  }

  private constructor(
    public readonly kind: EngineKind,
    private readonly options: ArgoRolloutsOptions | FlaggerOptions,
  ) {}

  /** @internal The Argo Rollouts options, checked; errors name `field`. */
  public _argoRollouts(check: Checks, field: string): ResolvedArgoRollouts {
    const o = check.object(`${field}.options`, this.options, 'an object of ArgoRolloutsOptions') as ArgoRolloutsOptions;
    check.knownKeys(field, o, ARGO_KEYS, 'ArgoRolloutsOptions');
    return {
      revisionHistoryLimit: o.revisionHistoryLimit === undefined ? undefined : check.integer(`${field}.revisionHistoryLimit`, o.revisionHistoryLimit, 0, 1000),
      abortScaleDownDelaySeconds: o.abortScaleDownDelaySeconds === undefined ? undefined : check.integer(`${field}.abortScaleDownDelaySeconds`, o.abortScaleDownDelaySeconds, 0, Limits.MAX_SECONDS),
      scaleDownDelaySeconds: check.integer(`${field}.scaleDownDelaySeconds`, orDefault(o.scaleDownDelaySeconds, ARGO_SCALE_DOWN_DELAY_SECONDS), 0, Limits.MAX_SECONDS),
    };
  }

  /** @internal The Flagger options, checked; errors name `field`; `own` is the construct's own router, if it has one. */
  public _flagger(check: Checks, field: string, own?: OwnProvider): ResolvedFlagger {
    return resolveFlaggerOptions(check, field, this.options, own);
  }

  public toString(): string {
    return this.kind === 'phases' ? 'Engine.phases()' : this.kind === 'flagger' ? 'Engine.flagger()' : 'Engine.argoRollouts()';
  }
}

/** The engine prop after its check: an Engine, or the default. */
export function resolveEngine(check: Checks, field: string, given: unknown): Engine {
  const engine = orDefault(given as Engine | undefined, Engine.phases());
  if (!Engine.isEngine(engine)) check.fail(field, given, 'Engine.phases(), Engine.argoRollouts() or Engine.flagger()');
  return engine;
}
