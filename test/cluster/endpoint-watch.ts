import { ApiClient } from './api-client';

type Slice = { metadata: { name: string; labels?: { [k: string]: string } }; endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean }; targetRef?: { uid?: string; name?: string } }> };

/**
 * Follows the EndpointSlices of a namespace with a watch, so that every change of the ready endpoints is seen (not
 * only those a poll every 100 ms would catch), and keeps, per Service, the least number of ready endpoints.
 */
export class EndpointWatch {
  private readonly slices = new Map<string, Slice>();
  private readonly lowest: { [service: string]: number } = {};
  private handle?: { stop(): void; ended: Promise<void> };
  private failure?: Error;

  constructor(
    private readonly api: ApiClient,
    private readonly namespace: string,
    private readonly services: readonly string[],
  ) {}

  /** Ready endpoints per Service (label kubernetes.io/service-name), an endpoint counted once across slices. */
  static readyByService(slices: Iterable<Slice>): Map<string, number> {
    const ready = new Map<string, Set<string>>();
    for (const s of slices) {
      const service = s.metadata.labels?.['kubernetes.io/service-name'];
      if (!service) continue;
      const set = ready.get(service) ?? new Set<string>();
      ready.set(service, set);
      // A nil ready condition means "unknown", which consumers take as ready.
      for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) set.add(e.targetRef?.uid ?? (e.addresses ?? []).join(','));
    }
    return new Map([...ready].map(([k, v]) => [k, v.size]));
  }

  async start(): Promise<void> {
    const base = `/apis/discovery.k8s.io/v1/namespaces/${this.namespace}/endpointslices`;
    const list = await this.api.get(base);
    if (list.status !== 200) throw new Error(`listing EndpointSlices in ${this.namespace}: HTTP ${list.status}`);
    for (const s of list.body.items as Slice[]) this.slices.set(s.metadata.name, s);
    this.record();
    this.handle = this.api.watch(`${base}?resourceVersion=${list.body.metadata.resourceVersion}`, (event) => {
      if (event.type === 'ERROR') {
        this.failure = new Error(`EndpointSlice watch in ${this.namespace}: ${JSON.stringify(event.object)}`);
        return;
      }
      if (event.type === 'DELETED') this.slices.delete(event.object.metadata.name);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') this.slices.set(event.object.metadata.name, event.object);
      this.record();
    });
  }

  private record(): void {
    const ready = EndpointWatch.readyByService(this.slices.values());
    for (const s of this.services) this.lowest[s] = Math.min(this.lowest[s] ?? Infinity, ready.get(s) ?? 0);
  }

  /** Ends the watch; the least ready endpoints seen per Service. @throws when the watch failed */
  async stop(): Promise<{ [service: string]: number }> {
    this.handle?.stop();
    await this.handle?.ended.catch(() => undefined);
    if (this.failure) throw this.failure;
    return { ...this.lowest };
  }
}
