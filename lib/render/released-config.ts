import { createHash } from 'crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { Checks, isWellFormed, join, keysOf } from '../model/checks';
import { isDataKey, looksSecret } from './env-value';
import { absolutePath } from './pod-parts';

/**
 * Configuration released like an image: files and values declared with the workload,
 * rendered as ConfigMaps named by a hash of their content, `<app>-config-<hash>`.
 * A change of content is a new ConfigMap, and so a new pod template: the canary (or the
 * new version) runs the new configuration while stable keeps the old one; promote moves
 * stable to it; rollback brings the old one back, since every phase that runs a
 * configuration contains its ConfigMap; the prune of the phase after promote removes the
 * one no phase runs any more. The ConfigMaps are immutable: what a pod read is what it
 * was released with. `cdk8s-canary plan` lists the keys that differ between two phases.
 */
export interface ConfigOptions {
  /** Files by name, mounted read-only in `mountPath`. @default - no files */
  readonly files?: { [fileName: string]: string };
  /** Directory of the files. @default '/etc/config' */
  readonly mountPath?: string;
  /** Environment variables by name (`envFrom` a ConfigMap of their own); never secrets. @default - none */
  readonly env?: { [name: string]: string };
}

/** A rendered ConfigMap of released configuration, and how the pod uses it. */
export interface ResolvedConfigMap {
  /** `<app>-config-<hash>`. */
  readonly name: string;
  /** The keys and values of the ConfigMap. */
  readonly data: { readonly [key: string]: string };
}

/** Released configuration after its checks: the ConfigMaps it renders and what the pod adds. */
export interface ResolvedConfig {
  /** @default - no files */
  readonly files?: ResolvedConfigMap & { readonly mountPath: string };
  /** @default - no variables */
  readonly env?: ResolvedConfigMap;
}

const CONFIG_KEYS = keysOf<ConfigOptions>({ files: true, mountPath: true, env: true });
/** The volume of released files; a user volume may not take the name. */
export const CONFIG_VOLUME = 'released-config';
/** A ConfigMap holds at most 1 MiB. */
const MAX_BYTES = 1024 * 1024;

/** Checks released configuration and names its ConfigMaps `<app>-config-<hash>`. */
export function resolveConfig(check: Checks, field: string, given: unknown, app: string): ResolvedConfig | undefined {
  if (given === undefined) return undefined;
  const o = check.object(field, given, "an object such as { files: { 'app.yaml': '...' } }") as ConfigOptions;
  check.knownKeys(field, o, CONFIG_KEYS, 'ConfigOptions');
  const at = (f: string) => join(field, f);
  const data = (f: 'files' | 'env', keyRule: (key: string) => boolean, keyText: string) => {
    if (o[f] === undefined) return undefined;
    const entries = Object.entries(check.object(at(f), o[f], `an object of ${f === 'files' ? 'files, { name: content }' : 'variables, { NAME: value }'}`));
    if (!entries.length) check.fail(at(f), o[f], `at least one ${f === 'files' ? 'file' : 'variable'} (leave ${f} out for none)`);
    let bytes = 0;
    for (const [k, v] of entries) {
      if (!keyRule(k) || k === '.' || k === '..') check.fail(at(f), k, keyText);
      if (typeof v !== 'string' || !isWellFormed(v)) check.fail(at(`${f}.${k}`), v, 'a string of well-formed Unicode');
      if (f === 'env' && looksSecret(k)) check.fail(at(`${f}.${k}`), v, 'a value that is not a secret: manifests end up in Git and CI logs; use env with EnvValue.fromSecret');
      bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    }
    if (bytes > MAX_BYTES) check.fail(at(f), `${bytes} bytes`, 'at most 1 MiB in all, the most a ConfigMap holds');
    return Object.fromEntries(entries) as { [key: string]: string };
  };
  const files = data('files', isDataKey, "a file name of letters, digits, '-', '_' and '.'");
  const env = data('env', (k) => isDataKey(k) && !/^[0-9]/.test(k), "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit");
  if (!files && !env) check.fail(field, given, 'files, env or both');
  if (o.mountPath !== undefined && !files) check.fail(at('mountPath'), o.mountPath, 'no mountPath without files');
  const mountPath = absolutePath(check, at('mountPath'), o.mountPath ?? '/etc/config');
  return {
    files: files && { name: configMapName(app, 'files', files), data: files, mountPath },
    env: env && { name: configMapName(app, 'env', env), data: env },
  };
}

/**
 * `<app>-config-<10 hex digits of sha256>`: the content decides the name, so two
 * releases of the same content share it and any change makes a new one. The part
 * (files or env) is hashed too: the same keys as files and as variables are two objects.
 */
function configMapName(app: string, part: string, data: { [key: string]: string }): string {
  const canonical = JSON.stringify([part, Object.keys(data).sort().map((k) => [k, data[k]])]);
  return `${app}-config-${createHash('sha256').update(canonical).digest('hex').slice(0, 10)}`;
}

/** The ConfigMaps of a configuration, in the phase (chart) of `scope`, each once however many workloads run it. */
export function renderConfigMaps(scope: Construct, config: ResolvedConfig | undefined, meta: { namespace?: string; labels: { [key: string]: string } }): void {
  const phase = Chart.of(scope);
  for (const map of [config?.files, config?.env]) {
    if (!map || phase.node.tryFindChild(`config-${map.name}`)) continue;
    new k8s.KubeConfigMap(phase, `config-${map.name}`, { metadata: { name: map.name, namespace: meta.namespace, labels: meta.labels }, immutable: true, data: { ...map.data } });
  }
}
