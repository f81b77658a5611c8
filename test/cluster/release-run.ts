import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { phaseAutoscaled, scaledScript } from '../../lib/cli/scaled-command';
import { DeclaredRelease } from '../../lib/model/release';
import { K8sObject, objectRef } from '../../lib/verify/loading/manifest';
import { loadRelease } from '../../lib/verify/loading/loader';
import { planRelease } from '../../lib/plan/plan';
import { ControlPlane, waitFor } from './control-plane';
import { EndpointWatch, WatchedAddress } from './endpoint-watch';
import { PhaseIndex } from '../../lib/verify/loading/phase-index';
import { findAddress, routingOf } from '../../lib/verify/traffic/routes';
import { liveMismatches } from './live-objects';
import { liveTrafficFindings } from './live-traffic';

const ROOT = path.join(__dirname, '..', '..');

export type ApplyMode = 'client-side' | 'server-side';

/** What one transition did to the ready endpoints, for the report. */
export interface TransitionRecord {
  readonly release: string;
  readonly mode: ApplyMode;
  readonly from: string;
  readonly to: string;
  readonly seconds: number;
  /** Per Service serving before and after: the least ready endpoints seen during the transition. */
  readonly lowest: { readonly [service: string]: number };
  /** Per declared address: the least capacity the declaration allows (the smaller minAvailable of both phases). */
  readonly minAvailable: { readonly [address: string]: number };
  readonly problems: readonly string[];
}

/**
 * One release of dist/ applied phase after phase to the control plane exactly as the README's pipeline does:
 * `kubectl apply -f <phase>`, `kubectl rollout status deployment -l <pruneSelector>`, `cdk8s-canary wait-scaled
 * <phase>` (when the phase has autoscalers), then `kubectl apply -f <phase> --prune $(cdk8s-canary prune-flags
 * <release>)`, client-side or server-side.
 */
export class ReleaseRun {
  readonly declaration: DeclaredRelease;
  readonly name: string;
  /** Where the release's objects live: its declared namespace, else the one the suite applies it to. */
  readonly namespace: string;
  private readonly pruneFlags: string[];
  private readonly phases: Map<string, K8sObject[]>;
  /** What the release references but does not render (`plan`'s prerequisites), as `Kind/name`. */
  readonly prerequisites: readonly string[];

  constructor(
    private readonly cluster: ControlPlane,
    readonly dir: string,
    /** The namespace to apply to when the release declares none. */
    namespace: string,
  ) {
    const loaded = loadRelease(dir);
    this.declaration = loaded.declaration!;
    this.name = loaded.name;
    this.namespace = this.declaration.namespace ?? namespace;
    this.phases = new Map(loaded.phases.map((p) => [p.name, [...p.objects]]));
    this.prerequisites = planRelease(loaded).prerequisites;
    // The README's way: the prune flags as the command prints them.
    this.pruneFlags = execFileSync(process.execPath, [path.join(ROOT, 'tools', 'run.js'), path.join(ROOT, 'lib', 'cli', 'main.ts'), 'prune-flags', dir], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
  }

  /**
   * Creates what `plan` lists as prerequisites, as the platform team would before the first phase: pods naming a
   * missing service account or priority class are refused by the API server. Idempotent, for every walk.
   */
  async createPrerequisites(): Promise<void> {
    const k = this.cluster.kubectl;
    for (const ref of this.prerequisites) {
      const [kind, name] = ref.split('/');
      const create: { [kind: string]: string[] } = {
        Secret: ['secret', 'generic', name, '--from-literal=placeholder=x', '-n', this.namespace],
        ConfigMap: ['configmap', name, '--from-literal=placeholder=x', '-n', this.namespace],
        ServiceAccount: ['serviceaccount', name, '-n', this.namespace],
        PriorityClass: ['priorityclass', name, '--value=1000'],
      };
      if (!create[kind]) throw new Error(`${this.name}: no way to create the prerequisite ${ref} here`);
      const r = await k.run(['create', ...create[kind]]);
      if (r.code !== 0 && !/already ?exists/i.test(r.stderr)) throw new Error(`${this.name}: creating the prerequisite ${ref} failed: ${r.stderr.trim()}`);
    }
  }

  /** `-n` for the commands when the manifests name no namespace. */
  private get namespaceArgs(): string[] {
    return this.declaration.namespace ? [] : ['-n', this.namespace];
  }

  private phaseDir(phase: string): string {
    return path.join(this.dir, phase);
  }

  objectsOf(phase: string): K8sObject[] {
    return this.phases.get(phase)!;
  }

  /**
   * `cdk8s-canary wait-scaled <phase>`, the pipeline's step after `rollout status` for a phase with autoscalers: the
   * cluster's HPA controller raises each new autoscaled Deployment from its first pod to minReplicas (below
   * minReplicas it scales without metrics, so no metrics server is needed). Bounded: it fails the walk after 120 s.
   */
  private async waitScaled(phase: string): Promise<void> {
    const found = phaseAutoscaled(this.phaseDir(phase));
    if (!found.deployments.length) return;
    const script = scaledScript(found.release, found.phase, found.deployments.map((d) => ({ ...d, namespace: d.namespace ?? this.namespace })));
    const k = this.cluster.kubectl;
    const env = { ...process.env, KUBECTL: k.binary, KUBECONFIG: k.kubeconfig, SCALE_POLL_SECONDS: '1', SCALE_WAIT_SECONDS: '120' };
    try {
      await promisify(execFile)('/bin/sh', ['-c', script], { env, timeout: 150_000 });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      throw new Error(`${this.name}/${phase}: wait-scaled failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }

  /**
   * The three commands of the README for one phase. kubectl refuses `--prune` with `--server-side` for a label
   * selector ("--prune is in alpha and doesn't currently work on objects created by server-side apply"), so the
   * server-side run applies the phase server-side twice and then deletes what a prune would have deleted: the
   * release's objects of the allow-listed kinds that the phase does not hold.
   */
  async apply(phase: string, mode: ApplyMode): Promise<void> {
    const k = this.cluster.kubectl;
    const modeArgs = mode === 'server-side' ? ['--server-side', '--field-manager=pipeline'] : [];
    await k.ok(['apply', '-f', this.phaseDir(phase), ...this.namespaceArgs, ...modeArgs]);
    await k.ok(['rollout', 'status', 'deployment', '-l', this.declaration.pruneSelector!, '-n', this.namespace, '--timeout=5m'], { timeoutMs: 330_000 });
    await this.waitScaled(phase);
    if (mode === 'client-side') {
      await k.ok(['apply', '-f', this.phaseDir(phase), ...this.namespaceArgs, '--prune', ...this.pruneFlags]);
      return;
    }
    await k.ok(['apply', '-f', this.phaseDir(phase), ...this.namespaceArgs, ...modeArgs]);
    const keep = new Set(this.objectsOf(phase).map((o) => `${o.kind}/${o.metadata.name}`));
    const dropped = (await this.liveObjects(this.declaration.pruneAllowlist!.map(kindArg)))
      .filter((o) => !keep.has(`${o.kind}/${o.metadata.name}`))
      .map((o) => `${kindArg(`${o.apiVersion.includes('/') ? '' : 'core/'}${o.apiVersion}/${o.kind}`)}/${o.metadata.name}`);
    if (dropped.length > 0) await k.ok(['delete', '-n', this.namespace, '--wait=false', ...dropped]);
  }

  /** The prune command of the README with `--server-side`: what kubectl answers. */
  async serverSidePrune(phase: string): Promise<{ code: number; stderr: string }> {
    return this.cluster.kubectl.run(['apply', '-f', this.phaseDir(phase), ...this.namespaceArgs, '--server-side', '--field-manager=pipeline', '--prune', ...this.pruneFlags]);
  }

  /** Applies `to` after `from` while an EndpointSlice watch records every change of ready endpoints. */
  async transition(from: string, to: string, mode: ApplyMode): Promise<TransitionRecord> {
    const started = Date.now();
    const serving = await this.servingServices();
    const fromServices = new Set(this.objectsOf(from).filter((o) => o.kind === 'Service').map((o) => o.metadata.name));
    const kept = this.objectsOf(to)
      .filter((o) => o.kind === 'Service' && fromServices.has(o.metadata.name) && (serving.get(o.metadata.name) ?? 0) > 0)
      .map((o) => o.metadata.name);
    // An engine's pods and the Services its routes lead to come from its controller, which this cluster does not run (see engineNote).
    const addresses = this.declaration.engine ? [] : this.routerAddresses(from, to);
    const watch = new EndpointWatch(this.cluster.api, this.namespace, kept, addresses);
    await watch.start();
    let applyError: Error | undefined;
    try {
      await this.apply(to, mode);
      await this.podsSettled();
    } catch (e) {
      applyError = e as Error;
    }
    const lowest = await watch.stop();
    const minAvailable: { [address: string]: number } = this.leastDeclared(from, to);
    const problems: string[] = applyError ? [applyError.message] : [];
    for (const service of kept) {
      const seen = lowest[service];
      if (seen === 0) problems.push(`Service/${service} had no ready endpoint at some moment`);
      const least = minAvailable[service];
      if (least !== undefined && seen < least) problems.push(`Service/${service} had ${seen} ready endpoints at some moment; declared minAvailable ${least}`);
    }
    for (const a of addresses) {
      const seen = lowest[a.name];
      const least = this.leastOfAddress(from, to, a.name.split('/')[1]);
      if (seen === 0) problems.push(`${a.name} reached no ready endpoint at some moment`);
      else if (seen < least) problems.push(`${a.name} reached ${seen} ready endpoints at some moment; declared minAvailable ${least}`);
      minAvailable[a.name] = least;
    }
    if (!applyError) problems.push(...(await this.check(to)));
    return { release: this.name, mode, from, to, seconds: (Date.now() - started) / 1000, lowest, minAvailable, problems };
  }

  /** Waits until no pod of the release is terminating, so that the watch sees the endpoints the prune removes. */
  private async podsSettled(): Promise<void> {
    await waitFor(`the pruned pods of ${this.name} to be gone`, 120_000, async () => {
      const out = await this.cluster.kubectl.ok(['get', 'pods', '-l', this.declaration.pruneSelector!, '-n', this.namespace, '-o', 'json']);
      return !JSON.parse(out).items.some((p: K8sObject) => (p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
    }, 500);
  }

  /**
   * The declared router addresses (VirtualService, HTTPRoute) of both phases, with the Services (and subset labels)
   * each phase's router sends requests to with a share above 0, read with the verifier's routing model.
   */
  private routerAddresses(from: string, to: string): WatchedAddress[] {
    if (this.declaration.provider === 'service') return [];
    const declared = (phase: string) => new Set((this.declaration.phases.find((p) => p.name === phase)?.addresses ?? []).map((a) => a.name));
    const both = [...declared(from)].filter((name) => declared(to).has(name));
    const out: WatchedAddress[] = [];
    for (const name of both) {
      const targets = [from, to].map((phase) => {
        const index = new PhaseIndex({ name: phase, documents: [], objects: this.objectsOf(phase) }, this.namespace);
        const router = findAddress(index, name, this.declaration.provider);
        if (!router) return [];
        return routingOf(index, router).tables.flatMap((t) =>
          t.routes.flatMap((r) => r.destinations.filter((d) => !d.share.isZero()).map((d) => ({ service: d.destination.serviceName.split('.')[0], labels: d.destination.subset?.labels }))),
        );
      });
      const kind = findAddress(new PhaseIndex({ name: to, documents: [], objects: this.objectsOf(to) }, this.namespace), name, this.declaration.provider)?.kind;
      out.push({ name: `${kind}/${name}`, targetsByPhase: targets });
    }
    return out;
  }

  private leastOfAddress(from: string, to: string, name: string): number {
    const of = (phase: string) => this.declaration.phases.find((p) => p.name === phase)?.addresses.find((a) => a.name === name)?.minAvailable ?? 0;
    return Math.min(of(from), of(to));
  }

  /** Declared addresses of both phases that are Services, with the smaller minAvailable of the two. */
  private leastDeclared(from: string, to: string): { [address: string]: number } {
    const of = (phase: string) => new Map((this.declaration.phases.find((p) => p.name === phase)?.addresses ?? []).map((a) => [a.name, a.minAvailable]));
    const a = of(from);
    const b = of(to);
    const out: { [address: string]: number } = {};
    for (const [name, least] of b) if (a.has(name) && this.declaration.provider === 'service') out[name] = Math.min(least, a.get(name)!);
    return out;
  }

  /** Ready endpoints per Service of the release's namespace, now. */
  private async servingServices(): Promise<Map<string, number>> {
    const res = await this.cluster.api.get(`/apis/discovery.k8s.io/v1/namespaces/${this.namespace}/endpointslices`);
    return EndpointWatch.readyByService(res.body.items ?? []);
  }

  /**
   * After a phase: the release's objects in the cluster are exactly the phase's (the prune removed what it dropped),
   * each as the manifest says, every Deployment rolled out, every Job completed, and the shares of the declared
   * addresses, computed from the ready pods, are the declared ones.
   */
  async check(phase: string): Promise<string[]> {
    const problems: string[] = [];
    const expected = this.objectsOf(phase);
    const kinds = this.declaration.pruneAllowlist!.map(kindArg);
    const live = await this.liveObjects(kinds);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const want = new Set(expected.filter((o) => o.kind !== 'Namespace').map(key));
    const got = new Set(live.map(key));
    for (const k of want) if (!got.has(k)) problems.push(`${k} is in ${phase} but not in the cluster`);
    for (const k of got) if (!want.has(k)) problems.push(`${k} is in the cluster but not in ${phase}: the prune left it`);
    const byKey = new Map(live.map((o) => [key(o), o]));
    for (const o of expected) {
      const l = byKey.get(key(o));
      if (l) problems.push(...liveMismatches(o, l).map((m) => `${objectRef(o)}: ${m}`));
    }
    for (const d of live.filter((o) => o.kind === 'Deployment')) problems.push(...rolloutProblems(d));
    problems.push(...(await this.jobProblems(expected)));
    // An engine's pods come from its controller, which this cluster does not run (see engineNote).
    if (!this.declaration.engine) problems.push(...(await liveTrafficFindings(this.cluster, this, phase, live)));
    return problems;
  }

  /** The release's objects of every kind it may prune, in its namespace. */
  async liveObjects(kinds: readonly string[]): Promise<K8sObject[]> {
    const out = await this.cluster.kubectl.ok(['get', kinds.join(','), '-l', this.declaration.pruneSelector!, '-n', this.namespace, '-o', 'json']);
    return JSON.parse(out).items as K8sObject[];
  }

  /** Jobs (smoke tests) run to completion on kwok's nodes; bounded wait. */
  private async jobProblems(expected: readonly K8sObject[]): Promise<string[]> {
    const jobs = expected.filter((o) => o.kind === 'Job').map((o) => o.metadata.name);
    if (jobs.length === 0) return [];
    try {
      await this.cluster.kubectl.ok(['wait', '--for=condition=complete', '--timeout=60s', '-n', this.namespace, ...jobs.map((j) => `job/${j}`)], { timeoutMs: 70_000 });
      return [];
    } catch (e) {
      return [`Jobs ${jobs.join(', ')} did not complete: ${(e as Error).message}`];
    }
  }

  /** Deletes every object of the release (not the namespace) and waits for its pods to be gone: a fresh start. */
  async reset(): Promise<void> {
    const kinds = this.declaration.pruneAllowlist!.map(kindArg);
    const selector = ['-l', this.declaration.pruneSelector!, '-n', this.namespace];
    await this.cluster.kubectl.ok(['delete', [...kinds, 'job.v1.batch'].join(','), ...selector, '--ignore-not-found', '--wait=true', '--timeout=120s'], { timeoutMs: 130_000 });
    await waitFor(`the pods of ${this.name} to be gone`, 120_000, async () => {
      const out = await this.cluster.kubectl.ok(['get', 'pods', ...selector, '-o', 'name']);
      return out.trim() === '';
    });
  }
}

/** `apps/v1/Deployment` → `deployment.v1.apps`, `core/v1/Service` → `service`: one kind, unambiguous for kubectl. */
export function kindArg(allowlisted: string): string {
  const [group, version, kind] = allowlisted.split('/');
  return group === 'core' ? kind.toLowerCase() : `${kind.toLowerCase()}.${version}.${group}`;
}

function rolloutProblems(d: K8sObject): string[] {
  const spec = (d as any).spec ?? {};
  const status = (d as any).status ?? {};
  const want = spec.replicas ?? 1;
  const problems: string[] = [];
  if ((status.observedGeneration ?? 0) < ((d.metadata as any).generation ?? 0)) problems.push('its controller has not seen the last change');
  for (const field of ['updatedReplicas', 'readyReplicas', 'availableReplicas', 'replicas']) {
    if ((status[field] ?? 0) !== want) problems.push(`status.${field} is ${status[field] ?? 0}, not ${want}`);
  }
  return problems.map((p) => `Deployment/${d.metadata.name}: rollout not finished: ${p}`);
}
