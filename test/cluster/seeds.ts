import * as fs from 'fs';
import * as path from 'path';
import { formatFinding } from '../../lib/verify/finding';
import { naturalCompare } from '../../lib/verify/loading/loader';
import { verifyPath } from '../../lib/verify/verify';
import { ControlPlane } from './control-plane';
import { EndpointWatch } from './endpoint-watch';

export const SEEDS = path.join(__dirname, '..', 'fixtures', 'seeds');

/** What the cluster did with one state of a seed tutorial, applied with plain `kubectl apply` as the tutorial does. */
export interface SeedPhase {
  readonly phase: string;
  /** The error of `kubectl apply --dry-run=server`, or undefined when accepted. */
  readonly dryRun?: string;
  /** The error of the real apply or of the rollout, or undefined. */
  readonly applied?: string;
  /** Deployment → ready/desired replicas after the rollout. */
  readonly deployments: { readonly [name: string]: string };
  /** Service → ready endpoints after the rollout. */
  readonly endpoints: { readonly [name: string]: number };
}

export interface SeedResult {
  readonly seed: string;
  readonly phases: readonly SeedPhase[];
  /** verify's findings for the whole seed, or its read error. */
  readonly verify: readonly string[];
}

/** The phases of a seed: its sub-folders in natural order, else the seed folder itself. */
function seedPhases(seed: string): string[] {
  const dir = path.join(SEEDS, seed);
  const subdirs = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isDirectory());
  return subdirs.length > 0 ? subdirs.sort(naturalCompare).map((d) => path.join(dir, d)) : [dir];
}

export async function applySeed(cluster: ControlPlane, seed: string): Promise<SeedResult> {
  const ns = `seed-${seed}`;
  const k = cluster.kubectl;
  await k.ok(['create', 'namespace', ns]);
  const phases: SeedPhase[] = [];
  for (const dir of seedPhases(seed)) {
    const dry = await k.run(['apply', '--dry-run=server', '-n', ns, '-f', dir]);
    const apply = await k.run(['apply', '-n', ns, '-f', dir]);
    let applied = apply.code === 0 ? undefined : apply.stderr.trim();
    if (!applied) {
      const rollout = await k.run(['rollout', 'status', 'deployment', '-n', ns, '--timeout=90s'], { timeoutMs: 100_000 });
      if (rollout.code !== 0 && !/no resources found/i.test(rollout.stderr)) applied = `rollout: ${rollout.stderr.trim()}`;
    }
    const deployments = JSON.parse(await k.ok(['get', 'deployments', '-n', ns, '-o', 'json'])).items.map(
      (d: any) => [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec.replicas}`] as const,
    );
    const slices = await cluster.api.get(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`);
    phases.push({
      phase: path.relative(SEEDS, dir),
      dryRun: dry.code === 0 ? undefined : dry.stderr.trim(),
      applied,
      deployments: Object.fromEntries(deployments),
      endpoints: Object.fromEntries(EndpointWatch.readyByService(slices.body.items ?? [])),
    });
  }
  let verify: string[];
  try {
    verify = verifyPath(path.join(SEEDS, seed)).findings.map(formatFinding).map((l) => l.replace(`${SEEDS}/`, ''));
  } catch (e) {
    verify = [`unreadable: ${(e as Error).message.replace(`${SEEDS}/`, '')}`];
  }
  await k.run(['delete', 'namespace', ns, '--wait=false']);
  return { seed, phases, verify };
}

/** The report section: per seed, what the server did next to what verify says. */
export function renderSeeds(results: readonly SeedResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`### ${r.seed}`, '', '| state | server-side dry-run | apply + rollout | Deployments ready | Service ready endpoints |', '| --- | --- | --- | --- | --- |');
    for (const p of r.phases) {
      const deployments = Object.entries(p.deployments).map(([n, s]) => `${n} ${s}`).join(', ') || '—';
      const endpoints = Object.entries(p.endpoints).map(([n, s]) => `${n} ${s}`).join(', ') || '—';
      out.push(`| ${p.phase} | ${oneLine(p.dryRun) ?? 'accepted'} | ${oneLine(p.applied) ?? 'ok'} | ${deployments} | ${endpoints} |`);
    }
    const byCheck = new Map<string, number>();
    for (const f of r.verify) {
      const check = /\[(\w+)\]$/.exec(f)?.[1] ?? 'read error';
      byCheck.set(check, (byCheck.get(check) ?? 0) + 1);
    }
    out.push('', `verify: ${[...byCheck].map(([c, n]) => `${n} ${c}`).join(', ') || 'no findings'}`, '');
  }
  return out.join('\n');
}

function oneLine(s: string | undefined): string | undefined {
  return s === undefined ? undefined : s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 200);
}
