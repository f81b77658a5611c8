import { k8s } from './k8s';
import { Checks, INT32_MAX, isPlainObject, join, keysOf } from '../model/checks';
import { ContainerOptions, Toleration } from './container-options';
import { checkKubernetesFields } from './overrides';
import { objectNames } from './pod-parts';
import { TopologySpread } from './topology-spread';

/** The pod-level settings of ContainerOptions: identity, registry, scheduling, shutdown. */
export interface PodPlacement {
  readonly spec: Pick<k8s.PodSpec, 'serviceAccountName' | 'automountServiceAccountToken' | 'imagePullSecrets' | 'nodeSelector' | 'tolerations' | 'affinity' | 'priorityClassName' | 'terminationGracePeriodSeconds'>;
  /** The spread constraints of a workload, given its selector. */
  readonly spread?: (selector: { [key: string]: string }) => k8s.TopologySpreadConstraint[];
  readonly annotations: { [key: string]: string };
}

const TOLERATION_KEYS = keysOf<Toleration>({ key: true, operator: true, value: true, effect: true, tolerationSeconds: true });
/** The grace period Kubernetes gives a pod that sets none. */
export const DEFAULT_GRACE_PERIOD = 30;

export function resolvePlacement(check: Checks, field: string, o: ContainerOptions): PodPlacement {
  const at = (f: string) => join(field, f);
  const account = o.serviceAccountName === undefined ? undefined : check.dnsSubdomain(at('serviceAccountName'), o.serviceAccountName);
  const pullSecrets = objectNames(check, at('imagePullSecrets'), o.imagePullSecrets, 'Secret');
  const spread = o.topologySpread === undefined ? undefined : o.topologySpread;
  if (spread !== undefined && !TopologySpread.isTopologySpread(spread)) check.fail(at('topologySpread'), spread, 'a spread made with TopologySpread.acrossNodesAndZones() or TopologySpread.across(keys)');
  if (o.affinity !== undefined && !isPlainObject(o.affinity)) check.fail(at('affinity'), o.affinity, 'an object such as { nodeAffinity: { ... } }, as the Kubernetes API writes it');
  if (o.affinity !== undefined) checkKubernetesFields(check, field, 'pod', { affinity: o.affinity });
  return {
    spec: {
      serviceAccountName: account,
      automountServiceAccountToken: o.automountServiceAccountToken === undefined ? false : check.boolean(at('automountServiceAccountToken'), o.automountServiceAccountToken),
      imagePullSecrets: pullSecrets.length ? pullSecrets.map((name) => ({ name })) : undefined,
      nodeSelector: o.nodeSelector === undefined ? undefined : stringMap(check, at('nodeSelector'), o.nodeSelector, true),
      tolerations: o.tolerations === undefined ? undefined : tolerations(check, at('tolerations'), o.tolerations),
      affinity: o.affinity,
      priorityClassName: o.priorityClassName === undefined ? undefined : check.dnsSubdomain(at('priorityClassName'), o.priorityClassName),
      terminationGracePeriodSeconds: o.terminationGracePeriodSeconds === undefined ? undefined : check.integer(at('terminationGracePeriodSeconds'), o.terminationGracePeriodSeconds, 0, 24 * 3600),
    },
    spread: spread?._check(check, at('topologySpread')),
    annotations: o.podAnnotations === undefined ? {} : stringMap(check, at('podAnnotations'), o.podAnnotations, false),
  };
}

/**
 * Annotations (`labelValues` false: any string value) or node labels, with keys as
 * Kubernetes requires them. Annotations total at most 256 KiB, as the API server allows.
 */
export function stringMap(check: Checks, field: string, given: unknown, labelValues: boolean): { [key: string]: string } {
  const o = check.object(field, given, labelValues ? 'an object of node labels, { key: value }' : 'an object of annotations, { key: value }');
  let size = 0;
  for (const [k, v] of Object.entries(o)) {
    check.labelKey(field, k);
    if (labelValues) check.labelValue(`${field}.${k}`, v);
    else if (typeof v !== 'string') check.fail(`${field}.${k}`, v, 'a string (write numbers and booleans in quotes: "true", "9090")');
    size += k.length + (v as string).length;
  }
  if (size > 256 * 1024) check.fail(field, `${size} bytes`, 'annotations of at most 256 KiB in total, as the API server allows');
  // A copy: the given object may have no prototype, which cdk8s cannot render.
  return Object.fromEntries(Object.entries(o)) as { [key: string]: string };
}

function tolerations(check: Checks, field: string, given: unknown): k8s.Toleration[] {
  return check.list(field, given, 'a list of tolerations such as [{ key: "dedicated", value: "web", effect: "NoSchedule" }]', 0).map((raw, i) => {
    const at = `${field}[${i}]`;
    const t = check.object(at, raw, 'a toleration such as { key: "dedicated", value: "web", effect: "NoSchedule" }') as Toleration;
    check.knownKeys(at, t, TOLERATION_KEYS, 'Toleration');
    const operator = check.oneOf(`${at}.operator`, t.operator ?? 'Equal', ['Equal', 'Exists'] as const);
    if (t.key === undefined && operator !== 'Exists') check.fail(`${at}.key`, t.key, 'a taint key (or operator "Exists" to tolerate every taint)');
    if (operator === 'Exists' && t.value !== undefined) check.fail(`${at}.value`, t.value, 'no value with operator "Exists"');
    const effect = t.effect === undefined ? undefined : check.oneOf(`${at}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const);
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') check.fail(`${at}.tolerationSeconds`, t.tolerationSeconds, 'no tolerationSeconds unless effect is "NoExecute"');
    return {
      key: t.key === undefined ? undefined : check.labelKey(`${at}.key`, t.key),
      operator: t.operator === undefined ? undefined : operator,
      value: t.value === undefined ? undefined : check.labelValue(`${at}.value`, t.value),
      effect,
      tolerationSeconds: t.tolerationSeconds === undefined ? undefined : check.integer(`${at}.tolerationSeconds`, t.tolerationSeconds, 0, INT32_MAX),
    };
  });
}
