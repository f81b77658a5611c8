import { Checks } from '../model/checks';

const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$/;
const SUFFIXES: { [suffix: string]: number } = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** A Kubernetes quantity and its value in base units. */
export interface Amount {
  readonly text: string;
  readonly value: number;
  /** Whether the user gave it, rather than the default. */
  readonly given?: boolean;
}

export function quantity(check: Checks, field: string, text: unknown): Amount {
  const m = typeof text === 'string' ? QUANTITY.exec(text) : null;
  const suffix = m?.[3] ?? '';
  const raw = m ? Number(m[1]) * (/^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIXES[suffix]) : NaN;
  // To the nano unit, Kubernetes' finest: 700m is 0.7000000000000001 in binary, and must equal 0.7.
  const value = Math.round(raw * 1e9) / 1e9;
  // Beyond 2^53 base units (8 PiB, 9e15 cores) a quantity is a typo, and no longer exact here.
  if (!m || !(value <= Number.MAX_SAFE_INTEGER)) check.fail(field, text, "a Kubernetes quantity such as '250m', '1', '128Mi' or '2Gi', at most 8Pi");
  return { text: text as string, value };
}

