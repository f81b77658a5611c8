import { asArray, asLabels, asString, isRecord, Labels } from './manifest';

/** A set-based label selector, as in a Deployment's `spec.selector`. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** Reads `{ matchLabels, matchExpressions }`; undefined when the value is no selector at all. */
export function readLabelSelector(value: unknown): LabelSelector | undefined {
  if (!isRecord(value)) return undefined;
  const matchExpressions = asArray(value.matchExpressions)
    .filter(isRecord)
    .map((e) => ({ key: asString(e.key) ?? '', operator: asString(e.operator) ?? '', values: asArray(e.values).map(String) }));
  return { matchLabels: asLabels(value.matchLabels), matchExpressions };
}

/** A Service-style selector: every key must be present with the same value. */
export function mapMatches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  return mapMatches(selector.matchLabels, labels) && selector.matchExpressions.every((r) => requirementMatches(r, labels));
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

function requirementMatches(r: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** `app=web,track=stable` (kubectl's notation), `<none>` for an empty map. */
export function describeLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

export function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}
