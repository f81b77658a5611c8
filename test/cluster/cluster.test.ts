import * as fs from 'fs';
import * as path from 'path';
import { clusterBinary } from './binary';
import { ControlPlane, startControlPlane } from './control-plane';
import { findKubectl } from './kubectl';
import { brokenManifestVerdicts, CASE_NAMESPACES, disagreements, KNOWN_DISAGREEMENTS, serverVerdict, Verdict, verifyVerdict } from './differential';
import { DIST, engineNote, limited, OUTPUT, MODES, PlannedRun, plannedRuns, ReleaseResult, releasesInDist, renderClusterReport, sharedNamespace, waitsForMinReady, walkRelease, walksOf } from './pipeline-order';
import { applySeed, SeedResult } from './seeds';
import { loadRelease } from '../../lib/verify/loading/loader';
import { verifyPath } from '../../lib/verify/verify';
import { ReleaseRun } from './release-run';

// The releases of dist/ applied to a real API server (etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kwok's fake nodes, built by test/cluster/build.sh), as the README's pipeline applies them. docs/cluster.md.

const SHARED_CRDS = path.join(__dirname, '..', '..', '..', 'shared', 'crds');
const REPORT = path.join(OUTPUT, 'report.md');

const binary = clusterBinary();
const kubectl = findKubectl();
const skipReason = 'skip' in binary ? binary.skip : kubectl.reason;

if (skipReason) {
  const banner = `\n${'!'.repeat(100)}\n!! CLUSTER SUITE SKIPPED: ${skipReason}\n!! test/cluster/*.test.ts did not run: nothing was applied to a Kubernetes API server. See docs/cluster.md.\n${'!'.repeat(100)}\n`;
  process.stderr.write(banner);
  test.skip(`cluster suite SKIPPED: ${skipReason}`, () => undefined);
} else {
  const bin = (binary as { path: string }).path;
  let cluster: ControlPlane;
  const transitions: ReleaseResult[] = [];
  const differential: Verdict[] = [];
  const seeds: SeedResult[] = [];
  const releases = releasesInDist();
  const matrix = process.env.CDK8S_CANARY_CLUSTER_MATRIX === 'full' ? 'full' : 'default';
  // CDK8S_CANARY_CLUSTER_RELEASES=a,b walks only those releases (while working on them).
  const planned = plannedRuns(matrix, process.env.CDK8S_CANARY_CLUSTER_RELEASES?.split(','));

  beforeAll(async () => {
    cluster = await startControlPlane({ binary: bin, lifetimeSeconds: 3600 });
    for (const mode of MODES) await cluster.kubectl.ok(['create', 'namespace', sharedNamespace(mode)]);
  }, 180_000);

  afterAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(REPORT, renderClusterReport(transitions, differential, seeds));
    process.stdout.write(`\ncluster suite: the transitions with the least ready endpoints seen, the differential verdicts and the seeds: ${REPORT}\n`);
    await cluster?.stop();
  }, 60_000);

  describe('CRDs', () => {
    test.each(fs.readdirSync(SHARED_CRDS).filter((f) => f.endsWith('.yaml')))('%s installs and every CRD is Established', async (file) => {
      // Server-side: the Argo Rollouts and Flagger CRDs are larger than the last-applied annotation allows.
      const out = await cluster.kubectl.ok(['apply', '--server-side', '-f', path.join(SHARED_CRDS, file), '-o', 'name']);
      const crds = out.split('\n').filter((l) => l.startsWith('customresourcedefinition'));
      expect(crds.length).toBeGreaterThan(0);
      await cluster.kubectl.ok(['wait', '--for=condition=Established', '--timeout=60s', ...crds], { timeoutMs: 70_000 });
    }, 120_000);
  });

  describe('server-side dry-run of every phase (namespaces created first)', () => {
    beforeAll(async () => {
      const declared = releases.map((r) => JSON.parse(fs.readFileSync(path.join(DIST, r, 'release.json'), 'utf8')).namespace).filter(Boolean);
      for (const ns of [...new Set<string>(declared), ...CASE_NAMESPACES]) await cluster.kubectl.ok(['create', 'namespace', ns]);
    }, 60_000);

    test.each(releases)('%s: the server accepts every phase, as verify does', async (release) => {
      const loaded = loadRelease(path.join(DIST, release));
      const refused: string[] = [];
      for (const phase of loaded.phases) {
        const namespace = loaded.declaration?.namespace ? [] : ['-n', sharedNamespace('client-side')];
        const r = await cluster.kubectl.run(['apply', '--dry-run=server', ...namespace, '-f', path.join(DIST, release, phase.name)]);
        if (r.code !== 0) refused.push(`${phase.name}: ${r.stderr}`);
      }
      expect(refused).toEqual([]);
      expect(verifyPath(path.join(DIST, release)).findings.filter((f) => f.check === 'schema' || f.check === 'transition')).toEqual([]);
    }, 120_000);
  });

  describe('differential testing: the broken manifests of the verifier tests, sent to the server', () => {
    let verdicts: Verdict[];
    beforeAll(async () => {
      verdicts = await brokenManifestVerdicts(cluster);
      differential.push(...verdicts);
    }, 180_000);

    test('the server refuses every one of them but the int32 overflow in an Istio CRD (no format check on CRD integers)', () => {
      expect(verdicts.filter((v) => v.server === undefined).map((v) => v.name)).toEqual(KNOWN_DISAGREEMENTS.verifyOnly);
    });

    test('verify reports every manifest the server refuses, except those only CEL rules refuse (verify evaluates no CEL)', () => {
      expect(disagreements(verdicts)).toEqual(KNOWN_DISAGREEMENTS);
    });

    test('an immutable field changed between phases: the server refuses the second apply, verify reports the transition', async () => {
      const ns = 'immutable-selector';
      await cluster.kubectl.ok(['create', 'namespace', ns]);
      const stable = loadRelease(path.join(DIST, 'addressbook')).phases.find((p) => p.name === 'stable')!.objects as any[];
      await cluster.kubectl.ok(['apply', '-n', ns, '-f', path.join(DIST, 'addressbook', 'stable')]);
      const next = JSON.parse(JSON.stringify(stable));
      const d = next.find((o: any) => o.kind === 'Deployment');
      d.spec.selector.matchLabels.tier = 'web';
      d.spec.template.metadata.labels.tier = 'web';
      const server = await serverVerdict(cluster, { ...d, metadata: { ...d.metadata, namespace: ns } });
      expect(server).toMatch(/field is immutable/);
      expect(verifyVerdict([stable, next]).join('\n')).toMatch(/spec\.selector: changes from .* is immutable/);
      await cluster.kubectl.run(['delete', 'namespace', ns, '--wait=false']);
    }, 60_000);
  });

  describe('the checks after a phase can fail', () => {
    test('addressbook stable, checked as if it were canary-33: objects missing, shares wrong', async () => {
      await cluster.kubectl.ok(['create', 'namespace', 'self-check']);
      const run = new ReleaseRun(cluster, path.join(DIST, 'addressbook'), 'self-check');
      await run.apply('stable', 'client-side');
      expect(await run.check('stable')).toEqual([]);
      const problems = await run.check('canary-33');
      expect(problems).toEqual(
        expect.arrayContaining([
          'Deployment/addressbook-canary is in canary-33 but not in the cluster',
          expect.stringMatching(/^Deployment\/addressbook-stable: spec\.replicas: the manifest says 2, the cluster has 3$/),
          expect.stringMatching(/^observed traffic: Service\/self-check\/addressbook-lb: spec\.selector: .* to 1\.0\.0; declared 2\/3 .* to 1\.0\.0 and 1\/3 .* to 1\.1\.0$/),
        ]),
      );
      await run.reset();
    }, 120_000);

    test('kubectl refuses the prune command with --server-side: the README prunes client-side', async () => {
      const run = new ReleaseRun(cluster, path.join(DIST, 'addressbook'), 'self-check');
      await run.apply('stable', 'server-side');
      const refused = await run.serverSidePrune('stable');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("--prune is in alpha and doesn't currently work on objects created by server-side apply");
      await run.reset();
    }, 120_000);
  });

  describe('every phase of every release, applied in every order release.json allows', () => {
    let results: Map<string, Promise<ReleaseResult>>;

    beforeAll(() => {
      // Releases without a namespace of their own share one namespace per mode, so both modes run at once and
      // each prune meets the objects of other releases; a release with its own namespace runs its modes in turn.
      // The slow ones (minReadySeconds) start first.
      const chains = new Map<string, PlannedRun[]>();
      for (const run of planned) {
        const own = JSON.parse(fs.readFileSync(path.join(DIST, run.release, 'release.json'), 'utf8')).namespace !== undefined;
        const chain = own ? run.release : `${run.release} ${run.mode}`;
        chains.set(chain, [...(chains.get(chain) ?? []), run]);
      }
      const ordered = [...chains.values()].sort((a, b) => Number(waitsForMinReady(b[0].release)) - Number(waitsForMinReady(a[0].release)));
      results = new Map();
      const tasks = ordered.map((chain) => async () => {
        for (const run of chain) {
          const result = walkRelease(cluster, run.release, run.mode, run.extent);
          results.set(`${run.release} ${run.mode}`, result);
          await result.catch(() => undefined);
        }
      });
      void limited(4, tasks);
    });

    test.each(planned.map((r) => [r.release, r.mode, r.extent, engineNote(r.release)]))('%s, %s apply, %s%s', async (release, mode, extent) => {
      const key = `${release} ${mode}`;
      const result = await waitForKey(() => results, key);
      expect(result.problems).toEqual([]);
      expect(result.records.filter((r) => r.problems.length > 0).map((r) => ({ transition: `${r.from} → ${r.to}`, problems: r.problems }))).toEqual([]);
      const taken = new Set(result.records.map((r) => `${r.from}>${r.to}`));
      const walks = walksOf(release).slice(0, extent === 'every transition' ? undefined : 1);
      const expected = new Set(walks.flatMap((w) => w.slice(1).map((to, i) => `${w[i]}>${to}`)));
      expect([...taken].sort()).toEqual([...expected].sort());
    }, 45 * 60_000);

    afterAll(async () => {
      const all = await Promise.all([...results.values()].map((p) => p.catch(() => undefined)));
      transitions.push(...all.filter((r): r is ReleaseResult => r !== undefined));
    });
  });

  describe('the seed manifests: what the server does next to what verify says', () => {
    test('semaphore addressbook: accepted and rolled out; the canary stays after the last state, as verify says (no prune labels)', async () => {
      const r = await applySeed(cluster, 'semaphore-addressbook');
      seeds.push(r);
      expect(r.phases.map((p) => [p.phase, p.dryRun, p.applied])).toEqual([
        ['semaphore-addressbook/1-stable', undefined, undefined],
        ['semaphore-addressbook/2-canary', undefined, undefined],
        ['semaphore-addressbook/3-promote', undefined, undefined],
      ]);
      // After "promote" the canary, never pruned, still serves: 1 of the Service's 4 ready endpoints.
      expect(r.phases[2].deployments['addressbook-canary']).toBe('1/1');
      expect(r.phases[2].endpoints['addressbook-lb']).toBe(4);
      expect(r.verify.some((f) => f.includes('also matches the pods of Deployment/addressbook-stable'))).toBe(true);
    }, 300_000);

    test('istio sockshop as quoted: the server refuses what verify cannot read or finds broken', async () => {
      const r = await applySeed(cluster, 'istio-sockshop-as-quoted');
      seeds.push(r);
      expect(r.phases.every((p) => p.dryRun !== undefined && p.applied !== undefined)).toBe(true);
      expect(r.verify[0]).toMatch(/^unreadable: .*not valid YAML/);
    }, 120_000);

    test('istio sockshop, indentation restored: accepted (the server does not check subsets), verify reports the missing DestinationRule', async () => {
      const r = await applySeed(cluster, 'istio-sockshop');
      seeds.push(r);
      expect(r.phases.map((p) => p.dryRun ?? p.applied)).toEqual(r.phases.map(() => undefined));
      expect(r.verify.some((f) => f.includes('is not defined by any DestinationRule'))).toBe(true);
    }, 300_000);

    test('vamp sava: accepted and serving, verify reports policy only', async () => {
      const r = await applySeed(cluster, 'vamp-sava');
      seeds.push(r);
      expect(r.phases.map((p) => p.dryRun ?? p.applied)).toEqual([undefined]);
      expect(r.phases[0].endpoints['sava-product']).toBeGreaterThan(0);
      expect(r.verify.every((f) => f.endsWith('[policy]'))).toBe(true);
    }, 180_000);
  });
}

/** The result promise for a key, once the chain that produces it has started it (bounded). */
async function waitForKey<T>(map: () => Map<string, Promise<T>>, key: string): Promise<T> {
  for (let i = 0; i < 45 * 60 * 4; i++) {
    const p = map().get(key);
    if (p) return p;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${key} never started`);
}
