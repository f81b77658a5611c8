import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * The real programs the gate scripts are tested with: BusyBox (the shell and tools of
 * the curlimages/curl image, which is Alpine), curl, and Prometheus with promtool.
 * `.ci/setup-test-tools` installs them (Debian's busybox and prometheus packages).
 */
export const SETUP = '.ci/setup-test-tools';

/** Path of a program on PATH, or undefined. */
export function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, program);
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Tells, loudly and once per file, which tests are skipped and why; returns whether they run. */
export function requireTools(what: string, programs: readonly string[]): boolean {
  const missing = programs.filter((p) => !which(p));
  if (!missing.length) return true;
  const message = `\n*** SKIPPED: ${what}: ${missing.join(', ')} not installed. Run ${SETUP} (apt-get install busybox prometheus curl) to run them. ***\n\n`;
  process.stderr.write(message);
  console.warn(message.trim());
  return false;
}

/**
 * A folder standing for the image's PATH: BusyBox applets (sh, grep, sed, awk, sleep...)
 * and curl, nothing else, so a script that needs a GNU tool or bash fails here as it
 * would in the pod.
 */
export function imagePath(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const busybox = which('busybox')!;
  for (const applet of ['sh', 'grep', 'sed', 'awk', 'sleep', 'cat', 'echo', 'printf', 'tr', 'head', 'tail', 'cut', 'wc', 'test', '[']) {
    fs.symlinkSync(busybox, path.join(bin, applet));
  }
  fs.symlinkSync(which('curl')!, path.join(bin, 'curl'));
  return bin;
}

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a gate script as its Job does (`sh -c <script>` with the Job's variables), with
 * the image's tools only. Asynchronous, so a server in this process can answer it; killed
 * after `limitMs`.
 */
export function runScript(bin: string, script: string, env: { [name: string]: string }, limitMs = 30000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(path.join(bin, 'sh'), ['-c', script], { env: { ...env, PATH: bin } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A TCP port of 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** One sample of a series: value at `secondsAgo` before now. */
export interface Sample {
  readonly series: string;
  readonly value: number;
  readonly secondsAgo: number;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>` */
  readonly address: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/**
 * A real Prometheus serving backfilled series on 127.0.0.1: the samples are written
 * as OpenMetrics, turned into a block by `promtool tsdb create-blocks-from openmetrics`,
 * and served. `timeout` bounds its life, so it stops by itself even if the test dies.
 */
export async function startPrometheus(metric: string, samples: readonly Sample[], lifetimeSeconds = 300): Promise<PrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-prometheus-'));
  const now = Math.floor(Date.now() / 1000);
  const bySeries = new Map<string, Sample[]>();
  for (const s of samples) bySeries.set(s.series, [...(bySeries.get(s.series) ?? []), s]);
  const lines = [`# TYPE ${metric} gauge`];
  for (const [series, list] of bySeries) {
    for (const s of [...list].sort((a, b) => b.secondsAgo - a.secondsAgo)) lines.push(`${series} ${s.value} ${now - s.secondsAgo}`);
  }
  fs.writeFileSync(path.join(dir, 'series.om'), [...lines, '# EOF', ''].join('\n'));
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'series.om'), path.join(dir, 'data')], { encoding: 'utf8' });
  if (backfill.status !== 0) throw new Error(`promtool failed: ${backfill.stderr}`);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const child = spawn('timeout', [String(lifetimeSeconds), 'prometheus', `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Ready when /-/ready answers 200; at most 20 s.
  for (let i = 0; ; i++) {
    if (await ready(`${address}/-/ready`)) break;
    if (i >= 80 || child.exitCode !== null) {
      child.kill();
      throw new Error(`prometheus did not start: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address,
    stop: async () => {
      child.kill();
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ready(url: string): Promise<boolean> {
  try {
    const r = await fetch(url);
    return r.status === 200;
  } catch {
    return false;
  }
}
