import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Finding, formatFinding } from '../../lib/verify/finding';
import { verifyPhases } from '../../lib/verify/verify';
import { clone, Doc } from '../verify/builders';
import { BROKEN_MANIFESTS, httpRoute } from '../verify/schema-cases';
import { ControlPlane } from './control-plane';

/** What the API server and `verify` each say about one manifest (or one phase after another). */
export interface Verdict {
  readonly name: string;
  /** The server's error, or undefined when a server-side dry-run accepted it. */
  readonly server?: string;
  /** verify's schema and transition findings: what says "the cluster refuses this". */
  readonly verify: readonly string[];
}

/**
 * Broken manifests only the server's CEL rules (x-kubernetes-validations of the Gateway API CRDs) may catch: the
 * verifier's tests do not break these, so they show whether verify sees what CEL refuses.
 */
export const CEL_CASES: { readonly [name: string]: () => Doc } = {
  'HTTPRoute (CEL): a PathPrefix match whose value is not an absolute path': () => {
    const doc = clone(httpRoute);
    doc.spec.rules[0].matches[0].path.value = 'shop';
    return doc;
  },
  'HTTPRoute (CEL): a RequestHeaderModifier filter without its requestHeaderModifier': () => {
    const doc = clone(httpRoute);
    doc.spec.rules[0].filters = [{ type: 'RequestHeaderModifier' }];
    return doc;
  },
  'HTTPRoute (CEL): the same Gateway twice in parentRefs without a sectionName': () => {
    const doc = clone(httpRoute);
    doc.spec.parentRefs = [{ name: 'shop-gateway', namespace: 'infra' }, { name: 'shop-gateway', namespace: 'infra' }];
    return doc;
  },
};

/** The namespaces the broken manifests name. */
export const CASE_NAMESPACES = ['shop', 'infra'];

/** Server-side dry-run of one manifest, as `kubectl apply --dry-run=server` sends it (strict field validation). */
export async function serverVerdict(cluster: ControlPlane, doc: Doc): Promise<string | undefined> {
  const r = await cluster.kubectl.run(['apply', '--dry-run=server', '-f', '-', '-o', 'name'], { input: JSON.stringify(doc) });
  return r.code === 0 ? undefined : r.stderr.trim() || r.stdout.trim();
}

/** verify on phases written as YAML files, in order; its findings that mean "the server refuses". */
export function verifyVerdict(phases: readonly Doc[][]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-differential-'));
  try {
    const files = phases.map((docs, i) => {
      const file = path.join(dir, `${i + 1}.yaml`);
      fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
      return file;
    });
    return verifyPhases(files, 'differential')
      .findings.filter((f: Finding) => f.check === 'schema' || f.check === 'transition')
      .map((f) => formatFinding(f).replace(`${dir}/`, ''));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function brokenManifestVerdicts(cluster: ControlPlane): Promise<Verdict[]> {
  const cases = { ...BROKEN_MANIFESTS, ...CEL_CASES };
  const out: Verdict[] = [];
  for (const [name, make] of Object.entries(cases)) {
    const doc = make();
    out.push({ name, server: await serverVerdict(cluster, doc), verify: verifyVerdict([[doc]]) });
  }
  return out;
}

/**
 * The disagreements found, each with its reason (docs/cluster.md): the test fails when the list changes.
 * - serverOnly: CEL rules (x-kubernetes-validations) of the Gateway API CRDs, which verify does not evaluate (README,
 *   "Limits"); the HTTPRoutes the library writes satisfy them, the server-side dry-run of every phase proves it.
 * - verifyOnly: the API server does not enforce `format: int32` on CRD integers; Istio refuses the value (its
 *   validating webhook, not part of this control plane), so verify keeps reporting it.
 */
export const KNOWN_DISAGREEMENTS = {
  serverOnly: Object.keys(CEL_CASES),
  verifyOnly: ['DestinationRule: int32 field out of range'],
};

/** The cases where one refuses and the other does not. */
export function disagreements(verdicts: readonly Verdict[]): { serverOnly: string[]; verifyOnly: string[] } {
  return {
    serverOnly: verdicts.filter((v) => v.server !== undefined && v.verify.length === 0).map((v) => v.name),
    verifyOnly: verdicts.filter((v) => v.server === undefined && v.verify.length > 0).map((v) => v.name),
  };
}
