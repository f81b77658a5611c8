import { Testing } from 'cdk8s';
import { PhasedRelease } from '../../lib/render/phased-release';

/** A rendered Kubernetes object, loosely typed for assertions. */
export type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [k: string]: any };

/** Every phase of a release, rendered: phase name → documents. */
export function phasesOf(release: PhasedRelease): Map<string, Doc[]> {
  return new Map(release.phaseNames.map((p) => [p, Testing.synth(release.phase(p)) as Doc[]]));
}

export function find<T extends Doc>(docs: readonly T[], kind: string, name: string): T {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind}/${name} among ${docs.map((d) => `${d.kind}/${d.metadata.name}`).join(', ')}`);
  return doc;
}

export function maybeFind<T extends Doc>(docs: readonly T[], kind: string, name: string): T | undefined {
  return docs.find((d) => d.kind === kind && d.metadata.name === name);
}

/** Per phase, `<phase>: key=value,...` of the selector of the Service `name`. */
export function serviceSelectors(phases: Map<string, Doc[]>, name: string): string[] {
  return [...phases].map(([p, docs]) => `${p}: ${Object.entries(find(docs, 'Service', name).spec.selector).map(([k, v]) => `${k}=${v}`).join(',')}`);
}

/** Whether every key/value of the selector is among the labels. */
export function selects(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Deployments whose pods a Service selects. */
export function selectedDeployments(docs: Doc[], service: Doc): Doc[] {
  return docs.filter((d) => d.kind === 'Deployment' && selects(service.spec.selector, d.spec.template.metadata.labels));
}
