import { DEFAULT_PRUNE_ALLOWLIST, isAllowlistEntry } from '../../model/prune-allowlist';
import { DeclaredRelease } from '../../model/release';
import { isRecord } from './manifest';
import { ManifestReadError } from './read-error';

const STRATEGIES = ['canary', 'gateway', 'smoke-active'];
const PROVIDERS = ['service', 'istio', 'gateway-api', 'nginx'];
const ENGINES = ['argo-rollouts', 'flagger'];
const MATCHES = ['exact', 'prefix', 'regex'];
const FOLDER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads a release.json and checks every field the checks and commands read, with the type
 * they read it as: a declaration written by hand or damaged on its way is refused here,
 * naming the field, instead of failing somewhere in a check.
 * @throws ManifestReadError
 */
export function parseDeclaration(file: string, text: string): DeclaredRelease {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ManifestReadError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const bad = (what: string): never => {
    throw new ManifestReadError(file, `not a release declaration: ${what}`);
  };
  const list = (v: unknown, at: string): unknown[] => (Array.isArray(v) ? v : bad(`${at} must be a list`));
  const optionalString = (v: unknown, at: string) => v === undefined || typeof v === 'string' || bad(`${at} must be a string`);
  const oneOf = (v: unknown, allowed: readonly string[], at: string) =>
    v === undefined || (typeof v === 'string' && allowed.includes(v)) || bad(`${at} must be ${allowed.map((a) => `"${a}"`).join(', ')}`);

  if (!isRecord(value)) return bad('expected a JSON object');
  if (value.apiVersion !== 'cdk8s-canary/v1') bad(`apiVersion is ${JSON.stringify(value.apiVersion)}, expected "cdk8s-canary/v1"`);
  if (typeof value.release !== 'string' || !value.release) bad('"release" must be a non-empty string');
  oneOf(value.strategy, STRATEGIES, '"strategy"');
  oneOf(value.provider, PROVIDERS, '"provider"');
  oneOf(value.engine, ENGINES, '"engine"');
  optionalString(value.namespace, '"namespace"');
  if (!Array.isArray(value.phases) || !value.phases.length) return bad('"phases" must be a non-empty list');
  const addresses = (v: unknown, of: string) => checkAddresses(v, of, bad);
  const names = new Set<string>();
  value.phases.forEach((p: unknown, i: number) => {
    if (!isRecord(p) || typeof p.name !== 'string' || !FOLDER_NAME.test(p.name)) bad(`phases[${i}].name must be a folder name`);
    const phase = p as { name: string; description?: unknown; addresses?: unknown };
    if (names.has(phase.name)) bad(`phases[${i}].name "${phase.name}" is used twice`);
    names.add(phase.name);
    optionalString(phase.description, `phases[${i}].description`);
    addresses(phase.addresses, `phases[${i}]`);
  });
  list(value.transitions, '"transitions"').forEach((t: unknown, i: number) => {
    if (!Array.isArray(t) || t.length !== 2 || !names.has(t[0]) || !names.has(t[1])) bad(`transitions[${i}] must be a pair of declared phase names`);
  });
  if (value.steps !== undefined) {
    list(value.steps, '"steps"').forEach((st: unknown, i: number) => {
      if (!isRecord(st) || typeof st.name !== 'string') bad(`steps[${i}].name must be a string`);
      const step = st as { description?: unknown; addresses?: unknown };
      optionalString(step.description, `steps[${i}].description`);
      addresses(step.addresses, `steps[${i}]`);
    });
  }
  optionalString(value.pruneSelector, '"pruneSelector"');
  if (value.applySet !== undefined) {
    const set = isRecord(value.applySet) ? value.applySet : bad('"applySet" must be an object');
    for (const key of ['id', 'parent', 'namespace']) if (typeof set[key] !== 'string') bad(`applySet.${key} must be a string`);
    list(set.groupKinds, 'applySet.groupKinds').forEach((g, i) => typeof g === 'string' || bad(`applySet.groupKinds[${i}] must be a string`));
  }
  if (value.pruneAllowlist === undefined) {
    // Written before releases declared their allowlist: pruned with kubectl's default list.
    return { ...value, pruneAllowlist: DEFAULT_PRUNE_ALLOWLIST } as unknown as DeclaredRelease;
  }
  list(value.pruneAllowlist, '"pruneAllowlist"').forEach((entry, i) => {
    if (!isAllowlistEntry(entry)) bad(`pruneAllowlist[${i}] must be a group/version/Kind, e.g. apps/v1/Deployment or core/v1/Service`);
  });
  return value as unknown as DeclaredRelease;
}

/** Checks the `addresses` of a phase or step, as the checks read them. */
function checkAddresses(v: unknown, of: string, bad: (what: string) => never): void {
  const list = (x: unknown, at: string): unknown[] => (Array.isArray(x) ? x : bad(`${at} must be a list`));
  list(v, `${of}.addresses`).forEach((a, j) => {
    const at = `${of}.addresses[${j}]`;
    if (!isRecord(a) || typeof a.name !== 'string') bad(`${at}.name must be a string`);
    const addr = a as { minAvailable?: unknown; routes?: unknown };
    if (!Number.isInteger(addr.minAvailable) || (addr.minAvailable as number) < 0) bad(`${at}.minAvailable must be a whole number ≥ 0`);
    list(addr.routes, `${at}.routes`).forEach((r, k) => {
      if (!isRecord(r) || !Array.isArray(r.conditions) || !Array.isArray(r.backends)) bad(`${at}.routes[${k}] must have "conditions" and "backends" lists`);
      const route = r as { conditions: unknown[]; backends: unknown[] };
      route.conditions.forEach((c, m) => {
        if (!isRecord(c) || typeof c.header !== 'string' || typeof c.value !== 'string' || !MATCHES.includes(c.match as string)) {
          bad(`${at}.routes[${k}].conditions[${m}] must have a "header", a "match" (exact, prefix or regex) and a "value", all strings`);
        }
      });
      route.backends.forEach((b, l) => {
        if (!isRecord(b) || typeof b.version !== 'string' || !Number.isInteger(b.weight) || (b.weight as number) < 0) {
          bad(`${at}.routes[${k}].backends[${l}] must have a "version" and a whole "weight" ≥ 0`);
        }
      });
    });
  });
}
