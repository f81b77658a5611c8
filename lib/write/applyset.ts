import { createHash } from 'crypto';
import { Checks } from '../model/checks';
import { Labels, MANAGED_BY, releaseLabels } from '../model/labels';
import { DeclaredApplySet } from '../model/release';
import { Manifest } from './manifest-order';
import { apiGroup, isClusterScopedKind } from '../model/kinds';

/**
 * Keys of the ApplySet specification (KEP-3659, `kubectl apply --prune` v2).
 * https://git.k8s.io/enhancements/keps/sig-cli/3659-kubectl-apply-prune
 */
export const ApplySetKeys = {
  /** Label of the parent object: the id of the set. */
  ID: 'applyset.kubernetes.io/id',
  /** Label of every member: the id of the set it belongs to. */
  PART_OF: 'applyset.kubernetes.io/part-of',
  /** Annotation of the parent: `<tool>/<version>` of the tool that owns the set. */
  TOOLING: 'applyset.kubernetes.io/tooling',
  /** Annotation of the parent: the `Kind.group` of every member, sorted, comma-separated. */
  CONTAINS_GROUP_KINDS: 'applyset.kubernetes.io/contains-group-kinds',
} as const;

/**
 * Value of the tooling annotation. Tools must not change a set another tool owns, so
 * kubectl's own `--applyset` flag leaves these sets alone; the version is the version of
 * this layout, not of the package, so that upgrading the package does not touch the parent.
 */
export const APPLYSET_TOOLING = `${MANAGED_BY}/v1`;

/** What identifies an ApplySet parent object. */
export interface ApplySetParentRef {
  /** Name of the parent object. */
  readonly name: string;
  /** Empty for a cluster-scoped parent. */
  readonly namespace: string;
  /** Kind of the parent object (`ConfigMap`, `Secret`). */
  readonly kind: string;
  /** API group, empty for the core group (ConfigMap, Secret). */
  readonly group: string;
}

/**
 * The id of the set a parent object tracks, exactly as the specification and kubectl
 * compute it: `applyset-` + base64url(sha256(`<name>.<namespace>.<kind>.<group>`)) + `-v1`,
 * unpadded (label values must start and end with an alphanumeric character).
 */
export function applySetId(parent: ApplySetParentRef): string {
  const hash = createHash('sha256').update([parent.name, parent.namespace, parent.kind, parent.group].join('.')).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** Options of the ApplySet prune mode. */
export interface ApplySetOptions {
  /**
   * Namespace written into the namespaced objects of releases that set none. An
   * ApplySet's id includes the namespace of its parent, so it cannot be left to
   * kubectl's current namespace.
   * @default - every release must set its own namespace
   */
  readonly namespace?: string;
}

/** How `kubectl apply --prune` finds the objects a phase no longer contains. */
export class PruneMode {
  /**
   * Prune by the release's labels (`app.kubernetes.io/instance` and
   * `app.kubernetes.io/managed-by`): works with every kubectl. The default.
   */
  public static labelSelector(): PruneMode {
    return new PruneMode('labels', {});
  }

  /**
   * Write each release as an ApplySet: a parent ConfigMap `<release>-applyset` in the
   * release's namespace (the same in every phase) lists the kinds of the set, and every
   * member carries `applyset.kubernetes.io/part-of`. The release's `pruneSelector`
   * becomes that label. Opt-in: ApplySets are alpha in kubectl.
   */
  public static applySet(options: ApplySetOptions = {}): PruneMode {
    return new PruneMode('applyset', options);
  }

  private constructor(
    /** `labels` or `applyset`. */
    public readonly kind: 'labels' | 'applyset',
    /** Options of the ApplySet mode. */
    public readonly options: ApplySetOptions,
  ) {}
}

/** The rendered manifests of one phase of one release. */
export interface PhaseManifests {
  /** Name of the release: the first folder of the output. */
  readonly release: string;
  /** Name of the phase: the second folder of the output. */
  readonly phase: string;
  /** Its objects, as written to `manifest.yaml`. */
  readonly manifests: Manifest[];
}

/**
 * Turns every release into an ApplySet, in place: labels each namespaced object with
 * `applyset.kubernetes.io/part-of` and adds the parent ConfigMap to each phase. The
 * parent lists the kinds of every phase, so it is byte-identical in all of them and a
 * prune after any phase looks at every kind the release ever had. Returns the set of
 * each release, for its `release.json`.
 */
export function addApplySets(phases: readonly PhaseManifests[], options: ApplySetOptions = {}): Map<string, DeclaredApplySet> {
  const byRelease = new Map<string, PhaseManifests[]>();
  for (const p of phases) byRelease.set(p.release, [...(byRelease.get(p.release) ?? []), p]);

  const sets = new Map<string, DeclaredApplySet>();
  for (const [release, releasePhases] of byRelease) {
    const check = new Checks(release);
    const fallback = options.namespace === undefined ? undefined : check.dnsLabel('applySet.namespace', options.namespace);
    // Cluster-scoped objects are never members (pruning a Namespace deletes all it holds).
    const members = releasePhases.flatMap((p) => p.manifests.filter((m) => !isClusterScopedKind(m.kind)));
    const namespaces = new Set(members.map((m) => m.metadata.namespace ?? fallback));
    if (namespaces.has(undefined)) {
      check.fail('applySet.namespace', undefined, "a namespace: an ApplySet's id includes its namespace, so set `namespace` on the release or in PruneMode.applySet({ namespace })");
    }
    if (namespaces.size !== 1) {
      check.fail('namespace', [...namespaces].sort(), 'a single namespace per release in ApplySet mode (one parent object tracks one namespace)');
    }
    const namespace = [...namespaces][0] as string;
    const parent: ApplySetParentRef = { name: `${release}-applyset`, namespace, kind: 'ConfigMap', group: '' };
    const id = applySetId(parent);
    const groupKinds = [...new Set(members.map(groupKind))].sort();

    for (const m of members) {
      const meta = m.metadata as { namespace?: string; labels?: { [key: string]: string } };
      meta.namespace = namespace;
      meta.labels = { ...meta.labels, [ApplySetKeys.PART_OF]: id };
    }
    for (const p of releasePhases) {
      p.manifests.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: parent.name,
          namespace,
          labels: { [Labels.NAME]: release, ...releaseLabels(release), [ApplySetKeys.ID]: id },
          annotations: { [ApplySetKeys.TOOLING]: APPLYSET_TOOLING, [ApplySetKeys.CONTAINS_GROUP_KINDS]: groupKinds.join(',') },
        },
      } as Manifest);
    }
    sets.set(release, { id, parent: `ConfigMap/${parent.name}`, namespace, groupKinds });
  }
  return sets;
}

/** `Deployment.apps`, or just `Service` for the core group, as kubectl writes a GroupKind. */
function groupKind(m: Manifest): string {
  const group = apiGroup(m.apiVersion);
  return group ? `${m.kind}.${group}` : m.kind;
}
