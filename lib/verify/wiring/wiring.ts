import { Finding, FindingSink } from '../finding';
import { asString, get, K8sObject, labelsOf, objectRef } from '../loading/manifest';
import { containersOf, PhaseIndex, PodWorkload, serviceSelector, servicePorts } from '../loading/phase-index';
import { autoscalerWiring, podWiring } from './pod-wiring';
import { describeDestination, Destination, podsOfDestination, routersOf, routingOf } from '../traffic/routes';
import { describeLabels, describeSelector, isEmptySelector, mapMatches, readLabelSelector, selectorMatches } from '../loading/selectors';

/**
 * Wiring inside one phase: what `kubectl apply` would accept but leaves requests
 * with nowhere to go or controllers fighting over pods.
 * - no two documents are the same object (group, kind, namespace, name);
 * - every Service selects pods, and its `targetPort` is a port of those pods;
 * - every workload's selector matches its own pod template, and no other workload's pods;
 * - every router destination names an existing Service, port and subset, and a
 *   subset that receives requests selects pods;
 * - every PodDisruptionBudget selects pods (one that selects none protects nothing);
 * - in every pod, each volumeMount names a volume and container names are unique;
 * - every HorizontalPodAutoscaler scales a workload of the phase, which sets no spec.replicas;
 * - no Namespace carries the prune labels.
 */
export function checkWiring(release: string, index: PhaseIndex, prune?: { readonly [key: string]: string }): Finding[] {
  const sink = new FindingSink(release, 'wiring');
  const add = (o: K8sObject | string, field: string, message: string) => sink.add(index.name, typeof o === 'string' ? o : objectRef(o), field, message);

  duplicates(index, add);
  for (const service of index.ofKind('Service', '')) serviceWiring(index, service, add);
  workloadSelectors(index, add);
  podWiring(index, add);
  autoscalerWiring(index, add);
  for (const pdb of index.ofKind('PodDisruptionBudget', 'policy')) budgetWiring(index, pdb, add);
  for (const router of routersOf(index)) routerWiring(index, router, add);
  for (const rule of index.ofKind('DestinationRule', 'networking.istio.io')) {
    const host = asString(get(rule, 'spec', 'host')) ?? '';
    if (host && !host.includes('*') && !index.serviceForHost(host, index.namespaceOf(rule))) {
      add(rule, 'spec.host', `"${host}" names no Service of this phase`);
    }
  }
  if (prune && Object.keys(prune).length) {
    for (const ns of index.ofKind('Namespace', '')) {
      if (mapMatches(prune, labelsOf(ns))) {
        add(ns, 'metadata.labels', `carries the prune labels (${describeLabels(prune)}): \`kubectl apply --prune\` would delete the Namespace, and everything in it, once a phase leaves it out`);
      }
    }
  }
  return sink.findings;
}

type Add = (o: K8sObject | string, field: string, message: string) => void;

function duplicates(index: PhaseIndex, add: Add): void {
  const seen = new Map<string, number>();
  index.phase.objects.forEach((o, i) => {
    const key = index.key(o);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else add(o, '', `defined twice in this phase (documents ${first + 1} and ${i + 1}): the later one silently replaces the earlier`);
  });
}

function budgetWiring(index: PhaseIndex, pdb: K8sObject, add: Add): void {
  const selector = readLabelSelector(get(pdb, 'spec', 'selector'));
  // policy/v1: a missing selector selects no pods; an empty one ({}) every pod of the namespace.
  if (!selector) {
    add(pdb, 'spec.selector', 'missing: a budget without a selector protects no pods');
    return;
  }
  if (index.podsSelectedBy(index.namespaceOf(pdb), selector).length > 0) return;
  const field = selector.matchExpressions.length === 0 ? 'spec.selector.matchLabels' : 'spec.selector';
  add(pdb, field, `${describeSelector(selector)} selects no pods in this phase: the budget protects nothing`);
}

function serviceWiring(index: PhaseIndex, service: K8sObject, add: Add): void {
  if (get(service, 'spec', 'type') === 'ExternalName') return;
  const selector = serviceSelector(service);
  if (!selector || Object.keys(selector).length === 0) {
    add(service, 'spec.selector', 'missing: the Service has no endpoints unless they are managed by hand');
    return;
  }
  const pods = index.podsOfService(service);
  if (pods.length === 0) {
    add(service, 'spec.selector', `${describeLabels(selector)} selects no pods in this phase`);
    return;
  }
  const running = pods.filter((w) => w.replicas > 0);
  if (running.length === 0) {
    add(service, 'spec.selector', `${describeLabels(selector)} selects only ${pods.map((w) => w.ref).join(', ')}, scaled to 0 replicas`);
    return;
  }
  for (const port of servicePorts(service)) {
    const target = port.targetPort ?? port.port;
    if (target === undefined) continue;
    for (const w of running) {
      if (podHasPort(w, target, port.protocol)) continue;
      const field = port.targetPort === undefined ? `spec.ports[${port.index}].port` : `spec.ports[${port.index}].targetPort`;
      const have = podPortList(w);
      const declared = have ? `they declare ${have}` : 'they declare no ports';
      if (typeof target === 'string') {
        add(service, field, `the pods of ${w.ref} have no port named "${target}" (${declared}): the Service gets no endpoints from them`);
      } else {
        add(service, field, `the pods of ${w.ref} do not declare port ${target}/${port.protocol} (${declared}): nothing shows their container listens there; declare it in the container's ports`);
      }
    }
  }
}

/** Whether a container of the pod declares the port (by name, or by number). */
export function podHasPort(w: PodWorkload, target: string | number, protocol: string): boolean {
  return containersOf(w.podSpec).some((c) => c.ports.some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target) && p.protocol === protocol));
}

function podPortList(w: PodWorkload): string {
  return containersOf(w.podSpec)
    .flatMap((c) => c.ports.map((p) => `${p.name ? `${p.name}=` : ''}${p.containerPort}/${p.protocol}`))
    .join(', ');
}

function workloadSelectors(index: PhaseIndex, add: Add): void {
  const withSelector = index.workloads.filter((w) => w.selector !== undefined || ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(w.object.kind));
  for (const w of withSelector) {
    const labelsField = w.templatePath ? `${w.templatePath}.metadata.labels` : 'metadata.labels';
    if (!w.selector || isEmptySelector(w.selector)) {
      add(w.object, 'spec.selector', 'missing or empty: apps/v1 requires a selector that matches the pod template labels');
      continue;
    }
    if (!selectorMatches(w.selector, w.podLabels)) {
      add(w.object, 'spec.selector', `${describeSelector(w.selector)} does not match the pod labels ${describeLabels(w.podLabels)} of ${labelsField}: the API server rejects the object`);
    }
  }
  // Overlapping selectors: each controller would count the other's pods as its own.
  const ok = withSelector.filter((w) => w.selector && !isEmptySelector(w.selector) && selectorMatches(w.selector, w.podLabels));
  ok.forEach((a, i) => {
    for (const b of ok.slice(i + 1)) {
      if (a.namespace !== b.namespace && a.namespace !== '' && b.namespace !== '') continue;
      const aTakesB = selectorMatches(a.selector!, b.podLabels);
      const bTakesA = selectorMatches(b.selector!, a.podLabels);
      if (!aTakesB && !bTakesA) continue;
      const [owner, other] = aTakesB ? [a, b] : [b, a];
      add(owner.object, 'spec.selector', `${describeSelector(owner.selector!)} also matches the pods of ${other.ref}: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors`);
    }
  });
}

function routerWiring(index: PhaseIndex, router: K8sObject, add: Add): void {
  const routing = routingOf(index, router);
  const seen = new Set<string>();
  for (const table of routing.tables) {
    for (const route of table.routes) {
      for (const { destination: d, share } of route.destinations) {
        const key = `${objectRef(d.router)}#${d.field}`;
        if (seen.has(key)) continue;
        seen.add(key);
        destinationWiring(index, d, !share.isZero(), add);
      }
    }
  }
}

function destinationWiring(index: PhaseIndex, d: Destination, receivesRequests: boolean, add: Add): void {
  if (d.unsupported) return;
  if (!d.service) {
    add(d.router, d.field, `names Service "${d.serviceName}", which is not in this phase`);
    return;
  }
  if (d.router.kind === 'HTTPRoute' && d.port === undefined) {
    add(d.router, `${d.field}.port`, 'missing: a backendRef to a Service must name the Service port');
  } else if (d.port !== undefined) {
    const ports = servicePorts(d.service);
    if (!ports.some((p) => (typeof d.port === 'number' ? p.port === d.port : p.name === d.port))) {
      const have = ports.map((p) => (p.name ? `${p.name}=${p.port}` : String(p.port))).join(', ');
      add(d.router, `${d.field}.port`, `${JSON.stringify(d.port)} is not a port of ${objectRef(d.service)} (it has ${have || 'none'})`);
    }
  }
  if (d.subset && !d.subset.labels) {
    add(d.router, `${d.field}.subset`, `"${d.subset.name}" is not defined by any DestinationRule for host ${d.serviceName}`);
    return;
  }
  if (!receivesRequests || index.podsOfService(d.service).filter((w) => w.replicas > 0).length === 0) return; // the Service itself is reported
  if (d.subset?.rule && podsOfDestination(index, d).filter((w) => w.replicas > 0).length === 0) {
    const i = ((get(d.subset.rule, 'spec', 'subsets') as unknown[]) ?? []).findIndex((s) => get(s, 'name') === d.subset!.name);
    const labels = d.subset.labels ?? {};
    // A subset's endpoints are the Service's: pods with the subset's labels that the Service does not select get no requests.
    const unselected = index.podsMatching(index.namespaceOf(d.service), labels).filter((w) => w.replicas > 0);
    const why = unselected.length
      ? `: the pods of ${unselected.map((w) => w.ref).join(', ')} carry its labels, but the Service's selector ${describeLabels(serviceSelector(d.service) ?? {})} leaves them out, so the subset has no endpoints and its requests fail (503)`
      : '';
    add(d.subset.rule, `spec.subsets[${i}].labels`, `subset "${d.subset.name}" (${describeLabels(labels)}) selects none of the pods of ${objectRef(d.service)}, yet ${describeDestination(d)} receives requests from ${objectRef(d.router)}${why}`);
  }
}
