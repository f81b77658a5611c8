import { asLabels, asNumber, asString, get, isRecord, K8sObject } from './manifest';

/**
 * The labels Flagger (v1.44, default `-selector-labels`) reads from its target's selector,
 * in this order: the first present is the one whose value it suffixes with `-primary`.
 */
export const FLAGGER_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

/**
 * The objects Flagger's controller writes for each Canary of a phase, so that checks read
 * the phase as it is once the controller has initialised it: requests to the Canary's
 * Service go to `<target>-primary`, whose pods the controller copies from the target.
 * - the Deployment `<target>-primary`: the target's spec (pod template, strategy) and pod
 *   count, its selector label's value suffixed with `-primary`;
 * - the Services `<service>` and `<service>-primary` (the primary's pods) and
 *   `<service>-canary` (the target's pods), `<service>` being `spec.service.name`, else the
 *   target's name.
 * The target keeps its count here: Flagger scales it to zero between analyses, but then
 * only `<service>-canary` leads to it, and no address of a release does.
 * None is written for a Canary whose target is not a Deployment of the phase, or carries
 * none of the selector labels: the engine checks report those.
 * @param replicasOf the pods the target runs (its count, else its autoscaler's minimum)
 */
export function flaggerObjects(objects: readonly K8sObject[], replicasOf: (target: K8sObject) => number): K8sObject[] {
  const out: K8sObject[] = [];
  for (const canary of objects.filter(isFlaggerCanary)) {
    const namespace = canary.metadata.namespace;
    const targetName = asString(get(canary, 'spec', 'targetRef', 'name'));
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === targetName && o.metadata.namespace === namespace);
    if (!target || !targetName) continue;
    const selector = asLabels(get(target, 'spec', 'selector', 'matchLabels'));
    const key = FLAGGER_SELECTOR_LABELS.find((k) => selector[k] !== undefined);
    if (!key) continue;
    const value = selector[key];
    const primaryLabels = { [key]: `${value}-primary` };
    const template = get(target, 'spec', 'template');
    const metadata = { ...(isRecord(template) && isRecord(template.metadata) ? template.metadata : {}) };
    const rename = (labels: unknown) => ({ ...asLabels(labels), ...primaryLabels });
    out.push({
      ...target,
      metadata: { name: `${targetName}-primary`, namespace, labels: rename(target.metadata.labels) },
      spec: {
        ...(isRecord(target.spec) ? target.spec : {}),
        replicas: replicasOf(target),
        selector: { matchLabels: rename(selector) },
        template: { ...(isRecord(template) ? template : {}), metadata: { ...metadata, labels: rename(metadata.labels) } },
      },
    } as K8sObject);
    const serviceName = asString(get(canary, 'spec', 'service', 'name')) ?? targetName;
    const port = asNumber(get(canary, 'spec', 'service', 'port'));
    const ports = [{ name: asString(get(canary, 'spec', 'service', 'portName')) ?? 'http', port, targetPort: get(canary, 'spec', 'service', 'targetPort') ?? port, protocol: 'TCP' }];
    const service = (name: string, labels: { [key: string]: string }): K8sObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: labels, ports } });
    out.push(service(serviceName, primaryLabels), service(`${serviceName}-primary`, primaryLabels), service(`${serviceName}-canary`, { [key]: value }));
  }
  return out;
}

export function isFlaggerCanary(o: K8sObject): boolean {
  return o.kind === 'Canary' && (o.apiVersion ?? '').startsWith('flagger.app/');
}
