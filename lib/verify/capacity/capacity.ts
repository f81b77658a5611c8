import { DeclaredPhase } from '../../model/release';
import { Finding, FindingSink, transitionName } from '../finding';
import { asString, get, jsonEqual, K8sObject, Labels, objectRef } from '../loading/manifest';
import { PhaseIndex, PodWorkload, sameNamespace, serviceSelector } from '../loading/phase-index';
import { describeDestination, Destination, findAddress, routersOf, routingOf } from '../traffic/routes';
import { mapMatches } from '../loading/selectors';

/**
 * Serving capacity: how many ready pods stand behind an address at every moment.
 *
 * The model follows the pipeline recipe: a phase is applied (Services and routers
 * switch at once, pure scale-downs happen at once, new workloads start with no ready
 * pod), the rollouts of the workloads whose pod template changed run to completion,
 * then the objects the phase removed are pruned. During a rolling update a
 * Deployment keeps at least `desired − maxUnavailable` pods available (percentages
 * resolved against the desired replicas: maxUnavailable rounds down, maxSurge up;
 * defaults 25%), and never more than it had when the rollout began; `Recreate`
 * keeps none. A StatefulSet or DaemonSet rolls one pod at a time by default
 * (maxUnavailable 1). The rollouts of one phase run concurrently, so the least
 * capacity of an address is the sum of each workload's least availability,
 * compared with the capacity once everything is done.
 */

/** Which pods count: labels and namespace of a pod template. */
export type PodPredicate = (labels: Labels, namespace: string) => boolean;

/** One workload's part in the capacity of an address during a transition. */
export interface WorkloadCapacity {
  readonly ref: string;
  /** Fewest ready pods it contributes while the rollouts run (pruned workloads still count). */
  readonly during: number;
  /** Pods it contributes once the phase is complete (0 when pruned). */
  readonly after: number;
  readonly note: string;
}

export interface TransitionCapacity {
  readonly least: number;
  readonly parts: readonly WorkloadCapacity[];
}

/** Rolling-update limits of a workload for `desired` replicas. */
export function rolloutLimits(w: PodWorkload, desired: number): { readonly maxSurge: number; readonly maxUnavailable: number; readonly recreate: boolean; readonly rolls: boolean } {
  const o = w.object;
  if (o.kind === 'Deployment') {
    if (get(o, 'spec', 'strategy', 'type') === 'Recreate') return { maxSurge: 0, maxUnavailable: desired, recreate: true, rolls: true };
    const ru = get(o, 'spec', 'strategy', 'rollingUpdate');
    return { maxSurge: resolveAmount(get(ru, 'maxSurge'), '25%', desired, true), maxUnavailable: resolveAmount(get(ru, 'maxUnavailable'), '25%', desired, false), recreate: false, rolls: true };
  }
  if (o.kind === 'Rollout') {
    // Argo Rollouts: a canary keeps spec.replicas − maxUnavailable available (defaults 25%); a blue-green
    // strategy brings the new pods up before it switches.
    const canary = get(o, 'spec', 'strategy', 'canary');
    if (canary === undefined) return { maxSurge: desired, maxUnavailable: 0, recreate: false, rolls: true };
    return { maxSurge: resolveAmount(get(canary, 'maxSurge'), '25%', desired, true), maxUnavailable: resolveAmount(get(canary, 'maxUnavailable'), '25%', desired, false), recreate: false, rolls: true };
  }
  if (o.kind === 'StatefulSet' || o.kind === 'DaemonSet') {
    const type = asString(get(o, 'spec', 'updateStrategy', 'type')) ?? 'RollingUpdate';
    if (type === 'OnDelete') return { maxSurge: 0, maxUnavailable: 0, recreate: false, rolls: false };
    const ru = get(o, 'spec', 'updateStrategy', 'rollingUpdate');
    return { maxSurge: 0, maxUnavailable: resolveAmount(get(ru, 'maxUnavailable'), 1, desired, false), recreate: false, rolls: true };
  }
  // ReplicaSets, ReplicationControllers and Pods do not replace running pods when the template changes.
  return { maxSurge: 0, maxUnavailable: 0, recreate: false, rolls: false };
}

/** An int-or-percent against `desired`: percentages round up for surge, down for unavailability. */
export function resolveAmount(value: unknown, fallback: number | string, desired: number, roundUp: boolean): number {
  const v = value === undefined ? fallback : value;
  if (typeof v === 'number') return Math.max(0, Math.floor(v));
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (!m) return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
  const exact = (Number(m[1]) * desired) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Ready pods behind a predicate in a phase once it is complete. */
export function steadyCapacity(index: PhaseIndex, matches: PodPredicate): number {
  return index.workloads.filter((w) => w.serving && matches(w.podLabels, w.namespace)).reduce((n, w) => n + w.replicas, 0);
}

/** Fewest ready pods behind a predicate from the moment `to` is applied until its prune is done. */
export function transitionCapacity(from: PhaseIndex, to: PhaseIndex, matches: PodPredicate): TransitionCapacity {
  const parts: WorkloadCapacity[] = [];
  for (const w of to.workloads) {
    if (!w.serving) continue;
    const before = from.workloadOf(from.get(to.key(w.object)) ?? NONE);
    const now = matches(w.podLabels, w.namespace);
    if (!before) {
      if (now) parts.push({ ref: w.ref, during: 0, after: w.replicas, note: `${w.ref} is created in this phase and starts with no ready pod` });
      continue;
    }
    const was = matches(before.podLabels, before.namespace);
    if (!was && !now) continue;
    const limits = rolloutLimits(w, w.replicas);
    const templateChanged = limits.rolls && !jsonEqual(get(before.object, ...w.templatePath.split('.')), get(w.object, ...w.templatePath.split('.')));
    if (!templateChanged) {
      // Pure scaling: a scale-down takes effect at once, new pods of a scale-up are not ready yet.
      // (ReplicaSets keep their running pods, and their labels, when the template changes.)
      const during = was ? Math.min(before.replicas, w.replicas) : 0;
      const same = jsonEqual(before.podLabels, w.podLabels) ? 'same pod template' : 'running pods keep their template';
      parts.push({ ref: w.ref, during, after: now ? w.replicas : 0, note: `${w.ref} ${before.replicas} → ${w.replicas} replicas, ${same}` });
      continue;
    }
    const floor = limits.recreate ? 0 : Math.max(0, w.replicas - limits.maxUnavailable);
    let during = 0;
    let why: string;
    if (was && now) {
      during = Math.min(before.replicas, floor);
      why = limits.recreate ? 'strategy Recreate stops every old pod first' : `rolling update with maxUnavailable ${limits.maxUnavailable} keeps ≥ ${floor} of ${w.replicas} available`;
    } else if (was) {
      why = 'its new pods no longer match, so it drops to 0 as the rollout replaces the old ones';
    } else {
      why = 'only its new pods match, and they start with none ready';
    }
    parts.push({ ref: w.ref, during, after: now ? w.replicas : 0, note: `${w.ref} ${before.replicas} → ${w.replicas} replicas, new pod template: ${why}` });
  }
  for (const w of from.workloads) {
    if (!w.serving || to.has(from.key(w.object)) || !matches(w.podLabels, w.namespace)) continue;
    parts.push({ ref: w.ref, during: w.replicas, after: 0, note: `${w.ref} is pruned once the rollouts are done` });
  }
  const during = parts.reduce((n, p) => n + p.during, 0);
  const after = parts.reduce((n, p) => n + p.after, 0);
  return { least: Math.min(during, after), parts };
}

const NONE = { apiVersion: '', kind: '', metadata: { name: '' } } as K8sObject;

/** Pods a destination reaches, as a predicate (Service selector and subset labels). */
export function destinationPredicate(index: PhaseIndex, d: Destination): PodPredicate {
  const selector = d.service ? serviceSelector(d.service) : undefined;
  if (!d.service || !selector || Object.keys(selector).length === 0 || (d.subset && !d.subset.labels)) return () => false;
  const ns = index.namespaceOf(d.service);
  const subset = d.subset?.labels ?? {};
  return (labels, namespace) => sameNamespace(namespace, ns) && mapMatches(selector, labels) && mapMatches(subset, labels);
}

/** Destinations of an address that receive requests, with what they receive. */
export function servingDestinations(index: PhaseIndex, address: K8sObject): Array<{ destination: Destination; route: string }> {
  const out: Array<{ destination: Destination; route: string }> = [];
  const seen = new Set<string>();
  for (const table of routingOf(index, address).tables) {
    for (const route of table.routes) {
      for (const { destination, share } of route.destinations) {
        const key = `${objectRef(destination.router)}#${destination.field}`;
        if (share.isZero() || seen.has(key)) continue;
        seen.add(key);
        out.push({ destination, route: route.field });
      }
    }
  }
  return out;
}

/** The pods behind an address: any pod one of its serving destinations reaches. */
export function addressPredicate(index: PhaseIndex, address: K8sObject): PodPredicate {
  const predicates = servingDestinations(index, address).map((d) => destinationPredicate(index, d.destination));
  return (labels, ns) => predicates.some((p) => p(labels, ns));
}

/**
 * Capacity of the declared addresses: in each phase once complete, and at every
 * moment of each transition, at least the declared `minAvailable` ready pods; and
 * no router destination that receives requests is ever without a ready pod.
 */
export function checkCapacity(release: string, from: PhaseIndex | undefined, to: PhaseIndex, declared: DeclaredPhase | undefined, provider?: Parameters<typeof findAddress>[2]): Finding[] {
  const sink = new FindingSink(release, 'capacity');
  const phase = from ? transitionName(from.name, to.name) : to.name;
  for (const a of declared?.addresses ?? []) {
    const address = findAddress(to, a.name, provider);
    if (!address) continue; // reported by the traffic check
    const matches = addressPredicate(to, address);
    if (!from) {
      const n = steadyCapacity(to, matches);
      if (n < a.minAvailable) sink.add(phase, objectRef(address), addressField(address), `serves ${n} ready pod${n === 1 ? '' : 's'}, below the declared minimum of ${a.minAvailable}`);
      continue;
    }
    const c = transitionCapacity(from, to, matches);
    if (c.least < a.minAvailable) {
      const why = c.parts.filter((p) => p.during < p.after || p.after === 0 || p.during === 0).map((p) => p.note);
      sink.add(phase, objectRef(address), addressField(address), `serves as few as ${c.least} ready pod${c.least === 1 ? '' : 's'} during the transition, below the declared minimum of ${a.minAvailable}${why.length ? ` (${why.join('; ')})` : ''}`);
    }
  }
  if (from) {
    for (const router of routersOf(to)) {
      for (const { destination, route } of servingDestinations(to, router)) {
        if (!destination.service) continue;
        const c = transitionCapacity(from, to, destinationPredicate(to, destination));
        if (c.least > 0 || c.parts.every((p) => p.after === 0)) continue;
        const why = c.parts.filter((p) => p.during === 0).map((p) => p.note);
        sink.add(phase, objectRef(destination.router), destination.field, `${describeDestination(destination)} receives requests (${route}) while it has no ready pod during the transition${why.length ? `: ${why.join('; ')}` : ''}; start its pods in an earlier phase`);
      }
    }
  }
  return sink.findings;
}

function addressField(o: K8sObject): string {
  return o.kind === 'Service' ? 'spec.selector' : o.kind === 'VirtualService' ? 'spec.http' : 'spec.rules';
}
