import { asArray, asString, get } from './manifest';

/** An object a pod needs to start: a ConfigMap, Secret, claim or service account of its namespace, or a PriorityClass. */
export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'PriorityClass';
  readonly name: string;
  /** Where the pod spec names it, relative to the pod spec. */
  readonly field: string;
  /** Whether the pod starts without it (`optional: true`). */
  readonly optional: boolean;
}

/** Priority classes every cluster has. */
const SYSTEM_PRIORITY_CLASSES = ['system-cluster-critical', 'system-node-critical'];

/** Everything a pod spec references by name: volumes, projected sources, envFrom, env, pull secrets, its account. */
export function podReferences(podSpec: unknown): PodReference[] {
  const out: PodReference[] = [];
  const add = (kind: PodReference['kind'], name: unknown, field: string, optional: unknown = false) => {
    if (typeof name === 'string' && name) out.push({ kind, name, field, optional: optional === true });
  };
  asArray(get(podSpec, 'volumes')).forEach((v, i) => {
    const at = `volumes[${i}]`;
    add('ConfigMap', get(v, 'configMap', 'name'), `${at}.configMap.name`, get(v, 'configMap', 'optional'));
    add('Secret', get(v, 'secret', 'secretName'), `${at}.secret.secretName`, get(v, 'secret', 'optional'));
    add('PersistentVolumeClaim', get(v, 'persistentVolumeClaim', 'claimName'), `${at}.persistentVolumeClaim.claimName`);
    asArray(get(v, 'projected', 'sources')).forEach((s, k) => {
      add('ConfigMap', get(s, 'configMap', 'name'), `${at}.projected.sources[${k}].configMap.name`, get(s, 'configMap', 'optional'));
      add('Secret', get(s, 'secret', 'name'), `${at}.projected.sources[${k}].secret.name`, get(s, 'secret', 'optional'));
    });
  });
  for (const list of ['initContainers', 'containers']) {
    asArray(get(podSpec, list)).forEach((c, i) => {
      const at = `${list}[${i}]`;
      asArray(get(c, 'envFrom')).forEach((e, k) => {
        add('ConfigMap', get(e, 'configMapRef', 'name'), `${at}.envFrom[${k}].configMapRef.name`, get(e, 'configMapRef', 'optional'));
        add('Secret', get(e, 'secretRef', 'name'), `${at}.envFrom[${k}].secretRef.name`, get(e, 'secretRef', 'optional'));
      });
      asArray(get(c, 'env')).forEach((e, k) => {
        add('ConfigMap', get(e, 'valueFrom', 'configMapKeyRef', 'name'), `${at}.env[${k}].valueFrom.configMapKeyRef.name`, get(e, 'valueFrom', 'configMapKeyRef', 'optional'));
        add('Secret', get(e, 'valueFrom', 'secretKeyRef', 'name'), `${at}.env[${k}].valueFrom.secretKeyRef.name`, get(e, 'valueFrom', 'secretKeyRef', 'optional'));
      });
    });
  }
  asArray(get(podSpec, 'imagePullSecrets')).forEach((s, i) => add('Secret', get(s, 'name'), `imagePullSecrets[${i}].name`));
  add('ServiceAccount', asString(get(podSpec, 'serviceAccountName')), 'serviceAccountName');
  // The API server refuses a pod whose priority class does not exist; the two system classes always do.
  const priorityClass = asString(get(podSpec, 'priorityClassName'));
  if (priorityClass !== undefined && !SYSTEM_PRIORITY_CLASSES.includes(priorityClass)) add('PriorityClass', priorityClass, 'priorityClassName');
  return out;
}
