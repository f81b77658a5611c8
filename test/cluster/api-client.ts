import * as https from 'https';

export interface ApiResponse {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The few API calls the suite makes without kubectl: readiness, fake nodes and the EndpointSlice samples taken every
 * 100 ms during a transition, which would cost a process each through kubectl.
 */
export class ApiClient {
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });

  constructor(readonly server: string, private readonly token: string) {}

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  request(method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${this.server}${path}`,
        {
          method,
          agent: this.agent,
          timeout: timeoutMs,
          headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // plain text (/readyz)
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Polls /readyz until the API server answers ok, failing early when `gone()` names a process that ended. */
  async waitUntilReady(timeoutMs: number, gone: () => string | undefined): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      const ended = gone();
      if (ended) throw new Error(`a process ended: ${ended}`);
      try {
        const res = await this.request('GET', '/readyz', undefined, 2000);
        if (res.status === 200) return;
        last = `HTTP ${res.status} ${String(res.body).slice(-300)}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`the API server was not ready within ${timeoutMs} ms: ${last}`);
  }

  /**
   * Streams the events of a watch (`?watch=1`) to `onEvent` until `stop()`; the server ends it after
   * `timeoutSeconds` at the latest.
   */
  watch(path: string, onEvent: (event: { type: string; object: any }) => void, timeoutSeconds = 900): { stop(): void; ended: Promise<void> } { // eslint-disable-line @typescript-eslint/no-explicit-any
    let req: ReturnType<typeof https.request> | undefined;
    const ended = new Promise<void>((resolve, reject) => {
      const sep = path.includes('?') ? '&' : '?';
      req = https.request(`${this.server}${path}${sep}watch=1&timeoutSeconds=${timeoutSeconds}`, {
        method: 'GET',
        agent: this.agent,
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
      });
      req.on('response', (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) onEvent(JSON.parse(line));
          }
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
      req.end();
    });
    return { stop: () => req?.destroy(), ended };
  }

  destroy(): void {
    this.agent.destroy();
  }
}
