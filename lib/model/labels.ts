/**
 * Label keys. Selectors are built from these explicitly and never from the construct
 * tree, so moving a construct in code never changes an immutable Deployment selector.
 */
export const Labels = {
  /** The application (one per image lineage): what the production Service selects. */
  NAME: 'app.kubernetes.io/name',
  /** The release: every object of one release carries it, which scopes `kubectl apply --prune`. */
  INSTANCE: 'app.kubernetes.io/instance',
  /** The version a pod runs; changes with the image, never part of a Deployment selector. */
  VERSION: 'app.kubernetes.io/version',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  /** Default key of the track label (`stable` / `canary`), as in the Kubernetes canary docs. */
  TRACK: 'track',
} as const;

export const MANAGED_BY = 'cdk8s-canary';

/** Labels that every object of a release carries: they make pruning safe and scoped to it. */
export function releaseLabels(release: string): { [key: string]: string } {
  return { [Labels.INSTANCE]: release, [Labels.MANAGED_BY]: MANAGED_BY };
}

/** The label selector that `kubectl apply --prune -l` needs for a release. */
export function pruneSelector(release: string): string {
  return `${Labels.INSTANCE}=${release},${Labels.MANAGED_BY}=${MANAGED_BY}`;
}
