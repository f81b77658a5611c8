import { Checks } from '../../model/checks';
import { ReleaseConfigError } from '../../model/errors';
import { parseImage } from '../../model/image';
import { Finding, FindingSink } from '../finding';
import { asArray, asString, fieldPath, get, isRecord } from '../loading/manifest';
import { containersOf, PhaseIndex, PodWorkload, servicePorts } from '../loading/phase-index';
import { podSecurityIssues } from './pod-security';

/**
 * Names of variables that hold secrets, the rule EnvValue.fromValue applies too:
 * their values belong in a Secret, never in a manifest that ends up in Git and CI logs.
 */
const SECRET_LIKE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/**
 * Policy, for every pod template (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods):
 * - the Pod Security Standards "restricted" profile;
 * - images pinned by a tag other than `latest`, or by a digest;
 * - no literal value in a variable whose name looks like a secret;
 * - CPU and memory requests on every container;
 * - a readiness probe on every container that a Service sends requests to.
 */
export function checkPolicy(release: string, index: PhaseIndex): Finding[] {
  const sink = new FindingSink(release, 'policy');
  for (const w of index.workloads) {
    const add = (field: string, message: string) => sink.add(index.name, w.ref, fieldPath(podSpecPath(w), field), message);
    for (const issue of podSecurityIssues(w)) add(issue.field, `${issue.message} (Pod Security Standards "restricted")`);
    for (const c of containersOf(w.podSpec)) {
      const at = `${c.list}[${c.index}]`;
      imageIssue(c.spec.image, (m) => add(`${at}.image`, m));
      asArray(c.spec.env).forEach((e, i) => {
        const name = asString(get(e, 'name')) ?? '';
        const value = get(e, 'value');
        if (SECRET_LIKE.test(name) && typeof value === 'string' && value !== '') {
          add(`${at}.env[${i}].value`, `${name} holds a literal value; a secret belongs in a Secret, referenced with valueFrom.secretKeyRef`);
        }
      });
      for (const resource of ['cpu', 'memory']) {
        if (get(c.spec, 'resources', 'requests', resource) === undefined) {
          add(`${at}.resources.requests.${resource}`, 'missing: without requests the scheduler places the pod blind and the kubelet evicts it first');
        }
      }
    }
    if (w.serving) readinessProbes(index, w, add);
  }
  return sink.findings;
}

function podSpecPath(w: PodWorkload): string {
  return w.templatePath ? `${w.templatePath}.spec` : 'spec';
}

function imageIssue(image: unknown, report: (message: string) => void): void {
  if (typeof image !== 'string' || image === '') {
    report('missing');
    return;
  }
  try {
    parseImage(new Checks(''), 'image', image);
  } catch (e) {
    if (!ReleaseConfigError.isReleaseConfigError(e)) throw e;
    report(`${JSON.stringify(image)} is invalid; expected ${e.expected}`);
  }
}

/** Containers that own a port some Service of the phase sends to must say when they are ready. */
function readinessProbes(index: PhaseIndex, w: PodWorkload, add: (field: string, message: string) => void): void {
  const containers = containersOf(w.podSpec).filter((c) => c.list === 'containers');
  const reported = new Set<number>();
  for (const service of index.ofKind('Service', '')) {
    if (!index.podsOfService(service).includes(w)) continue;
    for (const port of servicePorts(service)) {
      const target = port.targetPort ?? port.port;
      if (target === undefined) continue;
      let owners = containers.filter((c) => c.ports.some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target)));
      if (!owners.length && typeof target === 'number' && containers.length === 1) owners = containers;
      for (const c of owners) {
        if (reported.has(c.index) || isRecord(c.spec.readinessProbe)) continue;
        reported.add(c.index);
        add(`containers[${c.index}].readinessProbe`, `missing: ${service.kind}/${service.metadata.name} sends requests to port ${target} of this container as soon as it starts, before it can serve them`);
      }
    }
  }
}
