import { Finding, formatFinding } from '../verify/finding';
import { VerifyResult } from '../verify/verify';

/**
 * How `verify` reports, by `--format`: text for people, `github` for GitHub Actions
 * (workflow commands, which the runner turns into annotations on the lines of the pull
 * request's diff), `json` for any other tool.
 */
export interface VerifyReport {
  /** Text for a finding, or undefined when the format prints findings at the end. */
  readonly finding: (f: Finding) => string | undefined;
  /** The line after a release's findings. */
  readonly summary: (r: VerifyResult) => string | undefined;
  /** An input that cannot be read: the text and whether it goes to stdout (else stderr). */
  readonly unreadable: (file: string, message: string, line?: number) => { text: string; stdout: boolean };
  /** Printed once every release is verified. */
  readonly end: (results: readonly VerifyResult[]) => string;
}

export const VERIFY_FORMATS = ['text', 'github', 'json'] as const;
export type VerifyFormat = (typeof VERIFY_FORMATS)[number];

const text: VerifyReport = {
  finding: (f) => `${formatFinding(f)}\n`,
  summary: summaryLine,
  unreadable: (_file, message) => ({ text: `error: cannot read ${message}\n`, stdout: false }),
  end: () => '',
};

const github: VerifyReport = {
  finding: (f) => workflowCommand('error', { file: f.file, line: f.line, title: `cdk8s-canary ${f.check}: ${f.object}` }, formatFinding(f)),
  summary: summaryLine,
  unreadable: (file, message, line) => ({ text: workflowCommand('error', { file, line, title: 'cdk8s-canary: unreadable input' }, `cannot read ${message}`), stdout: true }),
  end: () => '',
};

const json: VerifyReport = {
  finding: () => undefined,
  summary: () => undefined,
  unreadable: text.unreadable,
  end: (results) => {
    const findings = results.flatMap((r) => r.findings.map(findingRecord));
    return findings.length ? `[\n${findings.map((f) => `  ${JSON.stringify(f)}`).join(',\n')}\n]\n` : '[]\n';
  },
};

export const VERIFY_REPORTS: { readonly [format in VerifyFormat]: VerifyReport } = { text, github, json };

/** `✓ shop (dist/shop): 5 phases, 5 transitions, no findings` or `✗ shop (...): 2 findings in ...`. */
function summaryLine(r: VerifyResult): string {
  const summary = `${r.phases.length} phase${r.phases.length === 1 ? '' : 's'}, ${r.transitions.length} transition${r.transitions.length === 1 ? '' : 's'}`;
  const n = r.findings.length;
  return n ? `✗ ${r.release} (${r.path}): ${n} finding${n === 1 ? '' : 's'} in ${summary}\n` : `✓ ${r.release} (${r.path}): ${summary}, no findings\n`;
}

/** A finding as one JSON object: the same fields in the same order, whichever finding it is. */
function findingRecord(f: Finding): object {
  return {
    release: f.release,
    phase: f.phase,
    object: f.object,
    field: f.field,
    check: f.check,
    message: f.message,
    ...(f.alsoIn ? { alsoIn: f.alsoIn } : {}),
    ...(f.file ? { file: f.file } : {}),
    ...(f.line ? { line: f.line } : {}),
  };
}

/**
 * `::error file=...,line=...,title=...::message`, escaped as the Actions toolkit escapes
 * (a newline or `%` in the message, and `,` or `:` in a property, would end it early).
 */
export function workflowCommand(command: 'error' | 'warning', properties: { [name: string]: string | number | undefined }, message: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}\n`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
