import { parseArgs } from 'util';
import { pruneFlags } from '../model/prune-allowlist';
import { renderPlanMarkdown } from '../plan/markdown';
import { renderPlanMermaid } from '../plan/mermaid';
import { planPath, planPhases, ReleasePlan } from '../plan/plan';
import { renderPlanJson, renderPlanTable } from '../plan/table';
import { formatFinding } from '../verify/finding';
import { loadDeclaration, ManifestReadError } from '../verify/loading/loader';
import { verifyPath, verifyPhases, VerifyResult } from '../verify/verify';

/** Where the command writes. */
export interface CommandOutput {
  /** Receives the report (findings, plan), in pieces that end with a newline. */
  readonly stdout: (text: string) => void;
  /** Receives errors and usage, in pieces that end with a newline. */
  readonly stderr: (text: string) => void;
}

export const USAGE = `Usage:
  cdk8s-canary verify [--format text|json] <release...>
  cdk8s-canary verify --phases [--name <release>] [--format text|json] <phase...>
  cdk8s-canary plan [--format table|json|mermaid|markdown] <release>
  cdk8s-canary plan --phases [--name <release>] [--format table|json|mermaid|markdown] <phase...>
  cdk8s-canary prune-flags <release>

A <release> is a folder written by cdk8s-canary (release.json and one folder per
phase), a folder whose sub-folders hold the YAML of each phase (in natural order),
or a YAML file or folder of YAML files (one phase). With --phases, each argument
is one phase (a YAML file or folder), applied in the given order.

plan --format mermaid draws the phases as a Mermaid flowchart; markdown gives a
heading, that diagram and the plan table. prune-flags prints what follows
\`kubectl apply -f <phase> --prune\` for a folder with a release.json: -l <selector>
and one --prune-allowlist=<group/version/Kind> per kind of the release.

Exit codes: 0 no findings, 1 findings, 2 unreadable input or bad arguments.
`;

/** The formats of each command; the first is the default. */
const FORMATS: { readonly [command: string]: readonly string[] } = {
  verify: ['text', 'json'],
  plan: ['table', 'json', 'mermaid', 'markdown'],
  'prune-flags': ['text'],
};

/**
 * The \`cdk8s-canary\` command. Returns the exit code: 0 when every release is
 * clean, 1 when there are findings, 2 when input cannot be read or the arguments
 * are wrong. Never throws: unexpected errors become one line on stderr.
 */
export function runCommand(argv: readonly string[], out: CommandOutput): number {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      (command === undefined ? out.stderr : out.stdout)(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (!Object.prototype.hasOwnProperty.call(FORMATS, command)) return usageError(out, `unknown command "${command}"`);
    const formats = FORMATS[command];
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(rest);
    } catch (e) {
      return usageError(out, (e as Error).message);
    }
    const { values, positionals } = parsed;
    if (!positionals.length) return usageError(out, `${command}: no release or phase given`);
    const format = values.format ?? formats[0];
    if (formats.length === 1 && values.format !== undefined) return usageError(out, `${command}: takes no --format`);
    if (!formats.includes(format)) return usageError(out, `${command}: --format must be ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}, not "${format}"`);
    if (values.name !== undefined && !values.phases) return usageError(out, `${command}: --name goes with --phases`);
    if (command === 'prune-flags') return printPruneFlags(positionals, values.phases === true, out);
    return command === 'verify' ? verify(positionals, values.phases === true, values.name, format, out) : plan(positionals, values.phases === true, values.name, format, out);
  } catch (e) {
    out.stderr(`unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CDK8S_CANARY_DEBUG && e instanceof Error) out.stderr(`${e.stack}\n`);
    return 2;
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { format: { type: 'string' }, phases: { type: 'boolean' }, name: { type: 'string' } },
  });
}

function usageError(out: CommandOutput, message: string): number {
  out.stderr(`error: ${message}\n\n${USAGE}`);
  return 2;
}

function verify(paths: readonly string[], phases: boolean, name: string | undefined, format: string, out: CommandOutput): number {
  const results: VerifyResult[] = [];
  const errors: Array<{ path: string; message: string }> = [];
  const attempt = (label: string, run: () => VerifyResult) => {
    try {
      results.push(run());
    } catch (e) {
      if (!(e instanceof ManifestReadError)) throw e;
      errors.push({ path: label, message: e.message });
    }
  };
  if (phases) attempt(paths.join(' '), () => verifyPhases(paths, name));
  else for (const p of paths) attempt(p, () => verifyPath(p));

  for (const e of errors) out.stderr(`error: cannot read ${e.message}\n`);
  if (format === 'json') {
    out.stdout(JSON.stringify({ results, errors }, undefined, 2) + '\n');
  } else {
    for (const r of results) {
      for (const f of r.findings) out.stdout(`${formatFinding(f)}\n`);
      const summary = `${r.phases.length} phase${r.phases.length === 1 ? '' : 's'}, ${r.transitions.length} transition${r.transitions.length === 1 ? '' : 's'}`;
      const n = r.findings.length;
      out.stdout(n ? `✗ ${r.release} (${r.path}): ${n} finding${n === 1 ? '' : 's'} in ${summary}\n` : `✓ ${r.release} (${r.path}): ${summary}, no findings\n`);
    }
  }
  if (errors.length) return 2;
  return results.some((r) => r.findings.length) ? 1 : 0;
}

function plan(paths: readonly string[], phases: boolean, name: string | undefined, format: string, out: CommandOutput): number {
  if (!phases && paths.length > 1) return usageError(out, 'plan: give one release (or use --phases to list its phases)');
  let result: ReleasePlan;
  try {
    result = phases ? planPhases(paths, name) : planPath(paths[0]);
  } catch (e) {
    if (!(e instanceof ManifestReadError)) throw e;
    out.stderr(`error: cannot read ${e.message}\n`);
    return 2;
  }
  const render = { json: renderPlanJson, mermaid: renderPlanMermaid, markdown: renderPlanMarkdown }[format] ?? renderPlanTable;
  out.stdout(render(result));
  return 0;
}

function printPruneFlags(paths: readonly string[], phases: boolean, out: CommandOutput): number {
  if (phases || paths.length !== 1) return usageError(out, 'prune-flags: give one release folder written by cdk8s-canary');
  let decl;
  try {
    decl = loadDeclaration(paths[0]);
  } catch (e) {
    if (!(e instanceof ManifestReadError)) throw e;
    out.stderr(`error: cannot read ${e.message}\n`);
    return 2;
  }
  if (!decl) {
    out.stderr(`error: ${paths[0]}: no release.json: the prune selector and the kinds to prune are declared there; give a folder written by cdk8s-canary\n`);
    return 2;
  }
  out.stdout(`${pruneFlags(decl.pruneSelector, decl.pruneAllowlist).join(' ')}\n`);
  return 0;
}
