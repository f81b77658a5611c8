/** The families of checks; each finding names the one that raised it. */
export type CheckName = 'schema' | 'wiring' | 'transition' | 'capacity' | 'traffic' | 'policy' | 'gate' | 'engine';

/**
 * One violation found in a release, with enough to act on it: the phase (or
 * `from → to` for a transition), the object, the field and what is wrong.
 */
export interface Finding {
  /** The family of checks that raised it. */
  readonly check: CheckName;
  /** Release the phase belongs to. */
  readonly release: string;
  /** Phase name, or `from → to` for a transition. */
  readonly phase: string;
  /** `Kind/name` (or `Kind/namespace/name`). */
  readonly object: string;
  /** Dotted field path inside the object, e.g. `spec.selector`. */
  readonly field: string;
  /** What is wrong, phrased to follow the field. */
  readonly message: string;
  /**
   * Later phases where the same object has the same problem (reported once).
   * @default - none: the problem is only in `phase`
   */
  readonly alsoIn?: readonly string[];
  /**
   * The file the object is written in (release.json for a finding about the declaration).
   * @default - unknown: the object was not read from a file
   */
  readonly file?: string;
  /**
   * Line of the object in `file`, from 1.
   * @default - unknown
   */
  readonly line?: number;
}

/** One line: `<release>/<phase>: <Kind>/<name>: <field>: <problem>`. */
export function formatFinding(f: Finding): string {
  const where = f.field ? `${f.object}: ${f.field}` : f.object;
  const also = f.alsoIn?.length ? ` (also in ${f.alsoIn.join(', ')})` : '';
  return `${f.release}/${f.phase}: ${where}: ${f.message}${also} [${f.check}]`;
}

/** The name of a transition in findings and plans. */
export function transitionName(from: string, to: string): string {
  return `${from} → ${to}`;
}

/** Collects findings of one check family for one phase (or transition). */
export class FindingSink {
  public readonly findings: Finding[] = [];

  constructor(
    private readonly release: string,
    private readonly check: CheckName,
  ) {}

  public add(phase: string, object: string, field: string, message: string): void {
    this.findings.push({ check: this.check, release: this.release, phase, object, field, message });
  }
}
