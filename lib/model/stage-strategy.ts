/**
 * How the new version is tried beside the active one, after the two strategies of
 * the seamless-deployment example.
 */
export enum StageStrategy {
  /**
   * No compatibility across versions is assumed: a frontend only ever calls the
   * backend of its own version. Each backend version runs as its own Deployment
   * behind its own Service (`backend-v1`, `backend-v2`) and each frontend is told
   * which one to call. Phases: `initial-active`, `smoke`, `upgrade-active`, `cleanup`.
   */
  ISOLATED = 'isolated',
  /**
   * The new backend accepts requests from the old frontend. Each stage has its own
   * backend (`backend-active`, `backend-smoke`) upgraded in place: the smoke copy
   * starts on the active version, gets the new backend, then the new frontend, each
   * step smoke-tested; then the active stage goes through the same two steps.
   * Phases: `initial-active`, `smoke`, `smoke-backend`, `smoke-frontend`,
   * `upgrade-active-backend`, `upgrade-active-frontend`, `cleanup`.
   */
  COMPATIBLE = 'compatible',
}

/** What becomes of the objects the release no longer needs, in its last phase. */
export enum CleanupMode {
  /**
   * Their Deployments stay with 0 replicas, as the seed does with `kubectl scale
   * --replicas=0`: scaling them up again is the quickest way back. Their Services are
   * pruned (a Service without endpoints only turns stray requests into errors) and come
   * back with the pods. The next release prunes the Deployments.
   */
  SCALE_TO_ZERO = 'scale-to-zero',
  /** They are left out of the last phase, so `kubectl apply --prune` deletes them. */
  REMOVE = 'remove',
}

/** The two places a frontend version runs. */
export type Stage = 'active' | 'smoke';

/**
 * Label keys of staged releases. Both are fixed for the life of a Deployment, so
 * unlike `app.kubernetes.io/version` they may be part of its selector.
 */
export const StageLabels = {
  /** `active` or `smoke`: which copy of the application a pod belongs to (the seed's label). */
  STAGE: 'deploy-stage',
  /** The version a per-version backend Deployment (`backend-v1`) runs for all its life. */
  VERSION_LINE: 'deploy-version',
} as const;

/**
 * The label that, with the tier name, selects a Deployment's pods: its stage when it has
 * one for all its life (a frontend copy, a backend upgraded in place), else its version (a
 * per-version backend). The plan and the rendered Deployments both take it from here: a
 * Deployment's selector can never change once applied.
 */
export function stageSelector(stage: Stage | undefined, version: string): readonly [key: string, value: string] {
  return stage ? [StageLabels.STAGE, stage] : [StageLabels.VERSION_LINE, version];
}
