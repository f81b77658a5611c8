import { K8sObject } from './manifest';

/** The selector labels Flagger renames for the primary (its `-selector-labels` default). */
const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

type Json = { [key: string]: any };

/**
 * The objects of a phase as they are once Flagger has initialised each Canary of it: the
 * target Deployment scaled to zero, its copy `<target>-primary` (selector label values
 * suffixed `-primary`) serving, and the Services `<service>` and `<service>-primary` on
 * the primary pods (`<service>-canary`, on the target's, has no pod between analyses and
 * is left out). The checks then see the routes and budgets of the phase lead where
 * Flagger makes them lead.
 */
export function withFlaggerObjects(objects: readonly K8sObject[]): K8sObject[] {
  const canaries = objects.filter((o) => o.kind === 'Canary' && o.apiVersion.startsWith('flagger.app/'));
  if (!canaries.length) return [...objects];
  const out = [...objects];
  for (const canary of canaries) {
    const spec = ((canary as Json).spec ?? {}) as Json;
    const ref = spec.targetRef as Json | undefined;
    const at = out.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === ref?.name && o.metadata.namespace === canary.metadata.namespace);
    if (ref?.kind !== 'Deployment' || at < 0) continue;
    const target = out[at] as Json;
    const selector: { [key: string]: string } = target.spec?.selector?.matchLabels ?? {};
    const label = SELECTOR_LABELS.find((l) => selector[l] !== undefined);
    if (!label) continue;
    const primaryValue = `${selector[label]}-primary`;
    const rename = (labels: { [key: string]: string } | undefined) => (labels && labels[label] !== undefined ? { ...labels, [label]: primaryValue } : labels);
    const primary = {
      ...target,
      metadata: { ...target.metadata, name: `${target.metadata.name}-primary`, labels: rename(target.metadata.labels) },
      spec: {
        ...target.spec,
        selector: { ...target.spec.selector, matchLabels: rename(selector) },
        template: { ...target.spec.template, metadata: { ...target.spec.template?.metadata, labels: rename(target.spec.template?.metadata?.labels) } },
      },
    };
    out[at] = { ...target, spec: { ...target.spec, replicas: 0 } } as unknown as K8sObject;
    out.push(primary as unknown as K8sObject);
    const service = (spec.service ?? {}) as Json;
    const apex = (service.name as string | undefined) ?? ref.name;
    const port = { name: service.portName ?? 'http', port: service.port, targetPort: service.targetPort ?? service.port, protocol: 'TCP' };
    const svc = (name: string, value: string): K8sObject =>
      ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: canary.metadata.namespace }, spec: { type: 'ClusterIP', selector: { [label]: value }, ports: [port] } }) as K8sObject;
    out.push(svc(apex, primaryValue), svc(`${apex}-primary`, primaryValue));
  }
  return out;
}
