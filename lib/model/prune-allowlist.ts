/**
 * The kinds `kubectl apply --prune` looks at. With a label selector and no
 * `--prune-allowlist`, kubectl prunes only the kinds of its built-in list (below);
 * every `--prune-allowlist=<group/version/Kind>` flag replaces that list, so a release
 * passes one flag for each kind it ever holds, the common ones included.
 */

/** An API type as kubectl's `--prune-allowlist` takes it: `group/version/Kind`, `core` for the core group. */
export function allowlistEntry(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? `core/${apiVersion}/${kind}` : `${apiVersion}/${kind}`;
}

/**
 * kubectl's default prune allowlist (`kubectl apply --prune -l` without
 * `--prune-allowlist`), from kubectl's `pkg/cmd/apply/prune` allowlist.
 */
export const DEFAULT_PRUNE_ALLOWLIST: readonly string[] = [
  'core/v1/ConfigMap',
  'core/v1/Endpoints',
  'core/v1/Namespace',
  'core/v1/PersistentVolumeClaim',
  'core/v1/PersistentVolume',
  'core/v1/Pod',
  'core/v1/ReplicationController',
  'core/v1/Secret',
  'core/v1/Service',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'networking.k8s.io/v1/Ingress',
  'apps/v1/DaemonSet',
  'apps/v1/Deployment',
  'apps/v1/ReplicaSet',
  'apps/v1/StatefulSet',
];

/**
 * The allowlist that prunes every kind of `objects`, sorted: one entry per group and
 * kind (kubectl finds the objects of a kind through any served version). Namespaces are
 * left out: they never carry the prune labels, and pruning one deletes all it holds.
 */
export function pruneAllowlistOf(objects: Iterable<{ readonly apiVersion: string; readonly kind: string }>): string[] {
  const byGroupKind = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === 'Namespace') continue;
    const entry = allowlistEntry(o.apiVersion, o.kind);
    const key = groupKind(entry);
    if (!byGroupKind.has(key)) byGroupKind.set(key, entry);
  }
  return [...byGroupKind.values()].sort();
}

/** Whether `kubectl apply --prune` with this allowlist looks at objects of this apiVersion and kind. */
export function allowlistCovers(allowlist: readonly string[], apiVersion: string, kind: string): boolean {
  const key = groupKind(allowlistEntry(apiVersion, kind));
  return allowlist.some((entry) => groupKind(entry) === key);
}

/** The arguments that follow `kubectl apply -f <phase> --prune`: `-l <selector>` and one `--prune-allowlist` per entry. */
export function pruneFlags(selector: string, allowlist: readonly string[]): string[] {
  return ['-l', selector, ...allowlist.map((entry) => `--prune-allowlist=${entry}`)];
}

/** Whether a string has the `group/version/Kind` shape kubectl accepts. */
export function isAllowlistEntry(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9.-]+\/[a-z0-9]+\/[A-Za-z0-9]+$/.test(value);
}

/** `apps/Deployment`, `core/Service`: what kubectl maps to one resource whatever the version. */
function groupKind(entry: string): string {
  const [group, , kind] = entry.split('/');
  return `${group}/${kind}`;
}
