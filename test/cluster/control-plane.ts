import { ChildProcess, spawn } from 'child_process';
import { generateKeyPairSync, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ApiClient } from './api-client';
import { KUBECTL_MINOR, Kubectl } from './kubectl';

/**
 * A Kubernetes control plane on 127.0.0.1 made of the processes of the one binary test/cluster/build.sh builds:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes that run no container: their
 * pods turn Ready, Job pods complete). Everything lives in a temporary folder that `stop` removes.
 */
export interface ControlPlane {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly kubectl: Kubectl;
  readonly api: ApiClient;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** The binary test/cluster/build.sh printed. */
  readonly binary: string;
  /** Fake nodes to create. @default 3 */
  readonly nodes?: number;
  /** The processes end by themselves after this long, whatever happens to their parent. @default 2 hours */
  readonly lifetimeSeconds?: number;
  /** Where the process logs go. @default the temporary folder */
  readonly logDir?: string;
}

const READY_TIMEOUT_MS = 120_000;
const ADMIN_TOKEN_USER = 'cluster-admin';
/** Pod IPs of the fake nodes: never routed, they only fill EndpointSlices. */
const POD_CIDR = '10.244.0.1/16';

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-cluster-'));
  const logDir = options.logDir ?? dir;
  const deadline = Math.floor(Date.now() / 1000) + (options.lifetimeSeconds ?? 7200);
  const processes: ChildProcess[] = [];
  const stopProcesses = () => processes.forEach((p) => p.exitCode === null && p.kill('SIGKILL'));
  process.once('exit', stopProcesses);
  const run = (name: string, args: string[]) => {
    const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
    const child = spawn(options.binary, [name, ...args], {
      stdio: ['ignore', log, log],
      env: { ...process.env, CLUSTER_DEADLINE: String(deadline) },
    });
    fs.closeSync(log);
    processes.push(child);
    return child;
  };
  const stop = async () => {
    process.removeListener('exit', stopProcesses);
    await Promise.all(processes.map((p) => terminate(p)));
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [etcdPort, peerPort, apiPort] = await freePorts(3);
    const token = randomBytes(24).toString('hex');
    const files = writeCredentials(dir, token, apiPort);

    const etcd = `http://127.0.0.1:${etcdPort}`;
    run('etcd', [
      `--name=control-plane`,
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcd}`,
      `--advertise-client-urls=${etcd}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=control-plane=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    run('apiserver', [
      `--etcd-servers=${etcd}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'pki')}`,
      `--token-auth-file=${files.tokens}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
      `--service-account-issuer=https://kubernetes.default.svc`,
      `--service-account-key-file=${files.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${files.serviceAccountPrivateKey}`,
      // The Endpoints of the `kubernetes` Service may not hold a loopback address.
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
    ]);
    const api = new ApiClient(`https://127.0.0.1:${apiPort}`, token);
    await api.waitUntilReady(READY_TIMEOUT_MS, () => exited(processes));

    const common = [`--kubeconfig=${files.kubeconfig}`, '--leader-elect=false', '--profiling=false'];
    run('controller-manager', [
      ...common,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--service-account-private-key-file=${files.serviceAccountPrivateKey}`,
      '--use-service-account-credentials=false',
    ]);
    run('scheduler', [...common, '--bind-address=127.0.0.1', '--secure-port=0']);
    run('kwok', [
      `--kubeconfig=${files.kubeconfig}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--cidr=${POD_CIDR}`,
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
    ]);
    const kubectl = new Kubectl(files.kubeconfig);
    await createNodes(api, options.nodes ?? 3);
    await waitFor('the default ServiceAccount and ready nodes', READY_TIMEOUT_MS, async () => {
      if (exited(processes)) throw new Error(`a process ended: ${exited(processes)}; see the logs in ${logDir}`);
      const sa = await api.get('/api/v1/namespaces/default/serviceaccounts/default');
      const nodes = await api.get('/api/v1/nodes');
      const ready = (nodes.body?.items ?? []).filter((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
      return sa.status === 200 && ready.length === (options.nodes ?? 3);
    });
    return { dir, kubeconfig: files.kubeconfig, kubectl, api, stop };
  } catch (e) {
    const logs = tails(logDir);
    await stop();
    throw new Error(`${(e as Error).message}\n${logs}`);
  }
}

/** The kubectl minor the suite expects, for messages. */
export const EXPECTED_KUBECTL_MINOR = KUBECTL_MINOR;

interface CredentialFiles {
  readonly tokens: string;
  readonly kubeconfig: string;
  readonly serviceAccountPublicKey: string;
  readonly serviceAccountPrivateKey: string;
}

function writeCredentials(dir: string, token: string, apiPort: number): CredentialFiles {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files: CredentialFiles = {
    tokens: path.join(dir, 'tokens.csv'),
    kubeconfig: path.join(dir, 'kubeconfig'),
    serviceAccountPublicKey: path.join(dir, 'service-account.pub'),
    serviceAccountPrivateKey: path.join(dir, 'service-account.key'),
  };
  fs.writeFileSync(files.tokens, `${token},${ADMIN_TOKEN_USER},${ADMIN_TOKEN_USER},system:masters\n`, { mode: 0o600 });
  fs.writeFileSync(files.serviceAccountPublicKey, publicKey);
  fs.writeFileSync(files.serviceAccountPrivateKey, privateKey, { mode: 0o600 });
  // The serving certificate is the API server's own self-signed one (--cert-dir): nothing but loopback reaches it.
  fs.writeFileSync(
    files.kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: local',
      '  cluster:',
      `    server: https://127.0.0.1:${apiPort}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      `- name: ${ADMIN_TOKEN_USER}`,
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: local',
      '  context:',
      '    cluster: local',
      `    user: ${ADMIN_TOKEN_USER}`,
      '    namespace: default',
      'current-context: local',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return files;
}

/** Fake nodes for kwok, spread over zones, large enough for every release at once. */
async function createNodes(api: ApiClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `kwok-node-${i}`;
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': `zone-${i % 3}`,
          type: 'kwok',
        },
      },
      status: { allocatable: { cpu: '64', memory: '256Gi', pods: '250' }, capacity: { cpu: '64', memory: '256Gi', pods: '250' } },
    };
    const res = await api.request('POST', '/api/v1/nodes', node);
    if (res.status !== 201) throw new Error(`creating node ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export async function waitFor(what: string, timeoutMs: number, ready: () => Promise<boolean>, intervalMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await ready()) return;
    } catch (e) {
      last = e;
      if ((e as Error).message.startsWith('a process ended')) throw e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(processes: ChildProcess[]): string | undefined {
  const gone = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
  return gone ? `${gone.spawnargs[1]} (exit ${gone.exitCode ?? gone.signalCode})` : undefined;
}

export async function terminate(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The last lines of every process log, for an error message. */
function tails(logDir: string): string {
  if (!fs.existsSync(logDir)) return '';
  return fs
    .readdirSync(logDir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => `--- ${f} (last lines)\n${fs.readFileSync(path.join(logDir, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
}
