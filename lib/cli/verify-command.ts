import { parseArgs } from 'util';
import { gateScript, phaseGateJobs, runGateScript } from './gate-command';
import { phaseAutoscaled, scaledScript } from './scaled-command';
import { pruneFlags } from '../model/prune-allowlist';
import { renderPlanMarkdown } from '../plan/markdown';
import { renderPlanMermaid } from '../plan/mermaid';
import { planPath, planPhases, ReleasePlan } from '../plan/plan';
import { renderPlanJson, renderPlanTable } from '../plan/table';
import { loadDeclaration, ManifestReadError, releasePaths } from '../verify/loading/loader';
import { verifyPath, verifyPhases, VerifyResult } from '../verify/verify';
import { VERIFY_FORMATS, VERIFY_REPORTS, VerifyFormat } from './finding-formats';

/** Where the command writes. */
export interface CommandOutput {
  /** Receives the report (findings, plan), in pieces that end with a newline. */
  readonly stdout: (text: string) => void;
  /** Receives errors and usage, in pieces that end with a newline. */
  readonly stderr: (text: string) => void;
}

export const USAGE = `Usage:
  cdk8s-canary verify [--format text|github|json] <release...>
  cdk8s-canary verify --phases [--name <release>] [--format text|github|json] <phase...>
  cdk8s-canary plan [--format table|json|mermaid|markdown] <release...>
  cdk8s-canary plan --phases [--name <release>] [--format table|json|mermaid|markdown] <phase...>
  cdk8s-canary prune-flags <release>
  cdk8s-canary gate [--print] <phase>
  cdk8s-canary wait-scaled [--print] <phase>

A <release> is the folder \`npm run synth\` writes (dist: every release in it), a
folder written by cdk8s-canary for one release (release.json and one folder per
phase), a folder whose sub-folders hold the YAML of each phase (in natural order),
or a YAML file or folder of YAML files (one phase). With --phases, each argument
is one phase (a YAML file or folder), applied in the given order.

verify --format github prints GitHub Actions workflow commands (::error file=...,
line=...::), shown on the lines of the pull request; json prints one JSON object
per finding (release, phase, object, field, check, message, file, line).
plan --format mermaid draws the phases as a Mermaid flowchart; markdown gives a
heading, that diagram and the plan table. prune-flags prints what follows
\`kubectl apply -f <phase> --prune\` for a folder with a release.json: -l <selector>
and one --prune-allowlist=<group/version/Kind> per kind of the release.

gate waits, once a phase is applied, until each gate Job of the phase
(dist/<release>/<phase>) completes or fails, printing the kubectl calls it makes;
it exits 0 when every gate passed and 1 when one failed or ran out of time (roll
back then). --print writes the same as a POSIX sh script that needs kubectl alone.

wait-scaled waits, after \`kubectl rollout status\`, until each Deployment of the
phase that an autoscaler scales has the autoscaler's minReplicas available (a new
one starts at 1 pod until the autoscaler's first sync), for at most
$SCALE_WAIT_SECONDS (600); exit 1 when one has not. --print as for gate.

Exit codes: 0 no findings (gates passed, Deployments scaled), 1 findings (a gate
failed, a Deployment not scaled in time), 2 unreadable
input or bad arguments.
`;

/** The formats of each command; the first is the default. */
const FORMATS: { readonly [command: string]: readonly string[] } = {
  verify: VERIFY_FORMATS,
  plan: ['table', 'json', 'mermaid', 'markdown'],
  'prune-flags': ['text'],
  gate: ['text'],
  'wait-scaled': ['text'],
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
    if (values.print !== undefined && command !== 'gate' && command !== 'wait-scaled') return usageError(out, `${command}: --print goes with gate or wait-scaled`);
    if (command === 'prune-flags') return printPruneFlags(positionals, values.phases === true, out);
    if (command === 'gate') return gate(positionals, values.phases === true, values.print === true, out);
    if (command === 'wait-scaled') return waitScaled(positionals, values.phases === true, values.print === true, out);
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
    options: { format: { type: 'string' }, phases: { type: 'boolean' }, name: { type: 'string' }, print: { type: 'boolean' } },
  });
}

function usageError(out: CommandOutput, message: string): number {
  out.stderr(`error: ${message}\n\n${USAGE}`);
  return 2;
}

function verify(paths: readonly string[], phases: boolean, name: string | undefined, format: string, out: CommandOutput): number {
  const report = VERIFY_REPORTS[format as VerifyFormat];
  const results: VerifyResult[] = [];
  let unreadable = 0;
  const attempt = (run: () => VerifyResult) => {
    try {
      const result = run();
      results.push(result);
      for (const f of result.findings) out.stdout(report.finding(f) ?? '');
      out.stdout(report.summary(result) ?? '');
    } catch (e) {
      if (!(e instanceof ManifestReadError)) throw e;
      unreadable++;
      const { text, stdout } = report.unreadable(e.file, e.message, e.line);
      (stdout ? out.stdout : out.stderr)(text);
    }
  };
  if (phases) attempt(() => verifyPhases(paths, name));
  else for (const p of paths.flatMap(releasePaths)) attempt(() => verifyPath(p));
  out.stdout(report.end(results));
  if (unreadable) return 2;
  return results.some((r) => r.findings.length) ? 1 : 0;
}

function plan(paths: readonly string[], phases: boolean, name: string | undefined, format: string, out: CommandOutput): number {
  const releases = phases ? [paths] : paths.flatMap(releasePaths).map((p) => [p]);
  if (format === 'mermaid' && releases.length > 1) return usageError(out, `plan --format mermaid draws one release, not ${releases.length}: give one release folder`);
  const plans: ReleasePlan[] = [];
  let unreadable = 0;
  for (const release of releases) {
    const read = readInput(out, () => (phases ? planPhases(release, name) : planPath(release[0])));
    if (read) plans.push(read);
    else unreadable++;
  }
  if (format === 'json') {
    out.stdout(releases.length === 1 ? plans.map(renderPlanJson).join('') : `${JSON.stringify(plans, undefined, 2)}\n`);
  } else {
    const render = { mermaid: renderPlanMermaid, markdown: renderPlanMarkdown }[format] ?? renderPlanTable;
    out.stdout(plans.map(render).join('\n'));
  }
  return unreadable ? 2 : 0;
}

function printPruneFlags(paths: readonly string[], phases: boolean, out: CommandOutput): number {
  if (phases || paths.length !== 1) return usageError(out, 'prune-flags: give one release folder written by cdk8s-canary');
  const read = readInput(out, () => ({ decl: loadDeclaration(paths[0]) }));
  if (!read) return 2;
  const decl = read.decl;
  if (!decl) {
    out.stderr(`error: ${paths[0]}: no release.json: the prune selector and the kinds to prune are declared there; give a folder written by cdk8s-canary\n`);
    return 2;
  }
  out.stdout(`${pruneFlags(decl.pruneSelector, decl.pruneAllowlist).join(' ')}\n`);
  return 0;
}

function gate(paths: readonly string[], phases: boolean, print: boolean, out: CommandOutput): number {
  if (phases || paths.length !== 1) return usageError(out, 'gate: give one phase folder, e.g. dist/addressbook/dark');
  const found = readInput(out, () => phaseGateJobs(paths[0]));
  if (!found) return 2;
  return printOrRun(gateScript(found.release, found.phase, found.jobs), print, out);
}

function waitScaled(paths: readonly string[], phases: boolean, print: boolean, out: CommandOutput): number {
  if (phases || paths.length !== 1) return usageError(out, 'wait-scaled: give one phase folder, e.g. dist/checkout/stable');
  const found = readInput(out, () => phaseAutoscaled(paths[0]));
  if (!found) return 2;
  return printOrRun(scaledScript(found.release, found.phase, found.deployments), print, out);
}

function printOrRun(script: string, print: boolean, out: CommandOutput): number {
  if (!print) return runGateScript(script);
  out.stdout(script);
  return 0;
}

/** Runs `read`; input it cannot read becomes one line on stderr and undefined (the caller exits 2). */
function readInput<T>(out: CommandOutput, read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ManifestReadError)) throw e;
    out.stderr(`error: cannot read ${e.message}\n`);
    return undefined;
  }
}
