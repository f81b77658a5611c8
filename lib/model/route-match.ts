import { Checks, isWellFormed } from './checks';
import { RouteCondition } from './release';

/**
 * A condition on a request, for the routes of a Gateway phase. Regular expressions
 * match the whole value (as Istio's RE2 match does): write `.*Chrome.*` to find
 * `Chrome` anywhere in the User-Agent. Providers whose engine searches instead of
 * matching get the expression anchored, so it means the same everywhere. What RE2 lacks
 * (look-around, back-references) or reads otherwise than JavaScript (`[^]`, `\p{L}`,
 * `[[:alpha:]]`, named groups) is refused.
 */
export class Match {
  /** The header has exactly this value, e.g. `Match.header('accept', 'application/vnd.sava.v1+json')`. */
  public static header(name: string, value: string): Match {
    return new Match({ header: name, match: 'exact', value });
  }

  /** The header value starts with `prefix`. */
  public static headerPrefix(name: string, prefix: string): Match {
    return new Match({ header: name, match: 'prefix', value: prefix });
  }

  /** The whole header value matches the regular expression. */
  public static headerRegex(name: string, regex: string): Match {
    return new Match({ header: name, match: 'regex', value: regex });
  }

  /** The whole `Cookie` header matches, e.g. `Match.cookieRegex('.*logged_in.*')` for signed-in users. */
  public static cookieRegex(regex: string): Match {
    return new Match({ header: 'cookie', match: 'regex', value: regex });
  }

  /** The whole `User-Agent` header matches, e.g. `Match.userAgentRegex('.*Chrome.*')`. */
  public static userAgentRegex(regex: string): Match {
    return new Match({ header: 'user-agent', match: 'regex', value: regex });
  }

  /**
   * The request carries the cookie `name` with exactly `value`. With ingress-nginx this
   * is `canary-by-cookie`, which only knows the value `always` (and sends `never` to the
   * primary version); the other providers match it as a regular expression on the
   * `Cookie` header.
   */
  public static cookie(name: string, value: string): Match {
    return new Match({ header: 'cookie', match: 'regex', value: '', cookie: { name, value } });
  }

  private constructor(private readonly spec: MatchSpec) {}

  /** @internal Validates the condition and returns it with a lower-case header name. */
  public _resolve(check: Checks, field: string): ResolvedMatch {
    const s = this.spec;
    const header = checkHeaderName(check, `${field}.header`, s.header);
    if (s.cookie) {
      const name = s.cookie.name;
      const value = s.cookie.value;
      if (typeof name !== 'string' || !COOKIE_NAME.test(name)) check.fail(`${field}.cookie`, name, 'a cookie name: letters, digits and !#$%&\'*+-.^_`|~');
      if (typeof value !== 'string' || !COOKIE_VALUE.test(value)) check.fail(`${field}.value`, value, 'a non-empty cookie value without spaces, quotes, commas, semicolons or backslashes');
      return { header, match: 'regex', value: cookieRegex(name, value), cookie: { name, value } };
    }
    if (typeof s.value !== 'string' || s.value.length === 0 || s.value.length > 4096) {
      check.fail(`${field}.value`, s.value, `a non-empty ${s.match === 'regex' ? 'regular expression' : 'value'} of at most 4096 characters`);
    }
    if (CONTROL.test(s.value) || !isWellFormed(s.value)) {
      check.fail(`${field}.value`, s.value, `a ${s.match === 'regex' ? 'regular expression' : 'header value'} without control characters (a header value has none, tabs aside)`);
    }
    // A server strips the spaces around a header value before any router sees it.
    if (s.match !== 'regex' && (/^[ \t]/.test(s.value) || (s.match === 'exact' && /[ \t]$/.test(s.value)))) {
      check.fail(`${field}.value`, s.value, `a value without ${s.match === 'exact' ? 'leading or trailing' : 'leading'} spaces: servers strip them from header values, so it would never match`);
    }
    if (s.match === 'regex') checkRegex(check, `${field}.value`, s.value);
    return { header, match: s.match, value: s.value };
  }

  /** How the condition reads in descriptions and errors. */
  public toString(): string {
    const s = this.spec;
    if (s.cookie) return `Match.cookie(${JSON.stringify(s.cookie.name)}, ${JSON.stringify(s.cookie.value)})`;
    return `${s.header} ${s.match === 'exact' ? '=' : s.match === 'prefix' ? 'starts with' : '~'} ${JSON.stringify(s.value)}`;
  }
}

interface MatchSpec {
  readonly header: string;
  readonly match: RouteCondition['match'];
  readonly value: string;
  readonly cookie?: { readonly name: string; readonly value: string };
}

/** A validated condition: a declared RouteCondition, plus the cookie it was written as, if any. */
export interface ResolvedMatch extends RouteCondition {
  /** A cookie that must be present with this value (`Match.cookie`). @default - no cookie condition */
  readonly cookie?: { readonly name: string; readonly value: string };
}

/** Describes a resolved condition for phase descriptions. */
export function describeMatch(m: ResolvedMatch): string {
  if (m.cookie) return `cookie ${m.cookie.name}=${m.cookie.value}`;
  return `${m.header} ${m.match === 'exact' ? '=' : m.match === 'prefix' ? 'starts with' : '~'} ${m.value}`;
}

// RFC 9110 token: the characters of a header (and cookie) name.
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const COOKIE_NAME = TOKEN;
// RFC 6265 cookie-octet.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;

function checkHeaderName(check: Checks, field: string, name: unknown): string {
  if (typeof name !== 'string' || name.length > 256 || !TOKEN.test(name)) {
    check.fail(field, name, "an HTTP header name: letters, digits and !#$%&'*+-.^_`|~");
  }
  return name.toLowerCase();
}

// Control characters other than tab.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** A regular expression must compile, and in a form the routers' RE2 engines read as JavaScript does. */
export function checkRegex(check: Checks, field: string, value: string): void {
  try {
    new RegExp(value);
  } catch (e) {
    check.fail(field, value, `a regular expression that compiles (${(e as Error).message})`);
  }
  const problem = re2Problem(value);
  if (problem !== undefined) check.fail(field, value, `a regular expression without ${problem}`);
}

const NO_RE2 = ': RE2, the engine of Istio and Envoy, has none';

/**
 * The first construct of a pattern that JavaScript (which checks it here) accepts and RE2
 * (Istio, Envoy and most Gateway API implementations run it) lacks or reads differently, so
 * that the route would be refused or match other requests than the ones tested. Scans the
 * pattern as both engines do: escapes first, then classes.
 */
function re2Problem(value: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const e = value[i + 1];
      if (/[1-9]/.test(e ?? '') || (e === 'k' && value[i + 2] === '<')) return `back-references (\\1, \\k<name>)${NO_RE2}`;
      // RE2 and PCRE (ingress-nginx) refuse JavaScript's \u0041 and \cA; all three read \x41.
      if (e === 'u' || e === 'c') return `the escapes \\u and \\c (write \\x41 for a character code)${NO_RE2}`;
      if (e === 'p' || e === 'P') return 'the Unicode classes \\p and \\P: JavaScript reads \\p{L} as the text "p{L}", RE2 as the class of letters';
      i++;
    } else if (inClass) {
      if (c === '[' && /^\[:\^?[a-z]+:\]/.test(value.slice(i))) return 'POSIX classes such as [[:alpha:]]: RE2 reads a class of letters, JavaScript the characters "[:alph" followed by "]" (write [a-zA-Z])';
      if (c === ']') inClass = false;
    } else if (c === '[') {
      if (value.startsWith(']', i + 1) || value.startsWith('^]', i + 1)) {
        return 'the empty classes [] and [^]: JavaScript reads them as no character and any character, RE2 as the start of a class holding "]" (write [\\s\\S] for any character)';
      }
      inClass = true;
    } else if (c === '(' && value[i + 1] === '?') {
      if (/^\(\?<?[=!]/.test(value.slice(i))) return `look-around ((?=, (?!, (?<=, (?<!)${NO_RE2}`;
      if (value[i + 2] === '<') return 'named groups such as (?<name>...): RE2 releases before 2023, still in routers, know only (?P<name>...), which JavaScript refuses (a plain group matches the same)';
    }
  }
  return undefined;
}

/** The cookie `name=value` anywhere in a Cookie header: at its start or after "; ", up to ";" or the end. */
export function cookieRegex(name: string, value: string): string {
  return `(.*;\\s*)?${escapeRegex(name)}=${escapeRegex(value)}(;.*)?`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The expression anchored so that a searching engine (nginx, some Gateway API routers) matches the whole value. */
export function anchoredRegex(m: ResolvedMatch): string {
  if (m.match === 'exact') return `^${escapeRegex(m.value)}$`;
  if (m.match === 'prefix') return `^${escapeRegex(m.value)}.*$`;
  return `^(?:${m.value})$`;
}

/** The condition as a router that matches exact values or anchored regular expressions takes it. */
export function anchoredCondition(m: ResolvedMatch): RouteCondition {
  return m.match === 'exact' ? { header: m.header, match: 'exact', value: m.value } : { header: m.header, match: 'regex', value: anchoredRegex(m) };
}
