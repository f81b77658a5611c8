import { ApiClient } from './api-client';

type Labels = { [k: string]: string };
type Slice = { metadata: { name: string; labels?: Labels }; endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean }; targetRef?: { uid?: string } }> };
type Pod = { metadata: { name: string; uid: string; labels?: Labels } };

/** Where a router sends requests: a Service, narrowed to the pods with `labels` (an Istio subset). */
export interface RouteTarget {
  readonly service: string;
  readonly labels?: Labels;
}

/**
 * A router address during a transition: the live router is the one of either phase at any moment, so its capacity is
 * at least the smaller of what the targets of each phase reach.
 */
export interface WatchedAddress {
  readonly name: string;
  readonly targetsByPhase: ReadonlyArray<readonly RouteTarget[]>;
}

/**
 * Follows the EndpointSlices (and, for routers with subsets, the pods) of a namespace with watches, so that every
 * change of the ready endpoints is seen (not only those a poll every 100 ms would catch), and keeps the least number
 * of ready endpoints per Service and per router address.
 */
export class EndpointWatch {
  private readonly slices = new Map<string, Slice>();
  private readonly podLabels = new Map<string, Labels>();
  private readonly lowest: { [name: string]: number } = {};
  private readonly handles: Array<{ stop(): void; ended: Promise<void> }> = [];
  private failure?: Error;

  constructor(
    private readonly api: ApiClient,
    private readonly namespace: string,
    private readonly services: readonly string[],
    private readonly addresses: readonly WatchedAddress[] = [],
  ) {}

  /** Ready endpoints (their pod uid or addresses) per Service (label kubernetes.io/service-name). */
  static readyEndpoints(slices: Iterable<Slice>): Map<string, Set<string>> {
    const ready = new Map<string, Set<string>>();
    for (const s of slices) {
      const service = s.metadata.labels?.['kubernetes.io/service-name'];
      if (!service) continue;
      const set = ready.get(service) ?? new Set<string>();
      ready.set(service, set);
      // A nil ready condition means "unknown", which consumers take as ready.
      for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) set.add(e.targetRef?.uid ?? (e.addresses ?? []).join(','));
    }
    return ready;
  }

  static readyByService(slices: Iterable<Slice>): Map<string, number> {
    return new Map([...EndpointWatch.readyEndpoints(slices)].map(([k, v]) => [k, v.size]));
  }

  async start(): Promise<void> {
    await this.follow<Slice>(`/apis/discovery.k8s.io/v1/namespaces/${this.namespace}/endpointslices`, this.slices, (s) => s.metadata.name);
    if (this.addresses.length > 0) {
      const pods = new Map<string, Pod>();
      await this.follow<Pod>(`/api/v1/namespaces/${this.namespace}/pods`, pods, (p) => p.metadata.uid, (p, gone) => {
        if (gone) this.podLabels.delete(p.metadata.uid);
        else this.podLabels.set(p.metadata.uid, p.metadata.labels ?? {});
      });
    }
    this.record();
  }

  /** Lists, then watches from the list's resourceVersion, keeping `into` current and recording after each event. */
  private async follow<T>(base: string, into: Map<string, T>, key: (o: T) => string, also?: (o: T, gone: boolean) => void): Promise<void> {
    const list = await this.api.get(base);
    if (list.status !== 200) throw new Error(`listing ${base}: HTTP ${list.status}`);
    for (const o of list.body.items as T[]) {
      into.set(key(o), o);
      also?.(o, false);
    }
    this.handles.push(
      this.api.watch(`${base}?resourceVersion=${list.body.metadata.resourceVersion}`, (event) => {
        if (event.type === 'ERROR') {
          this.failure = new Error(`watch of ${base}: ${JSON.stringify(event.object)}`);
          return;
        }
        const gone = event.type === 'DELETED';
        if (gone) into.delete(key(event.object));
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') into.set(key(event.object), event.object);
        also?.(event.object, gone);
        this.record();
      }),
    );
  }

  private record(): void {
    const ready = EndpointWatch.readyEndpoints(this.slices.values());
    const note = (name: string, n: number) => (this.lowest[name] = Math.min(this.lowest[name] ?? Infinity, n));
    for (const s of this.services) note(s, ready.get(s)?.size ?? 0);
    for (const a of this.addresses) note(a.name, Math.min(...a.targetsByPhase.map((targets) => this.reached(ready, targets))));
  }

  /** Distinct ready endpoints the targets reach. */
  private reached(ready: Map<string, Set<string>>, targets: readonly RouteTarget[]): number {
    const pods = new Set<string>();
    for (const t of targets) {
      for (const uid of ready.get(t.service) ?? []) {
        const labels = this.podLabels.get(uid) ?? {};
        if (Object.entries(t.labels ?? {}).every(([k, v]) => labels[k] === v)) pods.add(uid);
      }
    }
    return pods.size;
  }

  /** Ends the watches; the least ready endpoints seen per Service and address. @throws when a watch failed */
  async stop(): Promise<{ [name: string]: number }> {
    for (const h of this.handles) h.stop();
    await Promise.all(this.handles.map((h) => h.ended.catch(() => undefined)));
    if (this.failure) throw this.failure;
    return { ...this.lowest };
  }
}
