import { allowlistCovers, allowlistEntry } from '../../model/prune-allowlist';
import { DeclaredRelease } from '../../model/release';
import { Finding, FindingSink, transitionName } from '../finding';
import { get, isRecord, jsonEqual, K8sObject, labelsOf, objectRef } from '../loading/manifest';
import { PhaseIndex, serviceSelector } from '../loading/phase-index';
import { steadyCapacity, transitionCapacity, PodPredicate } from '../capacity/capacity';
import { describeSelector, mapMatches, readLabelSelector } from '../loading/selectors';

/**
 * Transitions between two phases a pipeline applies one after the other:
 * - no immutable field changes (the API server would reject the apply half-way);
 * - every object the second phase drops is pruned by `kubectl apply --prune -l <selector>
 *   --prune-allowlist=...`: it carries the prune labels and its kind is in the declared allowlist;
 * - no Service goes from serving pods to serving none, at any moment of the transition;
 * - no Deployment or StatefulSet drops `spec.replicas` (client-side apply would scale it to 1).
 */
export function checkTransition(release: string, from: PhaseIndex, to: PhaseIndex, prune: DeclaredPrune | undefined): Finding[] {
  const sink = new FindingSink(release, 'transition');
  const phase = transitionName(from.name, to.name);
  const add = (o: K8sObject, field: string, message: string) => sink.add(phase, objectRef(o), field, message);

  for (const after of to.objects) {
    const before = from.get(to.key(after));
    if (before) {
      immutableFields(before, after, add);
      replicasRemoval(before, after, add);
    }
  }
  for (const gone of from.objects) {
    if (to.has(from.key(gone)) || gone.kind === 'Namespace') continue;
    removal(gone, prune, add);
  }
  for (const service of to.ofKind('Service', '')) {
    const before = from.get(to.key(service));
    if (!before) continue;
    const wasServing = steadyCapacity(from, servicePredicate(from, before));
    if (wasServing === 0) continue;
    const c = transitionCapacity(from, to, servicePredicate(to, service));
    if (c.least > 0) continue;
    const when = c.parts.some((p) => p.after > 0) ? 'while the rollouts run' : 'once the phase is applied';
    const why = c.parts.map((p) => p.note);
    add(service, 'spec.selector', `goes from ${wasServing} ready pod${wasServing === 1 ? '' : 's'} to none ${when}${why.length ? ` (${why.join('; ')})` : ''}`);
  }
  return sink.findings;
}

function servicePredicate(index: PhaseIndex, service: K8sObject): PodPredicate {
  const selector = serviceSelector(service);
  const ns = index.namespaceOf(service);
  if (!selector || Object.keys(selector).length === 0) return () => false;
  return (labels, namespace) => (namespace === ns || namespace === '' || ns === '') && mapMatches(selector, labels);
}

type Add = (o: K8sObject, field: string, message: string) => void;

/**
 * A Deployment or StatefulSet whose `spec.replicas` a phase leaves out, after one that set
 * it: `kubectl apply` (client-side) removes the field, and the API server sets its
 * default, 1, at once, before any autoscaler can act. Kubernetes' "Migrating Deployments
 * and StatefulSets to horizontal autoscaling" describes the fix: remove the field from
 * the last-applied configuration first, or apply server-side.
 */
function replicasRemoval(before: K8sObject, after: K8sObject, add: Add): void {
  if (after.kind !== 'Deployment' && after.kind !== 'StatefulSet') return;
  const was = get(before, 'spec', 'replicas');
  if (was === undefined || get(after, 'spec', 'replicas') !== undefined) return;
  add(
    after,
    'spec.replicas',
    `removed (it was ${JSON.stringify(was)}): client-side \`kubectl apply\` deletes the field and the API server scales the ${after.kind} to 1 at once; ` +
      'run `kubectl apply edit-last-applied` to drop it first, or apply with --server-side',
  );
}

/** StatefulSet spec fields the API server lets an update change. */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit']);

function immutableFields(before: K8sObject, after: K8sObject, add: Add): void {
  const fixed = (field: string, what: string, change: string) =>
    add(after, field, `${change}: ${what} is immutable, so \`kubectl apply\` of this phase fails; keep it as it is, or give the object a new name`);
  const changed = (...path: string[]) => !jsonEqual(get(before, ...path), get(after, ...path));
  switch (after.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (changed('spec', 'selector')) fixed('spec.selector', `the selector of a ${after.kind}`, selectorChange(before, after));
      break;
    case 'StatefulSet': {
      const keys = new Set([...Object.keys(specOf(before)), ...Object.keys(specOf(after))]);
      for (const key of [...keys].sort()) {
        if (STATEFULSET_MUTABLE.has(key) || !changed('spec', key)) continue;
        fixed(`spec.${key}`, `spec.${key} of a StatefulSet`, key === 'selector' ? selectorChange(before, after) : 'changes');
      }
      break;
    }
    case 'Job':
      if (changed('spec', 'template')) fixed('spec.template', 'the pod template of a Job', 'changes');
      if (changed('spec', 'selector')) fixed('spec.selector', 'the selector of a Job', selectorChange(before, after));
      break;
    case 'Service': {
      const ip = get(after, 'spec', 'clusterIP');
      if (typeof ip === 'string' && ip !== '' && ip !== get(before, 'spec', 'clusterIP')) {
        const was = get(before, 'spec', 'clusterIP');
        fixed('spec.clusterIP', 'the clusterIP of a Service', `changes from ${typeof was === 'string' ? JSON.stringify(was) : 'the one the cluster allocated'} to ${JSON.stringify(ip)}`);
      }
      break;
    }
    case 'PersistentVolumeClaim':
      for (const key of ['accessModes', 'storageClassName', 'selector', 'volumeMode', 'volumeName', 'dataSource']) {
        if (changed('spec', key)) fixed(`spec.${key}`, `spec.${key} of a PersistentVolumeClaim`, 'changes');
      }
      break;
    case 'ConfigMap':
    case 'Secret':
      if (get(before, 'immutable') === true) {
        for (const key of ['data', 'binaryData', 'stringData']) if (changed(key)) fixed(key, `the ${key} of an immutable ${after.kind}`, 'changes');
      }
      if (after.kind === 'Secret' && changed('type')) fixed('type', 'the type of a Secret', 'changes');
      break;
  }
}

function specOf(o: K8sObject): { readonly [key: string]: unknown } {
  const spec = get(o, 'spec');
  return isRecord(spec) ? spec : {};
}

function selectorChange(before: K8sObject, after: K8sObject): string {
  const show = (o: K8sObject) => {
    const s = readLabelSelector(get(o, 'spec', 'selector'));
    return s ? describeSelector(s) : 'none';
  };
  return `changes from ${show(before)} to ${show(after)}`;
}

/**
 * Why `kubectl apply --prune` with the declared selector and allowlist would leave an
 * object running: no selector at all, labels it lacks, or a kind the allowlist misses;
 * undefined when it would be pruned.
 */
export function pruneGap(o: K8sObject, prune: DeclaredPrune | undefined): 'no-selector' | 'labels' | 'kind' | undefined {
  if (!prune || Object.keys(prune.labels).length === 0) return 'no-selector';
  if (!mapMatches(prune.labels, labelsOf(o))) return 'labels';
  if (!allowlistCovers(prune.allowlist, o.apiVersion, o.kind)) return 'kind';
  return undefined;
}

function removal(gone: K8sObject, prune: DeclaredPrune | undefined, add: Add): void {
  const gap = pruneGap(gone, prune);
  if (gap === 'no-selector') {
    add(gone, '', 'is left out of this phase, but the release declares no prune selector: `kubectl apply` leaves it running (delete it, or verify a release folder with a release.json)');
  } else if (gap === 'labels') {
    const labels = labelsOf(gone);
    const missing = Object.entries(prune!.labels).filter(([k, v]) => labels[k] !== v).map(([k, v]) => `${k}=${v}`);
    add(gone, 'metadata.labels', `is left out of this phase but lacks ${missing.join(', ')}: \`kubectl apply --prune -l ${prune!.selector}\` leaves it running`);
  } else if (gap === 'kind') {
    const entry = allowlistEntry(gone.apiVersion, gone.kind);
    add(gone, 'kind', `is left out of this phase, but ${entry} is not in the release's pruneAllowlist: \`kubectl apply --prune\` prunes ${gone.kind} only when the pipeline passes --prune-allowlist=${entry}`);
  }
}

/** What a release declares about pruning: the selector, its labels, and the kinds kubectl looks at. */
export interface DeclaredPrune {
  /** `-l` of `kubectl apply --prune`, as declared. */
  readonly selector: string;
  /** Its label equalities. */
  readonly labels: { readonly [key: string]: string };
  /** `group/version/Kind` of the kinds kubectl looks at. */
  readonly allowlist: readonly string[];
}

/** The prune declaration of a release.json; undefined when it declares no selector. */
export function declaredPrune(decl: Pick<DeclaredRelease, 'pruneSelector' | 'pruneAllowlist'> | undefined): DeclaredPrune | undefined {
  if (decl?.pruneSelector === undefined) return undefined;
  return { selector: decl.pruneSelector, labels: parsePruneSelector(decl.pruneSelector), allowlist: decl.pruneAllowlist };
}

/** `a=b,c=d` (or `a==b`) into a map; other requirements are not label equalities and are ignored. */
export function parsePruneSelector(selector: string): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const part of selector.split(',')) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^=\s]*)\s*$/.exec(part);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

