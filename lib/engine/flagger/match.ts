import { Checks } from '../../model/checks';
import { anchoredCondition, ResolvedMatch } from '../../model/route-match';

/** The providers a Canary is rendered for: the Gateway's router, or none (`kubernetes`: blue/green). */
export type FlaggerProvider = 'istio' | 'nginx' | 'gatewayapi:v1' | 'kubernetes';

/** A header condition of `analysis.match`. */
export type FlaggerStringMatch = { readonly exact: string } | { readonly prefix: string } | { readonly regex: string };

/** One entry of `analysis.match`: every header must match. */
export interface FlaggerMatch {
  readonly headers: { readonly [header: string]: FlaggerStringMatch };
}

const FEATURE = '(engine flagger, feature A/B testing)';

/**
 * The conditions of an A/B step as Flagger's `analysis.match`, in the form the provider's
 * router takes: Istio matches exact, prefix and (whole-value) regex; the Gateway API exact
 * and regex (a prefix becomes an anchored regex, as the Gateway provider writes it);
 * ingress-nginx one header (exact or pattern) or one cookie named by canary-by-cookie.
 */
export function abMatch(check: Checks, field: string, provider: FlaggerProvider, conditions: readonly ResolvedMatch[]): FlaggerMatch[] {
  if (provider === 'kubernetes') {
    check.fail(field, conditions.map((c) => c.header), `a step without conditions ${FEATURE}: without a router (Flagger's kubernetes provider) Flagger cannot route by request content`);
  }
  const headers: { [header: string]: FlaggerStringMatch } = {};
  conditions.forEach((c, i) => {
    if (headers[c.header]) check.fail(`${field}.conditions[${i}]`, c.header, `one condition per header ${FEATURE}: Flagger's match holds one value per header`);
    headers[c.header] = stringMatch(check, `${field}.conditions[${i}]`, provider, c, conditions.length);
  });
  return [{ headers }];
}

function stringMatch(check: Checks, field: string, provider: FlaggerProvider, c: ResolvedMatch, count: number): FlaggerStringMatch {
  if (provider === 'istio') return c.match === 'exact' ? { exact: c.value } : c.match === 'prefix' ? { prefix: c.value } : { regex: c.value };
  if (provider === 'gatewayapi:v1') {
    const a = anchoredCondition(c);
    return a.match === 'exact' ? { exact: a.value } : { regex: a.value };
  }
  // nginx: canary-by-header (with a value or a pattern) or canary-by-cookie, one of them.
  if (count > 1) check.fail(field, count, `a single condition ${FEATURE}: with ingress-nginx Flagger sets one canary-by-header or canary-by-cookie`);
  if (c.cookie) {
    if (c.cookie.value !== 'always') check.fail(`${field}.value`, c.cookie.value, `"always" ${FEATURE}: ingress-nginx sends a request to the canary when the cookie named by canary-by-cookie is "always"`);
    return { exact: c.cookie.name };
  }
  if (c.header === 'cookie') check.fail(field, c.value, `Match.cookie(name, "always") ${FEATURE}: with ingress-nginx Flagger matches a cookie by its name only`);
  const a = anchoredCondition(c);
  return a.match === 'exact' ? { exact: a.value } : { regex: a.value };
}
