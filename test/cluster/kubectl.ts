import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';

/** The kubectl minor the control plane's Kubernetes release (go.mod: k8s.io/kubernetes v1.33.x) supports best. */
export const KUBECTL_MINOR = 33;
/** Where Debian's Google Cloud SDK package puts each kubectl minor; /usr/bin/kubectl is whatever the machine has. */
const CANDIDATES = [`/usr/lib/google-cloud-sdk/bin/kubectl.1.${KUBECTL_MINOR}`, '/usr/bin/kubectl'];

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The kubectl binary of the suite: $KUBECTL, else the pinned minor, else /usr/bin/kubectl if its minor is within the
 * skew kubectl supports (one minor either side of the server). Returns the reason when there is none.
 */
export function findKubectl(): { path?: string; reason?: string } {
  const candidates = process.env.KUBECTL ? [process.env.KUBECTL] : CANDIDATES;
  const seen: string[] = [];
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate)) continue;
    const minor = clientMinor(candidate);
    seen.push(`${candidate} (1.${minor})`);
    if (minor !== undefined && Math.abs(minor - KUBECTL_MINOR) <= 1) return { path: candidate };
  }
  return { reason: `no kubectl 1.${KUBECTL_MINOR - 1}–1.${KUBECTL_MINOR + 1} found (looked at ${candidates.join(', ')}; found ${seen.join(', ') || 'none'}); set KUBECTL` };
}

function clientMinor(binary: string): number | undefined {
  try {
    const out = execFileSync(binary, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
    return Number(JSON.parse(out).clientVersion.minor.replace(/\D/g, ''));
  } catch {
    return undefined;
  }
}

export class Kubectl {
  readonly binary: string;

  constructor(readonly kubeconfig: string, binary?: string) {
    const found = binary ? { path: binary } : findKubectl();
    if (!found.path) throw new Error(found.reason);
    this.binary = found.path;
  }

  /** Runs kubectl; never throws for a non-zero exit (the result says it), only when it cannot run or times out. */
  run(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        args,
        { env: { ...process.env, KUBECONFIG: this.kubeconfig }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException & { killed?: boolean }).killed) {
            reject(new Error(`kubectl ${args.join(' ')}: timed out after ${options.timeoutMs ?? 120_000} ms\n${stderr}`));
            return;
          }
          const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /** Runs kubectl and throws with its output when it fails. */
  async ok(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, options);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }
}
