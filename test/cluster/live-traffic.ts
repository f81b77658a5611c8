import { LoadedPhase } from '../../lib/verify/loading/loader';
import { K8sObject } from '../../lib/verify/loading/manifest';
import { PhaseIndex } from '../../lib/verify/loading/phase-index';
import { checkTraffic } from '../../lib/verify/traffic/traffic';
import { ControlPlane } from './control-plane';
import type { ReleaseRun } from './release-run';

/**
 * The declared share of each address, observed: the live Services and routers of the namespace and its Ready pods
 * (not the Deployments' replicas) go through the verifier's traffic semantics, so a version's share is its ready
 * pods behind each Service, weighted as the live router says; any difference with release.json is a problem.
 */
export async function liveTrafficFindings(cluster: ControlPlane, run: ReleaseRun, phase: string, live: readonly K8sObject[]): Promise<string[]> {
  const pods = JSON.parse(await cluster.kubectl.ok(['get', 'pods', '-n', run.namespace, '-o', 'json'])).items as K8sObject[];
  const ready = pods.filter(
    (p: any) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
  );
  // Workloads are replaced by the pods they run: only ready pods count, never a template.
  const routing = live.filter((o) => !['Deployment', 'Rollout', 'Job', 'PodDisruptionBudget'].includes(o.kind));
  const observed: LoadedPhase = { name: phase, documents: [], objects: [...routing, ...ready] };
  const declared = run.declaration.phases.find((p) => p.name === phase);
  return checkTraffic(run.name, new PhaseIndex(observed, run.namespace), declared, run.declaration.provider).map(
    (f) => `observed traffic: ${f.object}: ${f.field}: ${f.message}`,
  );
}
