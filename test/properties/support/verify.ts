import { isDeepStrictEqual } from 'util';
import { App } from 'cdk8s';
import { Composer, Parser } from 'yaml';
import { DeclaredRelease, OutputFile, renderApp } from '../../../lib';
import { validateSchema } from '../../../lib/verify/schema';

/**
 * The verifier as the property tests call it. Until lib/verify/index.ts exists on this
 * branch it is a stand-in: validateSchema (lib/verify/schema.ts) plus the structural checks
 * the properties rely on (YAML read alike by kubectl and by YAML 1.2 readers; selectors
 * identical across phases; Services select pods and target ports they have; declared
 * shares equal replica ratios; restricted pods; prune labels). Swap the body for the
 * full verifier once it is merged.
 */
export function verifyApp(app: App): Issue[] {
  return verifyFiles(renderApp(app));
}

/** A problem: where it is (release, phase, object) and what it is, worded the same wherever it occurs. */
export interface Issue {
  readonly where: string;
  readonly what: string;
  readonly detail?: string;
}

export const formatIssue = (i: Issue) => `${i.where}: ${i.what}${i.detail ? ` (${i.detail})` : ''}`;

type Doc = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any };

export function verifyFiles(files: readonly OutputFile[]): Issue[] {
  const issues: Issue[] = [];
  const releases = files.filter((f) => f.path.endsWith('/release.json')).map((f) => JSON.parse(f.content) as DeclaredRelease);
  for (const decl of releases) {
    const phases = new Map<string, Doc[]>();
    const cache = new Map<string, { doc: Doc; ambiguous: boolean }>();
    for (const p of decl.phases) {
      const file = files.find((f) => f.path === `${decl.release}/${p.name}/manifest.yaml`);
      if (!file) {
        issues.push({ where: decl.release, what: `phase ${p.name} has no manifest` });
        continue;
      }
      phases.set(p.name, parseManifest(`${decl.release}/${p.name}`, file.content, issues, cache));
    }
    issues.push(...verifyRelease(decl, phases));
  }
  return issues;
}

/**
 * Documents of a manifest, as kubectl (YAML 1.1) reads them; a scalar that YAML 1.2
 * reads differently is an issue. Phases repeat most documents, so each distinct
 * document is parsed once.
 */
function parseManifest(where: string, text: string, issues: Issue[], cache = new Map<string, { doc: Doc; ambiguous: boolean }>()): Doc[] {
  return text.split(/^---\n/m).map((part) => {
    let parsed = cache.get(part);
    if (!parsed) {
      // Lexed and parsed once; only the schema that resolves the scalars differs.
      const tokens = [...new Parser().parse(part)];
      const read = (version: '1.1' | '1.2') => [...new Composer({ version }).compose(tokens, true, part.length)][0].toJS();
      const as11 = read('1.1');
      const as12 = read('1.2');
      cache.set(part, (parsed = { doc: as11, ambiguous: !isDeepStrictEqual(as11, as12) }));
    }
    if (parsed.ambiguous) issues.push({ where, what: 'YAML 1.1 (kubectl) and YAML 1.2 read the manifest differently: an ambiguous scalar is not quoted' });
    return structuredClone(parsed.doc);
  });
}

/** What the schema of the document's kind says is wrong with it, if anything. */
function schemaIssue(d: Doc): string | undefined {
  const issues = validateSchema(d);
  return issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : undefined;
}

export function verifyRelease(decl: DeclaredRelease, phases: Map<string, Doc[]>): Issue[] {
  const issues: Issue[] = [];
  const at = (phase: string, d: Doc) => `${decl.release}/${phase}: ${d.kind}/${d.metadata.name}`;
  const add = (where: string, what: string, detail?: string) => issues.push({ where, what, detail });
  const selectors = new Map<string, string>();
  const schemaResults = new Map<string, string | undefined>();

  for (const [phase, docs] of phases) {
    for (const d of docs) {
      // schema
      const key = JSON.stringify(d);
      if (!schemaResults.has(key)) schemaResults.set(key, schemaIssue(d));
      const schemaProblem = schemaResults.get(key);
      if (schemaProblem) add(at(phase, d), 'fails the schema', schemaProblem);
      // prune labels
      const labels = d.metadata.labels ?? {};
      if (labels['app.kubernetes.io/instance'] !== decl.release || labels['app.kubernetes.io/managed-by'] !== 'cdk8s-canary') {
        add(at(phase, d), 'lacks the prune labels of its release');
      }
    }

    const deployments = docs.filter((d) => d.kind === 'Deployment');
    for (const d of deployments) {
      // selectors never change across phases, and select the Deployment's own pods
      const s = JSON.stringify(d.spec.selector);
      if ((selectors.get(d.metadata.name) ?? s) !== s) add(at(phase, d), `selector differs from another phase`);
      selectors.set(d.metadata.name, s);
      if (!selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) add(at(phase, d), `selector does not select its pods`);
      restricted(d.spec.template.spec).forEach(([container, m]) => add(`${at(phase, d)}: ${container}`, m));
    }
    for (const svc of docs.filter((d) => d.kind === 'Service')) {
      const pods = deployments.filter((d) => d.spec.replicas > 0 && selects(svc.spec.selector, d.spec.template.metadata.labels));
      if (pods.length === 0) add(at(phase, svc), `selects no pods`);
      for (const port of svc.spec.ports) {
        for (const d of pods) {
          const target = d.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort);
          if (!target || (target.protocol ?? 'TCP') !== (port.protocol ?? 'TCP')) add(at(phase, svc), 'a Service port targets a port its pods do not expose with that protocol', `${port.name} → ${port.targetPort} on ${d.metadata.name}`);
        }
      }
    }
    for (const pdb of docs.filter((d) => d.kind === 'PodDisruptionBudget')) {
      if (!deployments.some((d) => isDeepStrictEqual(d.spec.selector, pdb.spec.selector))) add(at(phase, pdb), `selector is not a Deployment's selector`);
    }
  }

  // capacity: no transition takes an address below its declared minimum
  for (const [fromName, toName] of decl.transitions) {
    const [from, to] = [phases.get(fromName) ?? [], phases.get(toName) ?? []];
    const declared = decl.phases.find((p) => p.name === toName);
    for (const address of declared?.addresses ?? []) {
      const svc = to.find((d) => d.kind === 'Service' && d.metadata.name === address.name);
      if (!svc) continue;
      const least = leastReady(from, to, (labels) => selects(svc.spec.selector, labels));
      if (least < address.minAvailable) add(`${decl.release}/${fromName} → ${toName}`, 'an address has fewer ready pods than its minAvailable during a transition', `${address.name}: ${least} < ${address.minAvailable}`);
    }
  }

  // declared shares = replica ratios behind each address
  for (const p of decl.phases) {
    const docs = phases.get(p.name) ?? [];
    for (const address of p.addresses) {
      const svc = docs.find((d) => d.kind === 'Service' && d.metadata.name === address.name);
      if (!svc) {
        add(`${decl.release}/${p.name}`, 'an address is not a Service of the phase', address.name);
        continue;
      }
      const byVersion = new Map<string, number>();
      for (const d of docs.filter((x) => x.kind === 'Deployment' && selects(svc.spec.selector, x.spec.template.metadata.labels))) {
        const v = d.spec.template.metadata.labels['app.kubernetes.io/version'];
        byVersion.set(v, (byVersion.get(v) ?? 0) + d.spec.replicas);
      }
      const backends = address.routes[address.routes.length - 1].backends;
      const totalWeight = backends.reduce((n, b) => n + b.weight, 0);
      const totalPods = [...byVersion.values()].reduce((n, r) => n + r, 0);
      const declared = new Map(backends.map((b) => [b.version, b.weight]));
      for (const v of new Set([...byVersion.keys(), ...declared.keys()])) {
        if ((byVersion.get(v) ?? 0) * totalWeight !== (declared.get(v) ?? 0) * totalPods) {
          add(`${decl.release}/${p.name}`, 'the replica ratio behind an address differs from its declared share', `${address.name} sends ${byVersion.get(v) ?? 0}/${totalPods} to ${v}, declared ${declared.get(v) ?? 0}/${totalWeight}`);
        }
      }
      if (address.minAvailable > totalPods) add(`${decl.release}/${p.name}`, 'an address has fewer pods than its minAvailable', `${address.name}: ${totalPods} < ${address.minAvailable}`);
    }
  }
  return issues;
}

/**
 * Fewest ready pods matching `matches` while `to` replaces `from`: apply (scale-downs at
 * once, new pods unready), rollouts (a changed template keeps replicas − maxUnavailable),
 * then prune (removed Deployments serve until then).
 */
function leastReady(from: Doc[], to: Doc[], matches: (labels: Record<string, string>) => boolean): number {
  const deployments = (docs: Doc[]) => new Map(docs.filter((d) => d.kind === 'Deployment').map((d) => [d.metadata.name, d]));
  const [before, after] = [deployments(from), deployments(to)];
  let during = 0;
  let done = 0;
  for (const [name, d] of after) {
    const now = matches(d.spec.template.metadata.labels);
    if (now) done += d.spec.replicas;
    const old = before.get(name);
    if (!old || !now) continue;
    if (isDeepStrictEqual(old.spec.template, d.spec.template)) during += Math.min(old.spec.replicas, d.spec.replicas);
    else {
      const u = d.spec.strategy.rollingUpdate.maxUnavailable;
      const unavailable = typeof u === 'number' ? u : Math.floor((parseInt(u, 10) * d.spec.replicas) / 100);
      during += Math.max(0, Math.min(old.spec.replicas, d.spec.replicas - unavailable));
    }
  }
  for (const [name, d] of before) if (!after.has(name) && matches(d.spec.template.metadata.labels)) during += d.spec.replicas;
  return Math.min(during, done);
}

function selects(selector: Record<string, string> = {}, labels: Record<string, string> = {}): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Pod Security Standards "restricted", plus the project's own defaults. */
function restricted(pod: any): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (pod.automountServiceAccountToken !== false) out.push(['pod', 'automountServiceAccountToken is not false']);
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push(['pod', 'uses a host namespace']);
  if ((pod.volumes ?? []).some((v: any) => v.hostPath)) out.push(['pod', 'mounts a hostPath']);
  const podSc = pod.securityContext ?? {};
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) out.push([c.name, `runAsNonRoot not set`]);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push([c.name, `runs as uid 0`]);
    if (sc.allowPrivilegeEscalation !== false) out.push([c.name, `allowPrivilegeEscalation not false`]);
    if (sc.privileged) out.push([c.name, `privileged`]);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push([c.name, `capabilities not dropped`]);
    if ((sc.capabilities?.add ?? []).some((a: string) => a !== 'NET_BIND_SERVICE')) out.push([c.name, `adds capabilities`]);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push([c.name, `no seccomp profile`]);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) out.push([c.name, `cpu and memory requests and a memory limit are required`]);
    if (!/[:@]/.test(c.image.slice(c.image.lastIndexOf('/') + 1)) || /:latest$/.test(c.image)) out.push([c.name, 'image not pinned by tag or digest']);
  }
  return out;
}
