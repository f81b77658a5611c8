import { GateAnnotations, versionSlug } from '../../model/gate-names';
import { Finding, FindingSink } from '../finding';
import { annotationsOf, asArray, asNumber, asString, get, isRecord, K8sObject, objectRef } from '../loading/manifest';
import { PhaseIndex, servicePorts } from '../loading/phase-index';

/** The annotation that marks a Job as a gate. */
export const GATE_KIND = GateAnnotations.KIND;

/** The Jobs of a phase annotated as gates, in manifest order. */
export function gateJobsOf(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'Job' && typeof annotationsOf(o)[GATE_KIND] === 'string');
}

/** The variables of a gate Job's container: its settings (URL, QUERY, COUNT...). */
export function gateSettings(job: K8sObject): { [name: string]: string } {
  const env = asArray(get(job, 'spec', 'template', 'spec', 'containers', 0, 'env')).filter(isRecord);
  return Object.fromEntries(env.map((e) => [asString(e.name) ?? '', asString(e.value) ?? '']));
}

/** The image of a gate Job's container. */
export function gateImage(job: K8sObject): string {
  return asString(get(job, 'spec', 'template', 'spec', 'containers', 0, 'image')) ?? '<no image>';
}

/**
 * Checks the gate Jobs of a phase, which a pipeline waits for before it goes on:
 * - `backoffLimit` and `activeDeadlineSeconds` set, so a failing gate fails, and in bounded time
 *   (a pod retried six times by default, or a Job without a deadline, keeps the pipeline waiting);
 * - an HTTP gate requests a Service of its phase, on a port that Service has;
 * - the Job's name holds every version under test (its annotation), and each of them runs in the
 *   phase: a Job's template is immutable and a finished Job never runs again, so a release that
 *   tests other versions must bring a Job of another name.
 * Images are pinned like every workload's (the policy check).
 */
export function checkGates(release: string, index: PhaseIndex): Finding[] {
  const sink = new FindingSink(release, 'gate');
  const add = (job: K8sObject, field: string, message: string) => sink.add(index.name, objectRef(job), field, message);
  const versions = new Set(index.workloads.filter((w) => w.serving).map((w) => w.version));
  for (const job of gateJobsOf(index.objects)) {
    const backoffLimit = asNumber(get(job, 'spec', 'backoffLimit'));
    if (backoffLimit === undefined) add(job, 'spec.backoffLimit', 'is unset: Kubernetes retries a failed pod 6 times, so the gate fails late; set it (0: the gate retries its measurements itself)');
    const deadline = asNumber(get(job, 'spec', 'activeDeadlineSeconds'));
    if (deadline === undefined || deadline <= 0) add(job, 'spec.activeDeadlineSeconds', 'is unset: a gate that hangs would keep the pipeline waiting; set it to the longest the gate may take');
    const kind = annotationsOf(job)[GATE_KIND];
    if (kind === 'http') checkTarget(index, job, (field, message) => add(job, field, message));
    const underTest = annotationsOf(job)[GateAnnotations.VERSIONS];
    if (underTest === undefined || underTest === '') {
      add(job, `metadata.annotations.${GateAnnotations.VERSIONS}`, 'is unset: the versions under test tell which release the Job belongs to');
      continue;
    }
    for (const entry of underTest.split(',')) {
      const eq = entry.indexOf('=');
      const v = eq < 0 ? { version: entry } : { of: entry.slice(0, eq), version: entry.slice(eq + 1) };
      const slug = versionSlug(v);
      if (!`-${job.metadata.name}-`.includes(`-${slug}-`)) {
        add(job, 'metadata.name', `lacks "${slug}", the version under test ${entry}: a Job's template is immutable and a finished Job never runs again, so its name must change with the versions it tests`);
      }
      if (!versions.has(v.version)) add(job, `metadata.annotations.${GateAnnotations.VERSIONS}`, `names ${v.version}, which no workload of the phase runs (${[...versions].join(', ') || 'none'})`);
    }
  }
  return sink.findings;
}

/** The Service and port an HTTP gate requests (its URL variable) exist in the phase. */
function checkTarget(index: PhaseIndex, job: K8sObject, add: (field: string, message: string) => void): void {
  const field = 'spec.template.spec.containers[0].env.URL';
  const url = gateSettings(job).URL;
  const m = /^https?:\/\/([a-z0-9.-]+)(?::(\d+))?(\/.*)?$/.exec(url ?? '');
  if (!m) return add(field, `${JSON.stringify(url)} is not the http address of a Service (http://<service>:<port>/<path>)`);
  const [, host, portText] = m;
  const service = index.serviceForHost(host, index.namespaceOf(job));
  if (!service) {
    const names = index.ofKind('Service', '').map((s) => s.metadata.name);
    return add(field, `requests ${host}, which is no Service of the phase (${names.join(', ') || 'none'})`);
  }
  const port = portText === undefined ? (url.startsWith('https') ? 443 : 80) : Number(portText);
  const ports = servicePorts(service).map((p) => p.port);
  if (!ports.includes(port)) add(field, `requests port ${port} of ${objectRef(service)}, which has ${ports.join(', ') || 'no port'}`);
}
