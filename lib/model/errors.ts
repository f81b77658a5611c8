/**
 * The one error type for invalid input. It names where the bad value was given
 * (the construct path), which field holds it, the value itself and what would have
 * been accepted, so a pipeline log says everything in one line.
 */
export class ReleaseConfigError extends Error {
  /** Recognises the error across copies of the package (instanceof fails across them). */
  public static isReleaseConfigError(x: unknown): x is ReleaseConfigError {
    return typeof x === 'object' && x !== null && (x as { [MARK]?: boolean })[MARK] === true;
  }

  public readonly name = 'ReleaseConfigError';

  constructor(
    /** Construct path, e.g. `addressbook` or `sockshop/front-end`. */
    public readonly path: string,
    /** Field of the props, dotted, e.g. `steps[1]` or `service.port`. */
    public readonly field: string,
    /** The rejected value. */
    public readonly value: unknown,
    /** What would be accepted, phrased to follow "expected". */
    public readonly expected: string,
  ) {
    super(`${path || '<root>'}: ${field}: ${describe(value)} is invalid; expected ${expected}`);
    Object.defineProperty(this, MARK, { value: true });
  }
}

const MARK = Symbol.for('cdk8s-canary.ReleaseConfigError');

/** Short, quoted rendering of a value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
