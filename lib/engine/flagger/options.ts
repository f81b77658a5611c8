import { Checks, keysOf, orDefault } from '../../model/checks';
import { Limits } from '../../model/limits';
import { Traffic } from '../../traffic/traffic';

/** Options of the Flagger engine. */
export interface FlaggerOptions {
  /**
   * The router Flagger shifts weights with: `Traffic.istio()`, `Traffic.nginx()` or
   * `Traffic.gatewayApi()` (Flagger's providers `istio`, `nginx`, `gatewayapi:v1`).
   * Without one, Flagger's `kubernetes` provider only runs blue/green (no production
   * request reaches the new version before promotion), which cannot realise a
   * CanaryApp's steps, and is refused.
   */
  readonly provider: Traffic;
  /**
   * Address of Flagger's loadtester, which runs the HTTP gates (and the Prometheus gates
   * of the dark phase) as webhooks. It must be installed (Helm chart `flagger/loadtester`).
   * @default - `http://flagger-loadtester.<namespace>/`
   */
  readonly loadtesterUrl?: string;
  /** Seconds between two analyses (`analysis.interval`) when no gate sets it. @default 60 */
  readonly intervalSeconds?: number;
  /** Seconds Flagger waits for a Deployment to progress before it rolls back. @default 600 (Flagger's default) */
  readonly progressDeadlineSeconds?: number;
}

/** Options after their checks. */
export interface ResolvedFlagger {
  readonly provider: Traffic;
  /** @default - the loadtester in the release's namespace */
  readonly loadtesterUrl?: string;
  readonly intervalSeconds: number;
  /** @default - Flagger's default */
  readonly progressDeadlineSeconds?: number;
}

const KEYS = keysOf<FlaggerOptions>({ provider: true, loadtesterUrl: true, intervalSeconds: true, progressDeadlineSeconds: true });

export function resolveFlaggerOptions(check: Checks, field: string, given: unknown): ResolvedFlagger {
  const o = check.object(field, given, 'an object of FlaggerOptions, e.g. { provider: Traffic.nginx({ host: "shop.example.com" }) }') as unknown as FlaggerOptions;
  check.knownKeys(field, o, KEYS, 'FlaggerOptions');
  if (!(o.provider instanceof Traffic) || o.provider.kind === 'service') {
    check.fail(
      `${field}.provider`,
      o.provider instanceof Traffic ? 'Traffic.service()' : o.provider,
      'Traffic.istio(), Traffic.nginx() or Traffic.gatewayApi() (engine flagger, feature provider): without a router Flagger\'s kubernetes provider runs blue/green only, ' +
        'where no production request reaches the new version before promotion, so the steps\' shares cannot hold (use Engine.argoRollouts() or Engine.phases() without a router)',
    );
  }
  return {
    provider: o.provider,
    // Checked even when no webhook needs it yet: a gate added later must not be the first to find it wrong.
    loadtesterUrl: o.loadtesterUrl === undefined ? undefined : httpUrl(check, `${field}.loadtesterUrl`, o.loadtesterUrl),
    intervalSeconds: check.integer(`${field}.intervalSeconds`, orDefault(o.intervalSeconds, 60), 1, Limits.MAX_SECONDS),
    progressDeadlineSeconds: o.progressDeadlineSeconds === undefined ? undefined : check.integer(`${field}.progressDeadlineSeconds`, o.progressDeadlineSeconds, 1, Limits.MAX_SECONDS),
  };
}

/** An http(s) address without query, fragment or credentials: the loadtester's. */
function httpUrl(check: Checks, field: string, given: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof given === 'string' ? new URL(given) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    check.fail(field, given, 'the http(s) address of Flagger\'s loadtester, e.g. "http://flagger-loadtester.test/", without query, fragment or credentials');
  }
  return given as string;
}
