import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, CanaryStep, DeclaredRelease, Engine, Gate, Gateway, GatewayProps, Release, synthesize, Traffic } from '../../lib';
import { ArgoRolloutsController, startArgoRolloutsController } from './argo-rollouts-controller';
import { argoRolloutsBinary, clusterBinary } from './binary';
import { ControlPlane, startControlPlane, waitFor } from './control-plane';
import { findKubectl } from './kubectl';
import { OUTPUT } from './pipeline-order';
import { ReleaseRun } from './release-run';

// The Argo Rollouts controller (v1.9.1, built by test/cluster/build-argo-rollouts.sh) running against a control plane
// of the suite's own: what it does with the Rollouts a CanaryApp on Engine.argoRollouts() writes, step by step, on a
// rollback in the middle of a rollout or after it, when a Prometheus gate passes or fails, and with the VirtualService
// and DestinationRule of a Gateway with Istio, and with the active and preview Services of a blue-green Gateway.
// docs/engines.md says the same; docs/cluster.md says how it runs.

const SHARED_CRDS = path.join(__dirname, '..', '..', '..', 'shared', 'crds');
const LOGS = path.join(OUTPUT, 'argo-controller');
/** Every wait for the controller: it reconciles on events, so a step takes seconds, not minutes. */
const STEP_TIMEOUT_MS = 120_000;

const binary = clusterBinary();
const kubectl = findKubectl();
const controllerBinary = 'skip' in binary || kubectl.reason ? undefined : argoRolloutsBinary();
const skipReason = 'skip' in binary ? binary.skip : kubectl.reason ?? (controllerBinary && 'skip' in controllerBinary ? controllerBinary.skip : undefined);

type K8s = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One ReplicaSet of a Rollout: its pod-template-hash, version label, desired and ready pods. */
interface ReplicaSetCount {
  readonly hash: string;
  readonly version: string;
  readonly desired: number;
  readonly ready: number;
}

/** What the controller shows of a Rollout at one moment. */
interface Observation {
  readonly phase?: string;
  readonly stepIndex?: number;
  readonly paused: boolean;
  readonly aborted: boolean;
  readonly stableHash?: string;
  readonly currentHash?: string;
  readonly replicaSets: readonly ReplicaSetCount[];
}

if (skipReason) {
  const banner = `\n${'!'.repeat(100)}\n!! CLUSTER SUITE SKIPPED (Argo Rollouts controller): ${skipReason}\n!! test/cluster/argo-controller.test.ts did not run: no Rollout was walked by the controller. See docs/cluster.md.\n${'!'.repeat(100)}\n`;
  process.stderr.write(banner);
  test.skip(`cluster suite SKIPPED: ${skipReason}`, () => undefined);
} else {
  let cluster: ControlPlane;
  let controller: ArgoRolloutsController | undefined;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-argo-'));
  const controllerPath = (controllerBinary as { path: string }).path;

  beforeAll(async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    cluster = await startControlPlane({ binary: (binary as { path: string }).path, lifetimeSeconds: 1800, nodes: 1 });
    // Every CRD before the controller starts, which watches them all from the start: Rollout and AnalysisTemplate from
    // ../shared/crds as the suite installs them, AnalysisRun, ClusterAnalysisTemplate and Experiment from the
    // controller's own module (build-argo-rollouts.sh copies them beside the binary), Istio's for the Gateway.
    const moduleCrds = path.join(path.dirname(controllerPath), 'crds');
    const files = [
      path.join(SHARED_CRDS, 'argo-rollouts.yaml'),
      path.join(SHARED_CRDS, 'istio-networking.yaml'),
      ...['analysis-run-crd.yaml', 'cluster-analysis-template-crd.yaml', 'experiment-crd.yaml'].map((f) => path.join(moduleCrds, f)),
    ];
    for (const file of files) {
      const crds = (await cluster.kubectl.ok(['apply', '--server-side', '-f', file, '-o', 'name'])).split('\n').filter((l) => l.startsWith('customresourcedefinition'));
      // kubectl wait fails at once on a CRD whose status has no conditions yet: try again.
      await waitFor(`${crds.join(', ')} Established`, 60_000, async () => (await cluster.kubectl.run(['wait', '--for=condition=Established', '--timeout=10s', ...crds], { timeoutMs: 20_000 })).code === 0, 500);
    }
    await cluster.kubectl.ok(['create', 'namespace', 'argo-rollouts']);
    controller = await startArgoRolloutsController({ binary: controllerPath, kubeconfig: cluster.kubeconfig, logDir: LOGS, lifetimeSeconds: 1800 });
  }, 240_000);

  afterAll(async () => {
    await controller?.stop();
    await cluster?.stop();
    fs.rmSync(out, { recursive: true, force: true });
    process.stdout.write(`\nArgo Rollouts controller log: ${path.join(LOGS, 'argo-rollouts.log')}\n`);
  }, 60_000);

  /** A CanaryApp on Argo Rollouts without a router, synthesized into its own folder and namespace. */
  async function release(name: string, props: Partial<CanaryAppProps> = {}) {
    const app = Testing.app();
    new CanaryApp(app, name, {
      stableImage: 'acme/shop:1.0.0',
      canaryImage: 'acme/shop:1.1.0',
      replicas: 4,
      steps: [CanaryStep.replicas(1), CanaryStep.replicas(2)],
      engine: Engine.argoRollouts(),
      ...props,
    });
    synthesize(app, path.join(out, name));
    const dir = path.join(out, name, name);
    await cluster.kubectl.ok(['create', 'namespace', name]);
    const run = new ReleaseRun(cluster, dir, name);
    const declaration: DeclaredRelease = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
    const rolloutSteps: K8s[] = (run.objectsOf('release').find((o) => o.kind === 'Rollout') as K8s).spec.strategy.canary.steps;
    return { name, run, declaration, rolloutSteps };
  }

  async function observe(ns: string, name: string): Promise<Observation> {
    const ro = (await cluster.api.get(`/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${name}`)).body;
    const sets = (await cluster.api.get(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app.kubernetes.io%2Fname%3D${name}`)).body.items ?? [];
    return {
      phase: ro.status?.phase,
      stepIndex: ro.status?.currentStepIndex,
      paused: (ro.status?.pauseConditions ?? []).length > 0,
      aborted: ro.status?.abort === true,
      stableHash: ro.status?.stableRS,
      currentHash: ro.status?.currentPodHash,
      replicaSets: sets
        .map((rs: K8s) => ({
          hash: rs.metadata.labels['rollouts-pod-template-hash'],
          version: rs.spec.template.metadata.labels['app.kubernetes.io/version'],
          desired: rs.spec.replicas ?? 0,
          ready: rs.status?.readyReplicas ?? 0,
        }))
        .sort((a: ReplicaSetCount, b: ReplicaSetCount) => a.version.localeCompare(b.version)),
    };
  }

  /** Polls the Rollout until `done` holds; every observation is kept in `seen`. */
  async function until(ns: string, name: string, what: string, done: (o: Observation) => boolean, seen: Observation[] = []): Promise<Observation> {
    let last: Observation | undefined;
    await waitFor(`${ns}/${name}: ${what}`, STEP_TIMEOUT_MS, async () => {
      last = await observe(ns, name);
      seen.push(last);
      return done(last);
    }, 200).catch((e) => {
      throw new Error(`${(e as Error).message}\nlast seen: ${JSON.stringify(last)}\ncontroller log: ${controller?.log}`);
    });
    return last!;
  }

  const pods = (o: Observation, version: string) => o.replicaSets.filter((rs) => rs.version === version).map((rs) => [rs.desired, rs.ready]);
  const healthyOn = (version: string, replicas: number) => (o: Observation) =>
    o.phase === 'Healthy' && o.stableHash === o.currentHash && o.replicaSets.every((rs) => (rs.version === version ? rs.desired === replicas && rs.ready === replicas : rs.desired === 0 && rs.ready === 0));

  /** The successive states seen, without repeats: phase, step index, [desired, ready] of each version's ReplicaSets. */
  const distinctStates = (seen: Observation[]) => {
    const states = seen.map((o) => [o.phase, o.stepIndex, ...[...new Set(o.replicaSets.map((rs) => rs.version))].map((v) => pods(o, v))]);
    return states.filter((s, i) => i === 0 || JSON.stringify(s) !== JSON.stringify(states[i - 1]));
  };

  /** A Gateway on Argo Rollouts behind Istio, versions v1 and v2 of 2 replicas, synthesized into its own folder. */
  function gatewayRelease(name: string, phases: GatewayProps['phases'], gates: GatewayProps['gates'], engine = Engine.argoRollouts()) {
    const app = Testing.app();
    new Gateway(app, name, {
      namespace: name,
      versions: { v1: { image: 'acme/shop:1.0.0', replicas: 2 }, v2: { image: 'acme/shop:2.0.0', replicas: 2 } },
      phases,
      provider: Traffic.istio({ routeName: 'shop' }),
      engine,
      gates,
    });
    synthesize(app, path.join(out, name));
    const dir = path.join(out, name, name);
    const run = new ReleaseRun(cluster, dir, name);
    const declaration: DeclaredRelease = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
    const rollout = run.objectsOf('release').find((o) => o.kind === 'Rollout') as K8s;
    return { run, declaration, rollout };
  }

  /** The Gateway on Argo Rollouts, its declared shares per step and a reader of the live routing. */
  async function istioRelease(name: string, gates: GatewayProps['gates'] = {}) {
    const phases = [
      Release.to('v1').named('v1'),
      Release.to('v1').withDark('v2').named('v2-dark'),
      Release.split({ v1: 75, v2: 25 }).named('canary-25'),
      Release.split({ v1: 40, v2: 60 }).named('canary-60'),
      Release.to('v2').withDark('v1').named('v2'),
    ];
    const { run, declaration, rollout } = gatewayRelease(name, phases, gates);
    const rolloutSteps: K8s[] = rollout.spec.strategy.canary.steps;
    const shares = declaration.steps!.map((s) => {
      const backends = s.addresses.find((a) => a.name === 'shop')!.routes[0].backends;
      const total = backends.reduce((n, b) => n + b.weight, 0);
      return { stable: (100 * (backends.find((b) => b.version === 'v1')?.weight ?? 0)) / total, canary: (100 * (backends.find((b) => b.version === 'v2')?.weight ?? 0)) / total };
    });
    const routing = async () => {
      const vs = (await cluster.api.get(`/apis/networking.istio.io/v1/namespaces/${name}/virtualservices/shop`)).body;
      const dr = (await cluster.api.get(`/apis/networking.istio.io/v1/namespaces/${name}/destinationrules/${name}`)).body;
      const primary = vs.spec.http.find((h: K8s) => h.name === 'primary');
      const weight = (subset: string) => primary.route.find((d: K8s) => d.destination.subset === subset)?.weight ?? 0;
      const hash = (subset: string) => dr.spec.subsets.find((s: K8s) => s.name === subset)?.labels?.['rollouts-pod-template-hash'];
      return { stable: weight('stable'), canary: weight('canary'), stableHash: hash('stable'), canaryHash: hash('canary') };
    };
    return { name, run, declaration, rolloutSteps, shares, routing };
  }

  /** What `kubectl argo rollouts promote <name>` sends (pkg/kubectl-argo-rollouts/cmd/promote of v1.9.1, no flags). */
  async function promote(ns: string, name: string): Promise<void> {
    const ro = JSON.parse(await cluster.kubectl.ok(['get', 'rollout', name, '-n', ns, '-o', 'json']));
    if (ro.spec.paused) await cluster.kubectl.ok(['patch', 'rollout', name, '-n', ns, '--type=merge', '-p', '{"spec":{"paused":false}}']);
    const paused = (ro.status?.pauseConditions ?? []).length > 0;
    if (!paused && !ro.spec.strategy.canary) return;
    const status = paused ? { pauseConditions: null } : { pauseConditions: null, currentStepIndex: Math.min((ro.status?.currentStepIndex ?? 0) + 1, ro.spec.strategy.canary.steps.length) };
    await cluster.kubectl.ok(['patch', 'rollout', name, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  }

  /** A Rollout's observation, the pod-template-hash its active and preview Services select, and when it was seen. */
  interface BlueGreenObservation extends Observation {
    readonly at: number;
    readonly active?: string;
    readonly preview?: string;
    readonly pauseReasons: readonly string[];
  }

  /**
   * A blue-green Gateway on Argo Rollouts behind Istio: v1 alone, the preview (v2 dark on one pod), the promotion (every
   * request to v2, v1 still up), v2 alone. Short scale-down delays keep the walk fast.
   */
  async function blueGreenRelease(name: string, gates: GatewayProps['gates'] = {}) {
    const phases = [
      Release.to('v1').named('blue'),
      Release.to('v1').withDark('v2').withReplicas({ v2: 1 }).named('preview'),
      Release.to('v2').withDark('v1').named('green'),
      Release.to('v2').named('done'),
    ];
    const { run, declaration, rollout } = gatewayRelease(name, phases, gates, Engine.argoRollouts({ scaleDownDelaySeconds: 3, abortScaleDownDelaySeconds: 8 }));
    const strategy: K8s = rollout.spec.strategy.blueGreen;
    const selected = async (service: string) => (await cluster.api.get(`/api/v1/namespaces/${name}/services/${service}`)).body.spec?.selector?.['rollouts-pod-template-hash'];
    const look = async (): Promise<BlueGreenObservation> => {
      const o = await observe(name, name);
      const ro = (await cluster.api.get(`/apis/argoproj.io/v1alpha1/namespaces/${name}/rollouts/${name}`)).body;
      return {
        ...o,
        at: Date.now(),
        active: await selected(strategy.activeService),
        preview: await selected(strategy.previewService),
        pauseReasons: (ro.status?.pauseConditions ?? []).map((c: K8s) => c.reason),
      };
    };
    /** Polls until `done` holds; every observation is kept in `seen`. */
    const until = async (what: string, done: (o: BlueGreenObservation) => boolean, seen: BlueGreenObservation[] = []) => {
      let last: BlueGreenObservation | undefined;
      await waitFor(`${name}: ${what}`, STEP_TIMEOUT_MS, async () => {
        last = await look();
        seen.push(last);
        return done(last);
      }, 200).catch((e) => {
        throw new Error(`${(e as Error).message}\nlast seen: ${JSON.stringify(last)}\ncontroller log: ${controller?.log}`);
      });
      return last!;
    };
    const analysisRuns = async () =>
      (JSON.parse(await cluster.kubectl.ok(['get', 'analysisruns', '-n', name, '-o', 'json'])).items as K8s[]).map((a) => [a.metadata.name.replace(/-[0-9a-z]+-[0-9]+(-[a-z-]+)?$/, ''), a.status?.phase]);
    /** `stable`, then `release` up to the pause with the preview ready: the pod-template-hashes of v1 and v2. */
    const pausedInPreview = async () => {
      await run.apply('stable', 'client-side');
      const v1 = (await until('Healthy on v1', (o) => healthyOn('v1', 2)(o) && o.active === o.stableHash)).stableHash!;
      await run.apply('release', 'client-side');
      const v2 = (await until('paused with the preview ready', (o) => o.phase === 'Paused' && pods(o, 'v2')[0]?.[1] === 1)).currentHash!;
      return { v1, v2 };
    };
    return { name, run, declaration, strategy, until, analysisRuns, pausedInPreview };
  }

  /** The successive states of a blue-green Rollout, without repeats: phase, aborted, active and preview hashes, pods. */
  const blueGreenStates = (seen: BlueGreenObservation[], hashes: { [hash: string]: string }) => {
    const states = seen.map((o) => [o.phase, o.aborted ? 'aborted' : '', `active=${hashes[o.active ?? ''] ?? o.active}`, `preview=${hashes[o.preview ?? ''] ?? o.preview}`, `v1=${JSON.stringify(pods(o, 'v1'))}`, `v2=${JSON.stringify(pods(o, 'v2'))}`].join(' '));
    return states.filter((s, i) => i === 0 || s !== states[i - 1]);
  };

  /** Index in the Rollout's steps of the pause or analysis that ends each declared step. */
  const waitIndexes = (steps: K8s[]) => steps.flatMap((s, i) => (s.pause !== undefined || s.analysis !== undefined ? [i] : []));

  /** The stable and new version's pods that release.json declares for each step. */
  const declaredPods = (d: DeclaredRelease, stable: string, canary: string) =>
    d.steps!.map((s) => {
      const backends = s.addresses[0].routes[0].backends;
      return { stable: backends.find((b) => b.version === stable)?.weight ?? 0, canary: backends.find((b) => b.version === canary)?.weight ?? 0 };
    });

  test('a CanaryApp without a router: at each pause the ReplicaSets run the pods release.json declares; promoted by hand, it ends Healthy on the new version; `rollback` after it walks the steps again, unless promoted fully', async () => {
    const r = await release('argo-steps');
    const ns = r.name;
    expect(r.declaration.engine).toBe('argo-rollouts');
    expect(r.rolloutSteps).toEqual([{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }]);
    const expected = declaredPods(r.declaration, '1.0.0', '1.1.0');
    expect(expected).toEqual([{ stable: 3, canary: 1 }, { stable: 2, canary: 2 }]);

    await r.run.apply('stable', 'client-side');
    const first = await until(ns, r.name, 'Healthy on 1.0.0', healthyOn('1.0.0', 4));
    expect(first.replicaSets).toEqual([{ hash: first.stableHash, version: '1.0.0', desired: 4, ready: 4 }]);

    await r.run.apply('release', 'client-side');
    const indexes = waitIndexes(r.rolloutSteps);
    for (const [i, want] of expected.entries()) {
      const at = await until(ns, r.name, `paused at step ${i} with ${want.stable}+${want.canary} ready pods`, (o) =>
        o.phase === 'Paused' && o.paused && o.stepIndex === indexes[i] && pods(o, '1.1.0')[0]?.[1] === want.canary && pods(o, '1.0.0')[0]?.[1] === want.stable,
      );
      expect({ step: r.declaration.steps![i].name, index: at.stepIndex, stable: pods(at, '1.0.0'), canary: pods(at, '1.1.0') }).toEqual({
        step: r.declaration.steps![i].name,
        index: indexes[i],
        stable: [[want.stable, want.stable]],
        canary: [[want.canary, want.canary]],
      });
      expect(at.stableHash).toBe(first.stableHash);
      await promote(ns, r.name);
    }
    const done = await until(ns, r.name, 'Healthy on 1.1.0, 1.0.0 scaled down', healthyOn('1.1.0', 4));
    expect(done.stepIndex).toBe(r.rolloutSteps.length);
    expect(done.stableHash).not.toBe(first.stableHash);
    expect(done.replicaSets).toEqual([
      { hash: first.stableHash, version: '1.0.0', desired: 0, ready: 0 },
      { hash: done.stableHash, version: '1.1.0', desired: 4, ready: 4 },
    ]);

    // Once the release is complete, `rollback` is a new rollout of 1.0.0: 1.1.0 is the stable ReplicaSet now, so the
    // controller walks the steps again and pauses at the first one, 1.0.0 as the canary.
    await r.run.apply('rollback', 'client-side');
    const again = await until(ns, r.name, 'paused at the first step, 1.0.0 as the canary', (o) => o.phase === 'Paused' && o.stepIndex === indexes[0] && pods(o, '1.0.0')[0]?.[1] === 1);
    expect([again.stableHash, pods(again, '1.1.0'), pods(again, '1.0.0')]).toEqual([done.stableHash, [[3, 3]], [[1, 1]]]);
    // What `kubectl argo rollouts promote --full` sends: the controller skips the remaining steps.
    await cluster.kubectl.ok(['patch', 'rollout', r.name, '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"promoteFull":true}}']);
    const full = await until(ns, r.name, 'Healthy on 1.0.0 after a full promote', healthyOn('1.0.0', 4));
    expect(full.stableHash).toBe(first.stableHash);
  }, 600_000);

  test('rollback in the middle of a rollout: applying `rollback` at a pause brings the stable ReplicaSet back at once, no step walked again', async () => {
    // A configuration change too: the rollback folder's Rollout must mount the stable configuration again, so that its
    // pod template is the stable ReplicaSet's.
    const r = await release('argo-rollback', { config: { env: { GREETING: 'hello' } }, canaryConfig: { env: { GREETING: 'hi' } } });
    const ns = r.name;
    await r.run.apply('stable', 'client-side');
    const first = await until(ns, r.name, 'Healthy on 1.0.0', healthyOn('1.0.0', 4));
    await r.run.apply('release', 'client-side');
    const paused = await until(ns, r.name, 'paused at the first step', (o) => o.phase === 'Paused' && o.stepIndex === 1 && pods(o, '1.1.0')[0]?.[1] === 1);
    expect([pods(paused, '1.0.0'), pods(paused, '1.1.0')]).toEqual([[[3, 3]], [[1, 1]]]);

    const seen: Observation[] = [];
    const watching = until(ns, r.name, 'Healthy on 1.0.0 again', healthyOn('1.0.0', 4), seen);
    await r.run.apply('rollback', 'client-side');
    const back = await watching;
    // The stable ReplicaSet is the same one, back to every pod; the canary's is scaled to zero.
    expect(back.stableHash).toBe(first.stableHash);
    expect(back.currentHash).toBe(first.stableHash);
    expect(back.replicaSets).toEqual([
      { hash: first.stableHash, version: '1.0.0', desired: 4, ready: 4 },
      { hash: paused.currentHash, version: '1.1.0', desired: 0, ready: 0 },
    ]);
    // What happened in between: from the pause at step 1 the step index jumps past the last step (no step walked
    // again, no pause); the stable ReplicaSet is scaled back to 4 pods first, then the canary's to 0, so that the
    // Rollout never has fewer than 4 ready pods.
    const states = distinctStates(seen);
    expect(states[0]).toEqual(['Paused', 1, [[3, 3]], [[1, 1]]]);
    expect(states.slice(1).map((s) => s[1])).toEqual(states.slice(1).map(() => r.rolloutSteps.length));
    expect(states.slice(1).filter((s) => s[0] === 'Paused')).toEqual([]);
    expect(states.filter((s) => (s[2] as number[][])[0][1] + (s[3] as number[][])[0][1] < 4)).toEqual([]);
    expect(states.filter((s) => (s[3] as number[][])[0][0] > 1)).toEqual([]);
    expect(states.at(-1)).toEqual(['Healthy', r.rolloutSteps.length, [[4, 4]], [[0, 0]]]);
    expect(back.stepIndex).toBe(r.rolloutSteps.length);
    const events = JSON.parse(await cluster.kubectl.ok(['get', 'events', '-n', ns, '--field-selector', `involvedObject.kind=Rollout,involvedObject.name=${r.name}`, '-o', 'json'])).items;
    expect(events.map((e: K8s) => `${e.reason}: ${e.message}`)).toContain('SkipSteps: Rollback to stable ReplicaSets');
  }, 600_000);

  describe('a Prometheus gate, queried by the controller on a fake Prometheus on 127.0.0.1', () => {
    /** The error ratio the fake Prometheus answers, by the release named in the query. */
    const errorRatio: { [release: string]: string } = { 'argo-gate-pass': '0.001', 'argo-gate-fail': '0.2', 'argo-istio-gate-fail': '0.2', 'argo-bg-pre-fail': '0.2', 'argo-bg-post-fail': '0.2' };
    const queries: string[] = [];
    let prometheus: http.Server;
    let address: string;

    beforeAll(async () => {
      // The controller's Prometheus client POSTs the query as a form (and falls back to GET).
      prometheus = http.createServer(async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body = '';
        for await (const chunk of req) body += chunk;
        const query = url.searchParams.get('query') ?? new URLSearchParams(body).get('query') ?? '';
        queries.push(query);
        const release = /release="([^"]+)"/.exec(query)?.[1] ?? '';
        const value = errorRatio[release];
        const result = value === undefined ? [] : [{ metric: { release }, value: [Date.now() / 1000, value] }];
        res.writeHead(url.pathname === '/api/v1/query' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
      });
      await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
      address = `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => prometheus?.close(resolve));
    });

    const gated = (name: string) =>
      release(name, {
        steps: [CanaryStep.replicas(1)],
        gates: {
          'canary-25': [
            Gate.prometheus({ address, query: 'sum(rate(errors_total{release="{{release}}",version="{{canaryVersion}}"}[1m]))', successCondition: 'result < 0.01', count: 2, intervalSeconds: 1, failureLimit: 0 }),
          ],
        },
      });

    test('the query passes: the step advances by itself and the Rollout ends Healthy on the new version', async () => {
      const r = await gated('argo-gate-pass');
      const ns = r.name;
      expect(r.rolloutSteps).toEqual([{ setWeight: 25 }, { analysis: { templates: [{ templateName: expect.stringMatching(/^argo-gate-pass-analysis-canary-25-/) }] } }]);
      await r.run.apply('stable', 'client-side');
      await until(ns, r.name, 'Healthy on 1.0.0', healthyOn('1.0.0', 4));
      // Watched from before the apply: the controller may be done before the pipeline's commands are.
      const seen: Observation[] = [];
      const watching = until(ns, r.name, 'Healthy on 1.1.0 without a promote', healthyOn('1.1.0', 4), seen);
      await r.run.apply('release', 'client-side');
      const done = await watching;
      expect(done.stepIndex).toBe(2);
      // The analysis ran while the canary had the step's pods: 3 stable and 1 canary.
      // The analysis step (index 1) ran while the canary had the step's pods: 3 stable and 1 canary.
      const states = distinctStates(seen);
      expect(states).toContainEqual(['Progressing', 1, [[3, 3]], [[1, 1]]]);
      const runs = JSON.parse(await cluster.kubectl.ok(['get', 'analysisruns', '-n', ns, '-o', 'json'])).items;
      expect(runs.map((a: K8s) => [a.status.phase, a.status.metricResults[0].count, a.status.metricResults[0].measurements.map((m: K8s) => m.value)])).toEqual([
        ['Successful', 2, ['[0.001]', '[0.001]']],
      ]);
      expect(queries).toContain('sum(rate(errors_total{release="argo-gate-pass",version="1.1.0"}[1m]))');
    }, 600_000);

    test('the query fails: the controller aborts, the Rollout is Degraded and every pod is the stable version again', async () => {
      const r = await gated('argo-gate-fail');
      const ns = r.name;
      await r.run.apply('stable', 'client-side');
      const first = await until(ns, r.name, 'Healthy on 1.0.0', healthyOn('1.0.0', 4));
      const seen: Observation[] = [];
      const watching = until(ns, r.name, 'aborted with the canary scaled to zero', (o) => o.aborted && o.phase === 'Degraded' && (pods(o, '1.1.0')[0] ?? [0, 0]).every((n) => n === 0) && pods(o, '1.0.0')[0]?.[1] === 4, seen);
      await r.run.apply('release', 'client-side');
      const aborted = await watching;
      // The analysis ran at its step (index 1, 3 stable and 1 canary pods); once it failed the Rollout is Degraded,
      // back at step 0, the stable ReplicaSet scaled to 4 pods first, then the canary's to 0 at once (no router:
      // abortScaleDownDelaySeconds applies only with traffic routing); never fewer than 4 ready pods.
      const states = distinctStates(seen);
      expect(states).toContainEqual(['Progressing', 1, [[3, 3]], [[1, 1]]]);
      const abort = states.findIndex((s) => s[0] === 'Degraded');
      expect(states.slice(abort).map((s) => [s[0], s[1]])).toEqual(states.slice(abort).map(() => ['Degraded', 0]));
      expect(states.filter((s) => s.length === 4 && (s[2] as number[][])[0][1] + (s[3] as number[][])[0][1] < 4)).toEqual([]);
      expect(states.at(-1)).toEqual(['Degraded', 0, [[4, 4]], [[0, 0]]]);
      expect(aborted.stableHash).toBe(first.stableHash);
      expect(aborted.replicaSets).toEqual([
        { hash: first.stableHash, version: '1.0.0', desired: 4, ready: 4 },
        { hash: aborted.currentHash, version: '1.1.0', desired: 0, ready: 0 },
      ]);
      const runs = JSON.parse(await cluster.kubectl.ok(['get', 'analysisruns', '-n', ns, '-o', 'json'])).items;
      expect(runs.map((a: K8s) => [a.status.phase, a.status.metricResults[0].measurements[0].value])).toEqual([['Failed', '[0.2]']]);
      // Applying `rollback` then settles the Rollout on the stable version: Healthy, no longer aborted.
      await r.run.apply('rollback', 'client-side');
      const settled = await until(ns, r.name, 'Healthy on 1.0.0 after rollback', (o) => healthyOn('1.0.0', 4)(o) && !o.aborted);
      expect(settled.stableHash).toBe(first.stableHash);
    }, 600_000);

    /** The Prometheus gate of a blue-green Gateway's preview or promotion. */
    const blueGreenGate = () => Gate.prometheus({ address, query: 'sum(rate(errors_total{release="{{release}}"}[1m]))', successCondition: 'result < 0.01', count: 2, intervalSeconds: 1, failureLimit: 0 });

    test('blue-green, the preview\'s gate fails (prePromotionAnalysis): the controller aborts, the active Service never leaves the old ReplicaSet', async () => {
      const r = await blueGreenRelease('argo-bg-pre-fail', { preview: [blueGreenGate()] });
      expect(r.strategy).toMatchObject({ autoPromotionEnabled: true, prePromotionAnalysis: { templates: [{ templateName: expect.any(String) }] } });
      expect(r.strategy.postPromotionAnalysis).toBeUndefined();
      await r.run.apply('stable', 'client-side');
      const first = await r.until('Healthy on v1', (o) => healthyOn('v1', 2)(o) && o.active === o.stableHash);
      const v1 = first.stableHash!;
      const seen: BlueGreenObservation[] = [];
      const watching = r.until('aborted, the preview scaled down', (o) => o.aborted && o.phase === 'Degraded' && o.replicaSets.length === 2 && (pods(o, 'v2')[0]?.[0] ?? 0) === 0, seen);
      await r.run.apply('release', 'client-side');
      const aborted = await watching;
      const v2 = aborted.currentHash!;
      // The preview's pods are scaled down abortScaleDownDelaySeconds (8 s here) after the abort; the preview Service keeps
      // selecting the aborted ReplicaSet (no endpoints left).
      const abortedAt = seen.find((o) => o.aborted)!;
      process.stdout.write(`prePromotionAnalysis: v2 scaled down ${aborted.at - abortedAt.at} ms after the abort\n`);
      expect(pods(abortedAt, 'v2')).toEqual([[1, 1]]);
      expect(aborted.at - abortedAt.at).toBeGreaterThanOrEqual(5000);
      expect(aborted.preview).toBe(v2);
      process.stdout.write(`blue-green, failing prePromotionAnalysis:\n  ${blueGreenStates(seen, { [v1]: 'v1', [v2]: 'v2' }).join('\n  ')}\n`);
      expect(seen.filter((o) => o.active !== v1 || pods(o, 'v1')[0]?.[1] !== 2)).toEqual([]);
      expect(seen.some((o) => pods(o, 'v2')[0]?.[1] === 1)).toBe(true);
      expect([aborted.stableHash, aborted.active]).toEqual([v1, v1]);
      expect(await r.analysisRuns()).toEqual([[expect.stringContaining('argo-bg-pre-fail'), 'Failed']]);
      await r.run.apply('rollback', 'client-side');
      const settled = await r.until('Healthy on v1 after rollback', (o) => healthyOn('v1', 2)(o) && !o.aborted);
      expect([settled.stableHash, settled.active]).toEqual([v1, v1]);
    }, 600_000);

    test('blue-green, the promotion\'s gate fails (postPromotionAnalysis): the controller aborts, the active Service goes back to the old ReplicaSet', async () => {
      const r = await blueGreenRelease('argo-bg-post-fail', { green: [blueGreenGate()] });
      expect(r.strategy).toMatchObject({ autoPromotionEnabled: false, postPromotionAnalysis: { templates: [{ templateName: expect.any(String) }] } });
      const { v1, v2 } = await r.pausedInPreview();
      const seen: BlueGreenObservation[] = [];
      const watching = r.until('aborted, v2 scaled down', (o) => o.aborted && o.phase === 'Degraded' && (pods(o, 'v2')[0]?.[0] ?? 0) === 0, seen);
      await promote(r.name, r.name);
      const aborted = await watching;
      // The active Service switched to v2 (2 ready pods) for the analysis, v1 keeping its pods; at the abort it selects v1
      // again and v2 keeps its pods abortScaleDownDelaySeconds (8 s here) longer.
      const abortedAt = seen.find((o) => o.aborted)!;
      process.stdout.write(`postPromotionAnalysis: v2 scaled down ${aborted.at - abortedAt.at} ms after the abort\n`);
      expect(seen.filter((o) => o.active === v2).map((o) => [o.phase, pods(o, 'v2')])).toEqual(seen.filter((o) => o.active === v2).map(() => ['Progressing', [[2, 2]]]));
      expect(pods(abortedAt, 'v2')).toEqual([[2, 2]]);
      expect(seen.filter((o) => o.active === v1 && o.aborted).length).toBeGreaterThan(0);
      expect(seen.filter((o) => o.active === v1 && o.aborted)[0].replicaSets).toEqual([
        { hash: v1, version: 'v1', desired: 2, ready: 2 },
        { hash: v2, version: 'v2', desired: 2, ready: 2 },
      ]);
      expect(aborted.at - abortedAt.at).toBeGreaterThanOrEqual(5000);
      process.stdout.write(`blue-green, failing postPromotionAnalysis:\n  ${blueGreenStates(seen, { [v1]: 'v1', [v2]: 'v2' }).join('\n  ')}\n`);
      expect(seen.some((o) => o.active === v2)).toBe(true);
      expect(seen.filter((o) => pods(o, 'v1')[0]?.[1] !== 2)).toEqual([]);
      expect([aborted.stableHash, aborted.active]).toEqual([v1, v1]);
      expect(await r.analysisRuns()).toEqual([[expect.stringContaining('argo-bg-post-fail'), 'Failed']]);
    }, 600_000);

    test('behind Istio, the query fails: the controller aborts, the route goes back to 100/0 at once, the canary pods later', async () => {
      const gate = Gate.prometheus({ address, query: 'sum(rate(errors_total{release="{{release}}"}[1m]))', successCondition: 'result < 0.01', count: 2, intervalSeconds: 1, failureLimit: 0 });
      const { name, run, rolloutSteps, routing } = await istioRelease('argo-istio-gate-fail', { 'canary-25': [gate] });
      expect(rolloutSteps.filter((s) => s.analysis).length).toBe(1);
      await run.apply('stable', 'client-side');
      const first = await until(name, name, 'Healthy on v1', healthyOn('v1', 2));
      await run.apply('release', 'client-side');
      const indexes = waitIndexes(rolloutSteps);
      await until(name, name, 'paused at the dark step', (o) => o.phase === 'Paused' && o.stepIndex === indexes[0]);
      const seen: Observation[] = [];
      const watching = until(name, name, 'aborted', (o) => o.aborted && o.phase === 'Degraded', seen);
      await promote(name, name);
      const aborted = await watching;
      // The controller records the abort, then rewrites the VirtualService: the route is 100/0 within moments, while
      // the canary ReplicaSet still has every pod.
      let atAbort = await routing();
      await waitFor('the route back to 100/0 after the abort', 10_000, async () => (atAbort = await routing()).stable === 100, 200);
      expect(pods(await observe(name, name), 'v2')).toEqual([[2, 2]]);
      const settled = await until(name, name, 'the canary scaled to zero', (o) => (pods(o, 'v2')[0] ?? [0, 0]).every((n) => n === 0), seen);
      // The analysis ran at its step with both versions' pods; right after the abort the route sends 100 to the stable
      // subset while v2 keeps its pods, scaled to 0 only abortScaleDownDelaySeconds (30 s by default) later.
      const states = distinctStates(seen);
      const analysis = rolloutSteps.findIndex((s) => s.analysis);
      expect(states).toContainEqual(['Progressing', analysis, [[2, 2]], [[2, 2]]]);
      expect(atAbort).toEqual({ stable: 100, canary: 0, stableHash: first.stableHash, canaryHash: aborted.currentHash });
      expect(pods(aborted, 'v2')).toEqual([[2, 2]]);
      expect(states.at(-1)).toEqual(['Degraded', 0, [[2, 2]], [[0, 0]]]);
      expect(settled.stableHash).toBe(first.stableHash);
      expect(await routing()).toEqual(atAbort);
    }, 600_000);
  });

  describe('a Gateway with Istio (subset-level splitting)', () => {
    test('at each pause the VirtualService sends each subset the share release.json declares, the DestinationRule subsets select each ReplicaSet', async () => {
      const { name, run, declaration, rolloutSteps, shares, routing } = await istioRelease('argo-istio');
      expect(shares).toEqual([{ stable: 100, canary: 0 }, { stable: 75, canary: 25 }, { stable: 40, canary: 60 }]);

      await run.apply('stable', 'client-side');
      const first = await until(name, name, 'Healthy on v1', healthyOn('v1', 2));
      expect(await routing()).toEqual({ stable: 100, canary: 0, stableHash: first.stableHash, canaryHash: first.stableHash });

      await run.apply('release', 'client-side');
      const indexes = waitIndexes(rolloutSteps);
      for (const [i, want] of shares.entries()) {
        const at = await until(name, name, `paused at step ${i}`, (o) => o.phase === 'Paused' && o.paused && o.stepIndex === indexes[i]);
        expect({ step: declaration.steps![i].name, ...(await routing()) }).toEqual({ step: declaration.steps![i].name, ...want, stableHash: first.stableHash, canaryHash: at.currentHash });
        await promote(name, name);
      }
      const done = await until(name, name, 'Healthy on v2, v1 scaled down', healthyOn('v2', 2));
      expect(await routing()).toEqual({ stable: 100, canary: 0, stableHash: done.stableHash, canaryHash: done.stableHash });
    }, 600_000);

    test('rollback at a pause: every request goes back to the stable subset at once, no step walked again', async () => {
      const { name, run, rolloutSteps, routing } = await istioRelease('argo-istio-rollback');
      await run.apply('stable', 'client-side');
      const first = await until(name, name, 'Healthy on v1', healthyOn('v1', 2));
      await run.apply('release', 'client-side');
      const indexes = waitIndexes(rolloutSteps);
      await until(name, name, 'paused at the first step', (o) => o.phase === 'Paused' && o.stepIndex === indexes[0]);
      await promote(name, name);
      const paused = await until(name, name, 'paused at the 75/25 step', (o) => o.phase === 'Paused' && o.stepIndex === indexes[1]);
      expect(await routing()).toEqual({ stable: 75, canary: 25, stableHash: first.stableHash, canaryHash: paused.currentHash });

      const seen: Observation[] = [];
      const watching = until(name, name, 'every request to v1 again', (o) => o.currentHash === first.stableHash && o.stepIndex === rolloutSteps.length, seen);
      await run.apply('rollback', 'client-side');
      const back = await watching;
      expect(await routing()).toEqual({ stable: 100, canary: 0, stableHash: first.stableHash, canaryHash: first.stableHash });
      expect(back.stableHash).toBe(first.stableHash);
      const settled = await until(name, name, 'Healthy on v1 again, v2 scaled down', healthyOn('v1', 2), seen);
      expect(settled.stepIndex).toBe(rolloutSteps.length);
      // The route went to 100/0 while v2's pods were all still there; they are scaled down later (the delay Argo
      // Rollouts gives a router to stop sending them requests), v1 keeping its pods all along.
      expect(pods(back, 'v2')).toEqual([[2, 2]]);
      const states = distinctStates(seen);
      expect(states[0]).toEqual(['Paused', indexes[1], [[2, 2]], [[2, 2]]]);
      expect(states.slice(1).map((s) => [s[0], s[1], s[2]])).toEqual(states.slice(1).map(() => ['Healthy', rolloutSteps.length, [[2, 2]]]));
      expect(states.at(-1)).toEqual(['Healthy', rolloutSteps.length, [[2, 2]], [[0, 0]]]);
    }, 600_000);
  });

  describe('a blue-green Gateway (every phase sends every request to one version)', () => {
    test('the preview comes up behind the preview Service with previewReplicaCount pods and the Rollout pauses; promoted, the active Service switches to it and the old ReplicaSet is scaled down scaleDownDelaySeconds later; `rollback` after it is promoted at once', async () => {
      const r = await blueGreenRelease('argo-bg');
      expect(r.strategy).toEqual({ activeService: 'argo-bg', previewService: 'argo-bg-canary', autoPromotionEnabled: false, previewReplicaCount: 1, scaleDownDelaySeconds: 3, abortScaleDownDelaySeconds: 8 });
      expect(r.declaration.steps!.map((s) => [s.name, s.pause, s.addresses[0].routes[0].backends])).toEqual([
        ['preview', {}, [{ version: 'v1', weight: 100 }]],
        ['green', undefined, [{ version: 'v2', weight: 100 }]],
      ]);
      await r.run.apply('stable', 'client-side');
      const first = await r.until('Healthy on v1, both Services on it', (o) => healthyOn('v1', 2)(o) && o.active === o.stableHash && o.preview === o.stableHash);
      const v1 = first.stableHash!;

      const previewing: BlueGreenObservation[] = [];
      const watching = r.until('paused with the preview ready', (o) => o.phase === 'Paused' && o.paused && pods(o, 'v2')[0]?.[1] === 1, previewing);
      await r.run.apply('release', 'client-side');
      const paused = await watching;
      const v2 = paused.currentHash!;
      const hashes = { [v1]: 'v1', [v2]: 'v2' };
      process.stdout.write(`blue-green preview:\n  ${blueGreenStates(previewing, hashes).join('\n  ')}\n`);
      expect(v2).not.toBe(v1);
      expect({ reasons: paused.pauseReasons, active: paused.active, preview: paused.preview, stable: paused.stableHash, v1: pods(paused, 'v1'), v2: pods(paused, 'v2') }).toEqual({
        reasons: ['BlueGreenPause'],
        active: v1,
        preview: v2,
        stable: v1,
        v1: [[2, 2]],
        v2: [[1, 1]],
      });
      // The active Service never left v1, which kept its pods; the preview never had more than previewReplicaCount.
      expect(previewing.filter((o) => o.active !== v1 || pods(o, 'v1')[0]?.[1] !== 2 || (pods(o, 'v2')[0]?.[0] ?? 0) > 1)).toEqual([]);
      // Paused, it stays paused: nothing promotes it but a person.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await r.until('still paused', () => true)).pauseReasons).toEqual(['BlueGreenPause']);

      const promoting: BlueGreenObservation[] = [];
      const promoted = r.until('Healthy on v2, v1 scaled down', (o) => healthyOn('v2', 2)(o) && o.active === v2, promoting);
      await promote(r.name, r.name);
      const done = await promoted;
      process.stdout.write(`blue-green promotion:\n  ${blueGreenStates(promoting, hashes).join('\n  ')}\n`);
      expect([done.stableHash, done.active, done.preview]).toEqual([v2, v2, v2]);
      // v2 is scaled to 2 pods before the active Service switches to it; v1 keeps its 2 pods until scaleDownDelaySeconds after the switch.
      const switched = promoting.find((o) => o.active === v2)!;
      expect([pods(switched, 'v1'), pods(switched, 'v2')]).toEqual([[[2, 2]], [[2, 2]]]);
      expect(promoting.filter((o) => o.active !== v2 && pods(o, 'v2')[0]?.[1] === 1).every((o) => o.active === v1)).toBe(true);
      const scaledDown = promoting.find((o) => pods(o, 'v1')[0]?.[0] === 0)!;
      process.stdout.write(`promotion: v1 scaled down ${scaledDown.at - switched.at} ms after the switch\n`);
      expect(scaledDown.at - switched.at).toBeGreaterThanOrEqual(2000);
      expect(promoting.filter((o) => o.active === v2 && (pods(o, 'v2')[0]?.[1] ?? 0) < 2)).toEqual([]);

      // After the promotion, `rollback` is a new blue-green update to v1: promoted without a pause, no analysis.
      const rollingBack: BlueGreenObservation[] = [];
      const back = r.until('Healthy on v1 again, v2 scaled down', (o) => healthyOn('v1', 2)(o) && o.active === v1, rollingBack);
      await r.run.apply('rollback', 'client-side');
      const settled = await back;
      process.stdout.write(`blue-green rollback after the promotion:\n  ${blueGreenStates(rollingBack, hashes).join('\n  ')}\n`);
      expect([settled.stableHash, settled.currentHash, settled.active, settled.preview]).toEqual([v1, v1, v1, v1]);
      expect(rollingBack.filter((o) => o.paused || o.aborted)).toEqual([]);
      // The active Service switches back to v1 once its pods are ready, v2 keeping its pods until then.
      const switchedBack = rollingBack.find((o) => o.active === v1)!;
      expect([pods(switchedBack, 'v1'), pods(switchedBack, 'v2')]).toEqual([[[2, 2]], [[2, 2]]]);
      expect(await r.analysisRuns()).toEqual([]);
    }, 600_000);

    test('rollback during the preview: the active Service never leaves the old ReplicaSet, the preview ReplicaSet is scaled down', async () => {
      const r = await blueGreenRelease('argo-bg-rollback');
      const { v1, v2 } = await r.pausedInPreview();
      const seen: BlueGreenObservation[] = [];
      const watching = r.until('Healthy on v1, the preview scaled down', (o) => healthyOn('v1', 2)(o) && o.currentHash === v1, seen);
      const applied = Date.now();
      await r.run.apply('rollback', 'client-side');
      const back = await watching;
      process.stdout.write(`blue-green rollback during the preview:\n  ${blueGreenStates(seen, { [v1]: 'v1', [v2]: 'v2' }).join('\n  ')}\n`);
      expect(seen.filter((o) => o.active !== v1 || pods(o, 'v1')[0]?.[1] !== 2)).toEqual([]);
      expect([back.stableHash, back.active, back.preview, back.aborted, back.paused]).toEqual([v1, v1, v1, false, false]);
      expect(back.replicaSets).toEqual([
        { hash: v1, version: 'v1', desired: 2, ready: 2 },
        { hash: v2, version: 'v2', desired: 0, ready: 0 },
      ]);
      // Back on v1 without a pause or an analysis; but the preview ReplicaSet, no longer the new one, is first scaled UP to
      // the Rollout's replicas (previewReplicaCount no longer applies; an old ReplicaSet keeps the full count until its
      // scale-down deadline), then to 0 scaleDownDelaySeconds (3 s here, not abortScaleDownDelaySeconds' 8) later.
      const onV1 = seen.find((o) => o.currentHash === v1)!;
      const fullSize = seen.find((o) => pods(o, 'v2')[0]?.[0] === 2)!;
      const scaledDown = seen.find((o) => (pods(o, 'v2')[0]?.[0] ?? 0) === 0)!;
      process.stdout.write(`rollback during the preview: current back on v1 after ${onV1.at - applied} ms, v2 at 2 pods after ${fullSize.at - applied} ms, scaled down after ${scaledDown.at - applied} ms\n`);
      expect(seen.slice(seen.indexOf(onV1)).filter((o) => o.paused || o.aborted)).toEqual([]);
      expect(fullSize).toBeDefined();
      expect(onV1.at).toBeLessThanOrEqual(fullSize.at);
      expect(scaledDown.at - fullSize.at).toBeGreaterThanOrEqual(1500);
    }, 600_000);
  });
}
