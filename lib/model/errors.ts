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
    super(`${oneLine(path) || '<root>'}: ${oneLine(field)}: ${describe(value)} is invalid; expected ${oneLine(expected)}`);
    Object.defineProperty(this, MARK, { value: true });
  }
}

const MARK = Symbol.for('cdk8s-canary.ReleaseConfigError');

/**
 * Short rendering of a value for messages, on one line whatever the value: strings
 * quoted, objects as JSON, anything JSON cannot show (symbols, functions, bigints,
 * cycles) by its type.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return shorten(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return text === undefined ? `an ${Array.isArray(value) ? 'array' : 'object'} JSON cannot show` : shorten(text);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Construct ids and user keys may hold line breaks; the message must stay one line. */
function oneLine(text: string): string {
  return String(text).replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
