import { annotationsOf, asArray, asString, get, isRecord } from '../loading/manifest';
import { containersOf, PodWorkload } from '../loading/phase-index';

/** A violation of the "restricted" Pod Security Standard, with its field relative to the pod spec. */
export interface PodSecurityIssue {
  readonly field: string;
  readonly message: string;
}

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/**
 * The Pod Security Standards "restricted" profile (which includes "baseline"), as
 * the PodSecurity admission controller enforces it on a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted`. Fields are relative to the pod spec.
 */
export function podSecurityIssues(w: PodWorkload): PodSecurityIssue[] {
  const spec = w.podSpec;
  const out: PodSecurityIssue[] = [];
  const fail = (field: string, message: string) => out.push({ field, message });

  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[key] === true) fail(key, 'must not be true: it shares the node\'s namespaces with the pod');
  }
  asArray(spec.volumes).forEach((v, i) => {
    if (!isRecord(v)) return;
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type === 'hostPath') fail(`volumes[${i}].hostPath`, 'must not be used: it exposes the node\'s filesystem');
    else if (type && !RESTRICTED_VOLUMES.has(type)) fail(`volumes[${i}].${type}`, `volume type ${type} is not allowed (allowed: ${[...RESTRICTED_VOLUMES].join(', ')})`);
  });
  const podCtx = isRecord(spec.securityContext) ? spec.securityContext : {};
  asArray(podCtx.sysctls).forEach((s, i) => {
    const name = asString(get(s, 'name')) ?? '';
    if (!SAFE_SYSCTLS.has(name)) fail(`securityContext.sysctls[${i}].name`, `${JSON.stringify(name)} is not a safe sysctl`);
  });
  seLinux(podCtx, 'securityContext', fail);
  if (get(podCtx, 'runAsUser') === 0) fail('securityContext.runAsUser', 'must not be 0 (root)');
  if (get(podCtx, 'seccompProfile', 'type') === 'Unconfined') fail('securityContext.seccompProfile.type', 'must be RuntimeDefault or Localhost, not Unconfined');
  if (get(podCtx, 'appArmorProfile', 'type') === 'Unconfined') fail('securityContext.appArmorProfile.type', 'must not be Unconfined');
  const podNonRoot = get(podCtx, 'runAsNonRoot') === true;
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(String(get(podCtx, 'seccompProfile', 'type')));

  const apparmor = annotationsOf(w.object);
  for (const c of containersOf(spec)) {
    const at = `${c.list}[${c.index}]`;
    const ctx = isRecord(c.spec.securityContext) ? c.spec.securityContext : {};
    const sc = `${at}.securityContext`;
    if (ctx.privileged === true) fail(`${sc}.privileged`, 'must not be true: a privileged container has every capability of the node');
    if (get(ctx, 'allowPrivilegeEscalation') !== false) fail(`${sc}.allowPrivilegeEscalation`, 'must be false');
    const nonRoot = get(ctx, 'runAsNonRoot');
    if (nonRoot === false) fail(`${sc}.runAsNonRoot`, 'must not be false');
    else if (nonRoot !== true && !podNonRoot) fail(`${sc}.runAsNonRoot`, 'must be true (here or in the pod\'s securityContext)');
    if (get(ctx, 'runAsUser') === 0) fail(`${sc}.runAsUser`, 'must not be 0 (root)');
    const seccomp = get(ctx, 'seccompProfile', 'type');
    if (seccomp === 'Unconfined') fail(`${sc}.seccompProfile.type`, 'must be RuntimeDefault or Localhost, not Unconfined');
    else if (seccomp === undefined && !podSeccomp) fail(`${sc}.seccompProfile.type`, 'must be RuntimeDefault or Localhost (here or in the pod\'s securityContext)');
    const drop = asArray(get(ctx, 'capabilities', 'drop')).map(String);
    if (!drop.includes('ALL')) fail(`${sc}.capabilities.drop`, 'must include ALL');
    const added = asArray(get(ctx, 'capabilities', 'add')).map(String).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length) fail(`${sc}.capabilities.add`, `may add only NET_BIND_SERVICE, not ${added.join(', ')}`);
    if (get(ctx, 'procMount') !== undefined && get(ctx, 'procMount') !== 'Default') fail(`${sc}.procMount`, 'must be Default');
    if (get(ctx, 'appArmorProfile', 'type') === 'Unconfined') fail(`${sc}.appArmorProfile.type`, 'must not be Unconfined');
    if (get(ctx, 'windowsOptions', 'hostProcess') === true) fail(`${sc}.windowsOptions.hostProcess`, 'must not be true');
    seLinux(ctx, sc, fail);
    c.ports.forEach((_, j) => {
      const hostPort = get(c.spec, 'ports', j, 'hostPort');
      if (typeof hostPort === 'number' && hostPort !== 0) fail(`${at}.ports[${j}].hostPort`, `must not be set (${hostPort}): it binds the node's port`);
    });
    if (apparmor[`container.apparmor.security.beta.kubernetes.io/${c.name}`] === 'unconfined') {
      fail(`${at}`, `AppArmor annotation container.apparmor.security.beta.kubernetes.io/${c.name} must not be "unconfined"`);
    }
  }
  return out;
}

function seLinux(ctx: { readonly [key: string]: unknown }, at: string, fail: (field: string, message: string) => void): void {
  const o = get(ctx, 'seLinuxOptions');
  if (!isRecord(o)) return;
  if (!SELINUX_TYPES.has(String(o.type ?? ''))) fail(`${at}.seLinuxOptions.type`, `${JSON.stringify(o.type)} is not an allowed SELinux type`);
  for (const key of ['user', 'role']) if (o[key] !== undefined && o[key] !== '') fail(`${at}.seLinuxOptions.${key}`, 'must not be set');
}
