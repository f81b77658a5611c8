import { asArray, asNumber, asString, get, K8sObject } from '../loading/manifest';
import { containersOf, PhaseIndex, scaleTargetOf } from '../loading/phase-index';

type Add = (o: K8sObject, field: string, message: string) => void;

/**
 * Inside each pod template: every volumeMount names a volume of the pod, and no two
 * containers (init containers included) share a name. The API server rejects both,
 * half-way through a phase.
 */
export function podWiring(index: PhaseIndex, add: Add): void {
  for (const w of index.workloads) {
    const at = (field: string) => (w.templatePath ? `${w.templatePath}.spec.${field}` : `spec.${field}`);
    const volumes = new Set(asArray(get(w.podSpec, 'volumes')).map((v) => asString(get(v, 'name'))).filter((n): n is string => n !== undefined));
    const names = new Map<string, string>();
    for (const c of containersOf(w.podSpec)) {
      const where = `${c.list}[${c.index}]`;
      const earlier = names.get(c.name);
      if (earlier !== undefined) add(w.object, at(`${where}.name`), `"${c.name}" is also the name of ${earlier}: container names must be unique in a pod`);
      else names.set(c.name, where);
      asArray(c.spec.volumeMounts).forEach((m, i) => {
        const name = asString(get(m, 'name'));
        if (name !== undefined && !volumes.has(name)) {
          add(w.object, at(`${where}.volumeMounts[${i}].name`), `"${name}" names no volume of the pod${volumes.size ? ` (it has ${[...volumes].join(', ')})` : ' (it has none)'}`);
        }
      });
    }
  }
}

/**
 * Autoscalers: each HorizontalPodAutoscaler scales a workload of the phase, and a
 * Deployment an autoscaler manages sets no `spec.replicas` (each `kubectl apply` of the
 * phase would reset the autoscaler's count to it).
 */
export function autoscalerWiring(index: PhaseIndex, add: Add): void {
  for (const hpa of index.ofKind('HorizontalPodAutoscaler', 'autoscaling')) {
    const target = scaleTargetOf(hpa);
    if (!target) continue;
    const workload = index.find(target.kind, target.name, index.namespaceOf(hpa));
    if (!workload) {
      add(hpa, 'spec.scaleTargetRef', `${target.kind}/${target.name} is not in this phase: the autoscaler scales nothing (and reports FailedGetScale)`);
      continue;
    }
    if (get(workload, 'spec', 'replicas') !== undefined) {
      add(workload, 'spec.replicas', `set to ${JSON.stringify(get(workload, 'spec', 'replicas'))} while HorizontalPodAutoscaler/${hpa.metadata.name} scales it: every \`kubectl apply\` resets the count the autoscaler chose; leave spec.replicas out`);
    }
    const min = asNumber(get(hpa, 'spec', 'minReplicas'));
    const max = asNumber(get(hpa, 'spec', 'maxReplicas'));
    if (min !== undefined && max !== undefined && min > max) add(hpa, 'spec.minReplicas', `${min} is above maxReplicas ${max}`);
  }
}

