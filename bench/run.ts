/**
 * `npm run bench`: synthesis time and peak memory of this library against the same
 * objects written with cdk8s-plus-27, as raw cdk8s ApiObjects, as plain YAML and as JSON (the floor of any writer), plus
 * the cold time of `npm run synth`. Prints markdown tables and exits 1 when a target
 * is missed.
 *
 *   npm run bench [-- --ns 100,1000,3000 --runs 3 --workloads canary,gateway,argo,flagger --no-synth]
 *   npm run bench -- --workloads ''   (the synth, verify and module-loading tables only)
 *   npm run bench -- --workloads '' --no-synth   (the verify table only)
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GATEWAY_PHASES } from './gateway-workload';
import { Measurement, Variant, Workload } from './measure';
import { appSpecs, phaseCount } from './workload';

const ROOT = path.resolve(__dirname, '..');
const RUN = path.join(ROOT, 'tools/run.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFiles } = require('../tools/run.js') as { cacheFiles: (entry: string) => Record<string, string> };
const MEASURE = path.join(__dirname, 'measure.ts');

const WORKLOAD_TITLES: { [w in Workload]: string } = {
  canary: 'CanaryApp, every phase',
  gateway: 'Istio gateway release, every phase',
  argo: 'CanaryApp on Argo Rollouts (Engine.argoRollouts()), every folder',
  flagger: 'CanaryApp on Flagger (Engine.flagger(), ingress-nginx), every folder',
};
/** An engine release is written as three folders: stable, release, rollback. */
const ENGINE_FOLDERS = 3;

const TARGETS = {
  /** (a) / (b): at most half the time of hand-written cdk8s-plus (measured 0.24-0.29), so that a regression shows. */
  vsCdk8sPlus: 0.5,
  /** (a) / (d): at most 2.5 times `yaml` alone. */
  vsYaml: 2.5,
  /** time(3000) / time(1000): linear. */
  growth: 3.3,
  rssMbAt1000: 400,
  synthMs: 500,
  /** `npm run synth` / `ts-node main.ts`. */
  synthVsTsNode: 0.25,
  /** `npm run verify` (every release of dist/) from a cold process. */
  verifyMs: 1000,
};

/** Pairs of back-to-back runs (N=1000, N=3000) of (a) for the growth figure. */
const GROWTH_PAIRS = 5;

const LABELS: Record<string, string> = {
  library: '(a) cdk8s-canary',
  'cdk8s-plus': '(b) cdk8s-plus-27 L2',
  'api-object': '(c) cdk8s ApiObject',
  'plain-yaml': '(d) yaml.stringify',
  json: '(e) JSON.stringify',
  'app-synth': '(c) via app.synth()',
};

interface Options {
  ns: number[];
  runs: number;
  workloads: Workload[];
  synth: boolean;
  verify: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { ns: [100, 1000, 3000], runs: 3, workloads: ['canary', 'gateway', 'argo', 'flagger'], synth: true, verify: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ns') o.ns = argv[++i].split(',').map(Number);
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--workloads') o.workloads = argv[++i].split(',').filter(Boolean) as Workload[];
    else if (a === '--no-synth') o.synth = false;
    else if (a === '--no-verify') o.verify = false;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const failures: string[] = [];
function target(ok: boolean, text: string): void {
  console.log(`${ok ? '✓' : '✗'} ${text}`);
  if (!ok) failures.push(text);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Where the variants write: tmpfs when there is one, so that the figures are those of
 * synthesis and not of a shared disk, whose latency varies tenfold from one minute to
 * the next on this machine (BENCH_TMPDIR to choose).
 */
const OUT_BASE = process.env.BENCH_TMPDIR ?? (isWritableDir('/dev/shm') ? '/dev/shm' : os.tmpdir());

function isWritableDir(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(OUT_BASE, `bench-${prefix}-`));
}

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** One run in a fresh process; the output folder is removed unless kept for a replay. */
function measureOnce(variant: Variant, workload: Workload, n: number, keep = false, from?: string): Measurement & { outdir: string } {
  const outdir = tmpdir(variant);
  const args = [RUN, MEASURE, variant, workload, String(n), outdir, ...(from ? [from] : [])];
  const out = check(spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 }), `${variant} ${workload} N=${n}`);
  if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
  return { ...(JSON.parse(out.trim().split('\n').pop()!) as Measurement), outdir };
}

interface Figures {
  ms: number;
  writeMs: number;
  rssMb: number;
  loadMs: number;
  runs: number;
}

function measure(variant: Variant, workload: Workload, n: number, runs: number, from?: string): Figures {
  const all: Measurement[] = [];
  for (let i = 0; i < runs; i++) all.push(measureOnce(variant, workload, n, false, from));
  const f = { ms: median(all.map((m) => m.ms)), writeMs: median(all.map((m) => m.writeMs)), rssMb: median(all.map((m) => m.rssMb)), loadMs: median(all.map((m) => m.loadMs)), runs };
  process.stderr.write(`  ${LABELS[variant]} N=${n}: ${fmtMs(f.ms)}, ${f.rssMb.toFixed(0)} MB (${runs} run${runs > 1 ? 's' : ''})\n`);
  return f;
}

const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtRatio = (r: number | undefined) => (r === undefined || !isFinite(r) ? '–' : r.toFixed(2));

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

const manifests = (dir: string) => new Map([...tree(dir)].filter(([f]) => f.endsWith('/manifest.yaml')));

/** What must agree between the library's objects and cdk8s-plus's, which adds defaults of its own. */
function essentials(yamlText: string): unknown[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS())
    .map((d: any) => {
      const base = { kind: d.kind, name: d.metadata.name, labels: d.metadata.labels };
      if (d.kind === 'PodDisruptionBudget') return { ...base, selector: d.spec.selector.matchLabels, maxUnavailable: d.spec.maxUnavailable, minAvailable: d.spec.minAvailable };
      if (d.kind === 'Service') return { ...base, type: d.spec.type, selector: d.spec.selector, ports: d.spec.ports.map((p: any) => [p.name, p.port]) };
      const c = d.spec.template.spec.containers[0];
      return { ...base, replicas: d.spec.replicas, selector: d.spec.selector.matchLabels, image: c.image, env: c.env.map((e: any) => e.name), ports: c.ports.map((p: any) => p.containerPort) };
    })
    .sort((x: any, y: any) => `${x.kind}/${x.name}`.localeCompare(`${y.kind}/${y.name}`));
}

/** The four variants write the same objects: (c) and (d) byte for byte, (b) up to cdk8s-plus defaults. */
function checkSameObjects(workload: Workload, n: number): void {
  const a = measureOnce('library', workload, n, true);
  const expected = manifests(a.outdir);
  const variants: Variant[] = workload === 'canary' ? ['api-object', 'plain-yaml', 'cdk8s-plus'] : ['api-object', 'plain-yaml'];
  try {
    for (const v of variants) {
      const r = measureOnce(v, workload, n, true, workload !== 'canary' ? a.outdir : undefined);
      const got = manifests(r.outdir);
      fs.rmSync(r.outdir, { recursive: true, force: true });
      const same =
        got.size === expected.size &&
        [...expected].every(([f, text]) => got.has(f) && (v === 'cdk8s-plus' ? JSON.stringify(essentials(text)) === JSON.stringify(essentials(got.get(f)!)) : got.get(f) === text));
      target(same, `${workload}: ${LABELS[v]} writes the same ${expected.size} phases as (a)${v === 'cdk8s-plus' ? ' (kinds, names, labels, selectors, replicas, images, ports)' : ', byte for byte'}`);
    }
  } finally {
    fs.rmSync(a.outdir, { recursive: true, force: true });
  }
}

function benchWorkload(workload: Workload, o: Options): void {
  const specs = appSpecs(Math.max(...o.ns));
  console.log(`\n## Workload: ${WORKLOAD_TITLES[workload]}\n`);
  checkSameObjects(workload, 40);
  const variants: Variant[] = workload === 'canary' ? ['library', 'cdk8s-plus', 'api-object', 'plain-yaml', 'json'] : ['library', 'api-object', 'plain-yaml', 'json'];
  const results = new Map<string, Figures>();
  const key = (v: Variant, n: number) => `${v}@${n}`;
  for (const n of o.ns) {
    let from: string | undefined;
    if (workload !== 'canary') from = measureOnce('library', workload, n, true).outdir;
    try {
      for (const v of variants) {
        // N=3000 of the slow variants once: they take tens of seconds each.
        const runs = n >= 3000 && v !== 'library' ? 1 : o.runs;
        results.set(key(v, n), measure(v, workload, n, runs, from));
      }
    } finally {
      if (from) fs.rmSync(from, { recursive: true, force: true });
    }
  }

  const phases = o.ns.map((n) => (workload === 'canary' ? phaseCount(specs.slice(0, n)) : workload === 'gateway' ? GATEWAY_PHASES * n : ENGINE_FOLDERS * n));
  console.log(`Time from the first construct to the last file written to ${OUT_BASE} (module loading excluded; every variant writes one file per phase, (a) a release.json per app too), median of runs; peak RSS of the process.\n`);
  const lo = o.ns[0];
  const hi = o.ns[o.ns.length - 1];
  const mid = o.ns.includes(1000) ? 1000 : o.ns[Math.max(0, o.ns.length - 2)];
  console.log(`| variant | ${o.ns.map((n, i) => `N=${n} (${phases[i]} phases) | writing | RSS`).join(' | ')} | ${hi}/${mid} | ${hi}/${lo} | load |`);
  console.log(`|---|${o.ns.map(() => '--:|--:|--:').join('|')}|--:|--:|--:|`);
  for (const v of variants) {
    const cells = o.ns.map((n) => {
      const f = results.get(key(v, n))!;
      return `${fmtMs(f.ms)} | ${fmtMs(f.writeMs)} | ${f.rssMb.toFixed(0)} MB`;
    });
    const g = (a: number, b: number) => results.get(key(v, a))!.ms / results.get(key(v, b))!.ms;
    console.log(`| ${LABELS[v]} | ${cells.join(' | ')} | ${fmtRatio(g(hi, mid))} | ${fmtRatio(g(hi, lo))} | ${fmtMs(results.get(key(v, lo))!.loadMs)} |`);
  }
  console.log(`\n| ratio | ${o.ns.map((n) => `N=${n}`).join(' | ')} |`);
  console.log(`|---|${o.ns.map(() => '--:').join('|')}|`);
  const ratio = (v: Variant, n: number) => (results.has(key(v, n)) ? results.get(key('library', n))!.ms / results.get(key(v, n))!.ms : undefined);
  for (const v of variants.slice(1)) console.log(`| a/${LABELS[v][1]} | ${o.ns.map((n) => fmtRatio(ratio(v, n))).join(' | ')} |`);
  console.log('');

  for (const n of o.ns) {
    if (workload === 'canary') target(ratio('cdk8s-plus', n)! <= TARGETS.vsCdk8sPlus, `${workload} N=${n}: a/b = ${fmtRatio(ratio('cdk8s-plus', n))} ≤ ${TARGETS.vsCdk8sPlus}`);
    target(ratio('plain-yaml', n)! <= TARGETS.vsYaml, `${workload} N=${n}: a/d = ${fmtRatio(ratio('plain-yaml', n))} ≤ ${TARGETS.vsYaml}`);
  }
  if (o.ns.includes(1000) && o.ns.includes(3000)) {
    // The table's medians come from runs minutes apart; on a shared machine a burst of load
    // in one of them moves the ratio by more than the target's margin. Runs of N=1000 and
    // N=3000 back to back meet the same load: the growth is the median of their ratios.
    const ratios: number[] = [];
    for (let i = 0; i < GROWTH_PAIRS; i++) {
      const small = measureOnce('library', workload, 1000).ms;
      ratios.push(measureOnce('library', workload, 3000).ms / small);
    }
    const growth = median(ratios);
    console.log(`Growth of (a) from N=1000 to N=3000, ${GROWTH_PAIRS} pairs of runs back to back: ${ratios.map(fmtRatio).join(', ')}; median ${fmtRatio(growth)}.\n`);
    target(growth <= TARGETS.growth, `${workload}: (a) time(3000)/time(1000) = ${fmtRatio(growth)} ≤ ${TARGETS.growth}`);
  }
  if (o.ns.includes(1000)) {
    const rss = results.get(key('library', 1000))!.rssMb;
    target(rss <= TARGETS.rssMbAt1000, `${workload}: (a) peak RSS at N=1000 = ${rss.toFixed(0)} MB ≤ ${TARGETS.rssMbAt1000} MB`);
  }
}

/** Why one pass: cdk8s' own app.synth() grows with charts × constructs. */
function benchAppSynth(): void {
  console.log('\n## cdk8s `app.synth()` against one pass (objects of (c))\n');
  const ns = [100, 300];
  const figures = ns.map((n) => [measure('api-object', 'canary', n, 1), measure('app-synth', 'canary', n, 1)]);
  console.log(`| synthesis | ${ns.map((n) => `N=${n}`).join(' | ')} | ${ns[1]}/${ns[0]} |`);
  console.log('|---|--:|--:|--:|');
  for (const [i, label] of ['one pass (as the library renders)', 'app.synth() (chart.toJson() per chart)'].entries()) {
    console.log(`| ${label} | ${figures.map((f) => fmtMs(f[i].ms)).join(' | ')} | ${fmtRatio(figures[1][i].ms / figures[0][i].ms)} |`);
  }
}

/** Wall time of a command in a fresh process, in ms. */
function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  check(spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8' }), `${cmd} ${args.join(' ')}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Removes the runner's cached bundle of main.ts, as an edit leaves it; then bundles it again as `npm ci` does, if asked. */
function dropBundle(asNpmCi: boolean): void {
  for (const f of Object.values(cacheFiles(path.join(ROOT, 'main.ts')))) fs.rmSync(f, { force: true });
  if (asNpmCi) check(spawnSync(process.execPath, [RUN, '--build', 'main.ts'], { cwd: ROOT, encoding: 'utf8' }), 'tools/run.js --build main.ts');
}

/**
 * A cold `npm run synth` of main.ts, side by side with the default cdk8s runner. Two
 * cases: the output in place already holds what the run renders (a pipeline on a fresh
 * clone of a repository that commits dist/, or a synth after no edit), and the output
 * changes (an edit, or CI passing a new image): the whole output is then written again.
 */
function benchSynth(runs: number): void {
  console.log('\n## `npm run synth` of main.ts from a cold process\n');
  // The cases "after npm ci" and "after an edit" remove the cached bundle of main.ts; the runs make it again.
  // On the disk of the repository, where dist/ is, not on tmpfs as the workloads.
  // In .scratch/ (ignored by git), not in build/, which `npm run build` empties.
  fs.mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
  const same = fs.mkdtempSync(path.join(ROOT, '.scratch', 'bench-synth-'));
  const changing = fs.mkdtempSync(path.join(ROOT, '.scratch', 'bench-synth-changing-'));
  const tsNode = path.join(ROOT, 'node_modules/.bin/ts-node');
  const image = (i: number) => `docker.io/tomfern/addressbook:bench-${i}`;
  type Runner = [label: string, cmd: string, args: string[], env: (i: number) => NodeJS.ProcessEnv];
  const into = (out: string, extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, CDK8S_OUTDIR: out, ...extra });
  const runners: Runner[] = [
    ['`npm run synth` (node tools/run.js main.ts), output unchanged', 'npm', ['run', '--silent', 'synth'], () => into(same)],
    ['`npm run synth`, output changed (a new canary image each run)', 'npm', ['run', '--silent', 'synth'], (i) => into(changing, { ADDRESSBOOK_CANARY_IMAGE: image(i) })],
    ['`npm run synth`, the first after `npm ci` (bundle made by `prepare`, no code cache yet)', 'npm', ['run', '--silent', 'synth'], () => (dropBundle(true), into(same))],
    ['`npm run synth` after an edit (bundled again)', 'npm', ['run', '--silent', 'synth'], () => (dropBundle(false), into(same))],
    ['node tools/run.js main.ts, output unchanged', process.execPath, [RUN, 'main.ts'], () => into(same)],
    ['ts-node --transpile-only main.ts', tsNode, ['--transpile-only', 'main.ts'], () => into(same)],
    ['ts-node main.ts (cdk8s default, type-checking)', tsNode, ['main.ts'], () => into(same)],
  ];
  const times: number[][] = runners.map(() => []);
  try {
    // Interleaved, so that a burst of load on a shared machine hits every runner alike.
    for (let i = 0; i < runs; i++) {
      runners.forEach(([, cmd, args, env], j) => times[j].push(timeCommand(cmd, args, env(i))));
      const written = tree(same);
      const committed = tree(path.join(ROOT, 'dist'));
      if (written.size !== committed.size || [...committed].some(([f, text]) => written.get(f) !== text)) {
        target(false, 'the synth runners write exactly the committed dist/');
        return;
      }
      if (!tree(changing).get('addressbook/dark/manifest.yaml')?.includes(image(i))) {
        target(false, 'a synth with a new canary image writes it');
        return;
      }
    }
  } finally {
    fs.rmSync(same, { recursive: true, force: true });
    fs.rmSync(changing, { recursive: true, force: true });
  }
  const med = times.map(median);
  console.log(`| runner | median of ${runs} | fastest |`);
  console.log('|---|--:|--:|');
  runners.forEach(([label], j) => console.log(`| ${label} | ${fmtMs(med[j])} | ${fmtMs(Math.min(...times[j]))} |`));
  console.log('');
  const tsNodeMs = med[runners.length - 1];
  for (const [j, what] of ['output unchanged', 'output changed', 'first after npm ci'].entries()) {
    target(med[j] <= TARGETS.synthMs, `npm run synth (${what}): ${fmtMs(med[j])} ≤ ${TARGETS.synthMs} ms`);
    target(med[j] / tsNodeMs <= TARGETS.synthVsTsNode, `npm run synth (${what}) / ts-node main.ts = ${fmtRatio(med[j] / tsNodeMs)} ≤ ${TARGETS.synthVsTsNode}`);
  }
}

/**
 * `cdk8s-canary verify` of the committed dist/ from a cold process, as a pipeline runs it
 * after the synth: the output folder, the release folders one by one (`dist/*`), and the
 * GitHub format, whose locations cost a lookup per finding.
 */
function benchVerify(runs: number): void {
  console.log('\n## `cdk8s-canary verify` of dist/ from a cold process\n');
  const releases = fs.readdirSync(path.join(ROOT, 'dist')).filter((d) => fs.existsSync(path.join(ROOT, 'dist', d, 'release.json'))).map((d) => `dist/${d}`);
  const cli = [RUN, 'lib/cli/main.ts', 'verify'];
  const runners: Array<[label: string, cmd: string, args: string[]]> = [
    ['`npm run verify` (verify dist)', 'npm', ['run', '--silent', 'verify']],
    ['node tools/run.js lib/cli/main.ts verify dist', process.execPath, [...cli, 'dist']],
    [`node tools/run.js lib/cli/main.ts verify dist/* (${releases.length} folders)`, process.execPath, [...cli, ...releases]],
    ['node tools/run.js lib/cli/main.ts verify --format github dist', process.execPath, [...cli, '--format', 'github', 'dist']],
  ];
  const times: number[][] = runners.map(() => []);
  // Interleaved, as the synth runners.
  for (let i = 0; i < runs; i++) runners.forEach(([, cmd, args], j) => times[j].push(timeCommand(cmd, args, process.env)));
  const med = times.map(median);
  console.log(`| command | median of ${runs} | fastest |`);
  console.log('|---|--:|--:|');
  runners.forEach(([label], j) => console.log(`| ${label} | ${fmtMs(med[j])} | ${fmtMs(Math.min(...times[j]))} |`));
  console.log('');
  target(med[0] <= TARGETS.verifyMs, `npm run verify: ${fmtMs(med[0])} ≤ ${TARGETS.verifyMs} ms`);
  target(med[2] <= TARGETS.verifyMs, `verify dist/*: ${fmtMs(med[2])} ≤ ${TARGETS.verifyMs} ms`);
}

/** Module loading, each in a fresh process. */
function benchModuleLoad(runs: number): void {
  console.log('\n## Loading packages with plain require() (fresh process, median)\n');
  const modules: Array<[string, string]> = [
    ["require('cdk8s')", 'cdk8s'],
    ["require('cdk8s-plus-27') (index: every L2 construct)", 'cdk8s-plus-27'],
    ["require('cdk8s-plus-27/lib/imports/k8s') (the L1 classes only)", 'cdk8s-plus-27/lib/imports/k8s'],
    ["require('yaml')", 'yaml'],
  ];
  const ms: number[][] = modules.map(() => []);
  // Interleaved, as the synth runners.
  for (let i = 0; i < runs; i++) {
    modules.forEach(([label, id], j) => {
      const script = `const t = performance.now(); require(${JSON.stringify(id)}); process.stdout.write(String(performance.now() - t));`;
      ms[j].push(Number(check(spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }), label)));
    });
  }
  console.log('| module | load |');
  console.log('|---|--:|');
  modules.forEach(([label], j) => console.log(`| ${label} | ${fmtMs(median(ms[j]))} |`));
}

function machine(): string {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at start`;
}

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  console.log(`# cdk8s-canary benchmark\n\nMachine: ${machine()}; output written to ${OUT_BASE}`);
  for (const w of o.workloads) benchWorkload(w, o);
  if (o.synth) {
    benchAppSynth();
    benchSynth(9);
  }
  if (o.verify) benchVerify(9);
  if (o.synth) benchModuleLoad(9);
  console.log(`\nbenchmark took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length) {
    console.log(`\n${failures.length} target${failures.length > 1 ? 's' : ''} missed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main();
