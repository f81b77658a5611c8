import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { freePorts, terminate, waitFor } from './control-plane';

export interface ArgoRolloutsController {
  /** The controller's log (text format, one line per event). */
  readonly log: string;
  stop(): Promise<void>;
}

export interface ArgoRolloutsControllerOptions {
  readonly binary: string;
  /** The control plane's kubeconfig (cluster-admin): the controller watches every namespace. */
  readonly kubeconfig: string;
  /** Where the log goes. */
  readonly logDir: string;
  /** The controller is killed after this long, whatever happens to its parent (coreutils `timeout`). */
  readonly lifetimeSeconds: number;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * The Argo Rollouts controller as a host process: the control plane's kubeconfig, no leader election, its metrics
 * and healthz servers on free ports of 127.0.0.1 (the build binds them to loopback). It runs under `timeout`, so it
 * ends by itself after `lifetimeSeconds` even if the test process is killed; `stop` ends it at once.
 */
export async function startArgoRolloutsController(options: ArgoRolloutsControllerOptions): Promise<ArgoRolloutsController> {
  const [metricsPort, healthzPort] = await freePorts(2);
  const log = path.join(options.logDir, 'argo-rollouts.log');
  const fd = fs.openSync(log, 'w');
  const child: ChildProcess = spawn(
    'timeout',
    [
      '--signal=TERM',
      '--kill-after=5',
      String(options.lifetimeSeconds),
      options.binary,
      `--kubeconfig=${options.kubeconfig}`,
      '--leader-elect=false',
      `--metricsPort=${metricsPort}`,
      `--healthzPort=${healthzPort}`,
      '--logformat=text',
      '--loglevel=info',
    ],
    // The controller reads its own configuration (argo-rollouts-config) from POD_NAMESPACE.
    { stdio: ['ignore', fd, fd], env: { ...process.env, POD_NAMESPACE: 'argo-rollouts' } },
  );
  fs.closeSync(fd);
  const kill = () => child.exitCode === null && child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    await terminate(child);
  };
  try {
    await waitFor('the Argo Rollouts controller to answer /healthz', READY_TIMEOUT_MS, async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`a process ended: rollouts-controller (exit ${child.exitCode ?? child.signalCode})`);
      return (await httpStatus(`http://127.0.0.1:${healthzPort}/healthz`)) === 200;
    });
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- ${log} (last lines)\n${fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}`);
  }
  return { log, stop };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
