import { k8s } from './k8s';
import { Checks, keysOf } from '../model/checks';
import { isDataKey } from './env-value';
import { quantity } from './quantity';

/** Where an emptyDir lives. */
export enum EmptyDirMedium {
  /** The node's disk (or whatever backs the kubelet's root directory). */
  DISK = '',
  /** A tmpfs in RAM: fast, wiped on reboot, and counted in the container's memory limit. */
  MEMORY = 'Memory',
}

/** How a PersistentVolumeClaim may be mounted, as its `accessModes` say. */
export enum ClaimAccessMode {
  /** Mounted read-write by one node at a time. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by one pod at a time. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Mounted read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Mounted read-write by many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** Options of a volume made of the keys of a ConfigMap or a Secret. */
export interface KeysVolumeOptions {
  /** Only these keys, each at the given path in the volume. @default - every key, as a file of its name */
  readonly items?: { [key: string]: string };
  /** Permission bits of the files, e.g. 0o440. @default - Kubernetes' default (0o644) */
  readonly defaultMode?: number;
  /** Start the pod even when the ConfigMap or Secret does not exist. @default false */
  readonly optional?: boolean;
}

/** Options of an emptyDir. */
export interface EmptyDirOptions {
  /** @default EmptyDirMedium.DISK */
  readonly medium?: EmptyDirMedium;
  /** Largest size, a Kubernetes quantity such as '1Gi': the pod is evicted beyond it. @default - no limit */
  readonly sizeLimit?: string;
}

/** Options of a volume backed by an existing PersistentVolumeClaim. */
export interface ClaimVolumeOptions {
  /**
   * The claim's access mode, as it was created. Every release here runs more than one pod
   * at some moment (a rolling update surges, a canary runs beside stable), so a claim only
   * one node or pod can mount (ReadWriteOnce, ReadWriteOncePod) is refused: the extra pod
   * would hang in ContainerCreating on another node.
   * @default ClaimAccessMode.READ_WRITE_ONCE, the most common, and so refused
   */
  readonly accessMode?: ClaimAccessMode;
  /** Mount the claim read-only in every pod. @default false */
  readonly readOnly?: boolean;
}

/** A projected service account token, for workload identity with a cloud or vault. */
export interface ServiceAccountTokenProjection {
  /** Who the token is for, e.g. 'sts.amazonaws.com' or 'vault'. */
  readonly audience: string;
  /** Path of the token file in the volume. @default 'token' */
  readonly path?: string;
  /** Lifetime; the kubelet refreshes the file well before it ends. At least 600. @default 3600 */
  readonly expirationSeconds?: number;
}

/** What a projected volume combines. */
export interface ProjectedVolumeOptions {
  /** ConfigMaps whose every key becomes a file. @default - none */
  readonly configMaps?: string[];
  /** Secrets whose every key becomes a file. @default - none */
  readonly secrets?: string[];
  /** File that holds the pod's labels (downward API), following changes. @default - none */
  readonly podLabelsPath?: string;
  /** File that holds the pod's annotations (downward API), following changes. @default - none */
  readonly podAnnotationsPath?: string;
  /** A service account token of its own audience. @default - none */
  readonly serviceAccountToken?: ServiceAccountTokenProjection;
}

type Source =
  | { kind: 'configMap' | 'secret'; name: string; options?: KeysVolumeOptions }
  | { kind: 'emptyDir'; options?: EmptyDirOptions }
  | { kind: 'claim'; name: string; options?: ClaimVolumeOptions }
  | { kind: 'projected'; options: ProjectedVolumeOptions };

/** What a ConfigMap or Secret volume references: the plan lists them as prerequisites. */
export interface VolumeReference {
  /** Kind of the object the volume reads. */
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  /** Its name, in the pod's namespace. */
  readonly name: string;
}

/**
 * A volume of the pod, named by its key in `volumes` and mounted with `mounts`. Made with
 * a static factory; options are checked with the construct, so errors name it and the field.
 */
export class Volume {
  /** The keys of an existing ConfigMap, as files. */
  public static fromConfigMap(configMapName: string, options?: KeysVolumeOptions): Volume {
    return new Volume({ kind: 'configMap', name: configMapName, options });
  }

  /** The keys of an existing Secret, as files (tmpfs: never written to the node's disk). */
  public static fromSecret(secretName: string, options?: KeysVolumeOptions): Volume {
    return new Volume({ kind: 'secret', name: secretName, options });
  }

  /** Scratch space that lives as long as the pod. */
  public static emptyDir(options?: EmptyDirOptions): Volume {
    return new Volume({ kind: 'emptyDir', options });
  }

  /** An existing PersistentVolumeClaim; see ClaimVolumeOptions.accessMode for which claims a release can share. */
  public static fromPersistentVolumeClaim(claimName: string, options?: ClaimVolumeOptions): Volume {
    return new Volume({ kind: 'claim', name: claimName, options });
  }

  /** Several sources in one directory: ConfigMaps, Secrets, pod labels and annotations, a service account token. */
  public static projected(options: ProjectedVolumeOptions): Volume {
    return new Volume({ kind: 'projected', options });
  }

  /** Whether `x` is a Volume, of this copy of the package or another. */
  public static isVolume(x: unknown): x is Volume {
    return typeof x === 'object' && x !== null && typeof (x as Volume)._render === 'function';
  }

  private constructor(private readonly source: Source) {}

  /** @internal The rendered volume, and the objects it needs that the release does not render. */
  public _render(check: Checks, field: string, name: string): { volume: k8s.Volume; references: VolumeReference[]; readOnly: boolean } {
    const s = this.source;
    switch (s.kind) {
      case 'configMap':
      case 'secret': {
        const ref = check.dnsSubdomain(`${field}.${s.kind === 'secret' ? 'secretName' : 'configMapName'}`, s.name);
        const keys = keysSource(check, field, s.options);
        const volume: k8s.Volume = s.kind === 'secret' ? { name, secret: { secretName: ref, ...keys } } : { name, configMap: { name: ref, ...keys } };
        return { volume, references: [{ kind: s.kind === 'secret' ? 'Secret' : 'ConfigMap', name: ref }], readOnly: true };
      }
      case 'emptyDir': {
        const o = check.object(field, s.options ?? {}, 'emptyDir options such as { sizeLimit: "1Gi" }') as EmptyDirOptions;
        check.knownKeys(field, o, EMPTY_DIR_KEYS, 'EmptyDirOptions');
        const medium = o.medium === undefined ? undefined : check.oneOf(`${field}.medium`, o.medium, Object.values(EmptyDirMedium));
        const sizeLimit = o.sizeLimit === undefined ? undefined : quantity(check, `${field}.sizeLimit`, o.sizeLimit).text;
        return { volume: { name, emptyDir: { medium: medium || undefined, sizeLimit: sizeLimit === undefined ? undefined : k8s.Quantity.fromString(sizeLimit) } }, references: [], readOnly: false };
      }
      case 'claim': {
        const claimName = check.dnsSubdomain(`${field}.claimName`, s.name);
        const o = check.object(field, s.options ?? {}, 'claim options such as { accessMode: ClaimAccessMode.READ_WRITE_MANY }') as ClaimVolumeOptions;
        check.knownKeys(field, o, CLAIM_KEYS, 'ClaimVolumeOptions');
        const mode = check.oneOf(`${field}.accessMode`, o.accessMode ?? ClaimAccessMode.READ_WRITE_ONCE, Object.values(ClaimAccessMode));
        if (mode === ClaimAccessMode.READ_WRITE_ONCE || mode === ClaimAccessMode.READ_WRITE_ONCE_POD) {
          check.fail(
            `${field}.accessMode`,
            mode,
            `ClaimAccessMode.READ_WRITE_MANY or READ_ONLY_MANY: every release runs two pods of ${claimName} at once (the surge of a rolling update, a canary beside stable), and a ${mode} claim mounts on one ${mode === ClaimAccessMode.READ_WRITE_ONCE ? 'node' : 'pod'} only, so the other pod hangs; use a StatefulSet for storage of its own per pod`,
          );
        }
        const readOnly = o.readOnly === undefined ? mode === ClaimAccessMode.READ_ONLY_MANY : check.boolean(`${field}.readOnly`, o.readOnly);
        return { volume: { name, persistentVolumeClaim: { claimName, readOnly: readOnly || undefined } }, references: [{ kind: 'PersistentVolumeClaim', name: claimName }], readOnly };
      }
      case 'projected':
        return projected(check, field, name, s.options);
    }
  }
}

const KEYS_KEYS = keysOf<KeysVolumeOptions>({ items: true, defaultMode: true, optional: true });
const EMPTY_DIR_KEYS = keysOf<EmptyDirOptions>({ medium: true, sizeLimit: true });
const CLAIM_KEYS = keysOf<ClaimVolumeOptions>({ accessMode: true, readOnly: true });
const PROJECTED_KEYS = keysOf<ProjectedVolumeOptions>({ configMaps: true, secrets: true, podLabelsPath: true, podAnnotationsPath: true, serviceAccountToken: true });
const TOKEN_KEYS = keysOf<ServiceAccountTokenProjection>({ audience: true, path: true, expirationSeconds: true });
// A relative path inside the volume: no '..' element, no leading '/'.
const RELATIVE_PATH = /^(?!\.\.(\/|$))(?!.*\/\.\.(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

function keysSource(check: Checks, field: string, given: KeysVolumeOptions | undefined) {
  const o = check.object(field, given ?? {}, 'options such as { items: { "app.yaml": "app.yaml" } }') as KeysVolumeOptions;
  check.knownKeys(field, o, KEYS_KEYS, 'KeysVolumeOptions');
  const items = o.items === undefined ? undefined : Object.entries(check.object(`${field}.items`, o.items, 'an object { key: path in the volume }')).map(([key, path]) => {
    if (!isDataKey(key)) check.fail(`${field}.items`, key, "a key of letters, digits, '-', '_' and '.'");
    return { key, path: relativePath(check, `${field}.items.${key}`, path) };
  });
  if (items && items.length === 0) check.fail(`${field}.items`, o.items, 'at least one key (leave items out for every key)');
  return {
    items,
    defaultMode: o.defaultMode === undefined ? undefined : check.integer(`${field}.defaultMode`, o.defaultMode, 0, 0o777),
    optional: o.optional === undefined ? undefined : check.boolean(`${field}.optional`, o.optional) || undefined,
  };
}

export function relativePath(check: Checks, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 253 || !RELATIVE_PATH.test(value)) {
    check.fail(field, value, "a relative path of letters, digits, '.', '_' and '-' segments, without '..' (e.g. 'config/app.yaml')");
  }
  return value;
}

function projected(check: Checks, field: string, name: string, given: ProjectedVolumeOptions) {
  const o = check.object(field, given, 'projected sources such as { configMaps: ["app"], serviceAccountToken: { audience: "vault" } }') as ProjectedVolumeOptions;
  check.knownKeys(field, o, PROJECTED_KEYS, 'ProjectedVolumeOptions');
  const names = (f: 'configMaps' | 'secrets') => (o[f] === undefined ? [] : check.list(`${field}.${f}`, o[f], 'a list of names', 0).map((n, i) => check.dnsSubdomain(`${field}.${f}[${i}]`, n)));
  const configMaps = names('configMaps');
  const secrets = names('secrets');
  const sources: NonNullable<k8s.Volume['projected']>['sources'] = [
    ...configMaps.map((n) => ({ configMap: { name: n } })),
    ...secrets.map((n) => ({ secret: { name: n } })),
  ];
  const fieldItems = [
    ...(o.podLabelsPath === undefined ? [] : [{ path: relativePath(check, `${field}.podLabelsPath`, o.podLabelsPath), fieldRef: { fieldPath: 'metadata.labels' } }]),
    ...(o.podAnnotationsPath === undefined ? [] : [{ path: relativePath(check, `${field}.podAnnotationsPath`, o.podAnnotationsPath), fieldRef: { fieldPath: 'metadata.annotations' } }]),
  ];
  if (fieldItems.length) sources.push({ downwardApi: { items: fieldItems } } as never);
  if (o.serviceAccountToken !== undefined) {
    const at = `${field}.serviceAccountToken`;
    const t = check.object(at, o.serviceAccountToken, 'an object such as { audience: "vault" }') as unknown as ServiceAccountTokenProjection;
    check.knownKeys(at, t, TOKEN_KEYS, 'ServiceAccountTokenProjection');
    if (typeof t.audience !== 'string' || t.audience === '') check.fail(`${at}.audience`, t.audience, "the token's audience, a non-empty string such as 'vault'");
    sources.push({
      serviceAccountToken: {
        audience: t.audience,
        path: relativePath(check, `${at}.path`, t.path ?? 'token'),
        expirationSeconds: t.expirationSeconds === undefined ? undefined : check.integer(`${at}.expirationSeconds`, t.expirationSeconds, 600, 2 ** 32 - 1),
      },
    });
  }
  if (!sources.length) check.fail(field, given, 'at least one source: configMaps, secrets, podLabelsPath, podAnnotationsPath or serviceAccountToken');
  // The L1 type spells the downward API source `downwardApi`; the API (and so the output) spells it `downwardAPI`.
  const rendered = sources.map((src) => ('downwardApi' in src ? { downwardAPI: (src as { downwardApi: unknown }).downwardApi } : src));
  return {
    volume: { name, projected: { sources: rendered as never } },
    references: [...configMaps.map((n) => ({ kind: 'ConfigMap' as const, name: n })), ...secrets.map((n) => ({ kind: 'Secret' as const, name: n }))],
    readOnly: true,
  };
}
