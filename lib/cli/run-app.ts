import { App } from 'cdk8s';
import { ReleaseConfigError } from '../model/errors';
import { RenderOptions, synthesize, SynthesisValidationError } from '../write/synthesize';

/** Options of `runApp`. */
export interface RunAppOptions extends RenderOptions {
  /** Folder the phases are written to. @default - $CDK8S_OUTDIR (set by `cdk8s synth`), else 'dist' */
  readonly outdir?: string;
}

/**
 * The body of a `main.ts`: builds the releases, writes every phase atomically and
 * turns errors into one line each with a non-zero exit code (1 for invalid input,
 * 2 for an unexpected failure), never a stack trace unless CDK8S_CANARY_DEBUG is set.
 */
export function runApp(define: (app: App) => void, options: RunAppOptions = {}): void {
  const outdir = options.outdir ?? (process.env.CDK8S_OUTDIR || 'dist');
  try {
    const app = new App({ outdir });
    define(app);
    const files = synthesize(app, outdir, options);
    const phases = files.filter((f) => f.path.endsWith('/manifest.yaml')).length;
    process.stdout.write(`wrote ${phases} phase${phases === 1 ? '' : 's'} to ${outdir}/\n`);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

/** Prints an error for a person and returns the exit code. */
export function reportError(e: unknown): number {
  if (ReleaseConfigError.isReleaseConfigError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof SynthesisValidationError) {
    for (const p of e.problems) process.stderr.write(`error: ${p}\n`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`unexpected error: ${message}\n`);
  if (process.env.CDK8S_CANARY_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('(set CDK8S_CANARY_DEBUG=1 to print the stack trace)\n');
  return 2;
}
