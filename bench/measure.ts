/**
 * One measurement in a fresh process:
 *   measure <variant> <workload> <n> <outdir> [<dir of the library's output, to replay>]
 * Prints one JSON line: the time from building the first object to writing the last
 * file, the module loading time before it, and the peak RSS of the process.
 */
import { Written } from './output';
import { appSpecs } from './workload';

export const VARIANTS = ['library', 'cdk8s-plus', 'api-object', 'plain-yaml', 'json', 'app-synth'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Workload = 'canary' | 'gateway' | 'argo' | 'flagger';

export interface Measurement {
  readonly variant: Variant;
  readonly workload: Workload;
  readonly n: number;
  /** Milliseconds from building the first construct (or object) to the last file written. */
  readonly ms: number;
  /** Of which writing the files. */
  readonly writeMs: number;
  /** Milliseconds from the start of the process to the variant's modules loaded. */
  readonly loadMs: number;
  /** Peak resident set size of the process, MB. */
  readonly rssMb: number;
  readonly files: number;
}

/** Loads the variant's modules and prepares its input; returns the work to time. */
function prepare(variant: Variant, workload: Workload, n: number, outdir: string, from?: string): [loadMs: number, work: () => Written] {
  if (workload !== 'canary') {
    if (variant === 'library') {
      const run: (specs: ReturnType<typeof appSpecs>, outdir: string) => Written =
        workload === 'gateway'
          ? require('./gateway-workload').runGatewayLibrary
          : workload === 'argo'
            ? require('./variants/library').runArgoLibrary
            : require('./variants/library').runFlaggerLibrary;
      const loadMs = performance.now();
      const specs = appSpecs(n);
      return [loadMs, () => run(specs, outdir)];
    }
    const replay = require('./variants/replay') as typeof import('./variants/replay');
    const loadMs = performance.now();
    if (!from) throw new Error(`the ${workload} workload replays the library output: pass its folder`);
    const phases = replay.loadPhases(from);
    if (variant === 'api-object') return [loadMs, () => replay.replayApiObjects(phases, outdir)];
    if (variant === 'plain-yaml') return [loadMs, () => replay.replayYaml(phases, outdir)];
    if (variant === 'json') return [loadMs, () => replay.replayJson(phases, outdir)];
    throw new Error(`no ${variant} variant of the ${workload} workload`);
  }
  const run: (specs: ReturnType<typeof appSpecs>, outdir: string) => Written =
    variant === 'library'
      ? require('./variants/library').runLibrary
      : variant === 'cdk8s-plus'
        ? require('./variants/cdk8s-plus').runCdk8sPlus
        : variant === 'api-object'
          ? require('./variants/api-object').runApiObjects
          : variant === 'plain-yaml'
            ? require('./variants/plain-yaml').runPlainYaml
            : variant === 'json'
              ? require('./variants/json').runJson
              : require('./variants/app-synth').runApiObjectsAppSynth;
  const loadMs = performance.now();
  const specs = appSpecs(n);
  return [loadMs, () => run(specs, outdir)];
}

if (require.main === module) {
  const [variant, workload, n, outdir, from] = process.argv.slice(2) as [Variant, Workload, string, string, string | undefined];
  const [loadMs, work] = prepare(variant, workload, Number(n), outdir, from);
  const start = performance.now();
  const { files, writeMs } = work();
  const ms = performance.now() - start;
  const result: Measurement = { variant, workload, n: Number(n), ms, writeMs, loadMs, rssMb: process.resourceUsage().maxRSS / 1024, files };
  process.stdout.write(JSON.stringify(result) + '\n');
}
