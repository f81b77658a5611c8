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
   * CanaryApp's steps, and is refused. A Gateway routes with its own `provider`: leave
   * this out there, or give the same.
   * @default - the Gateway's provider (a CanaryApp must give one)
   */
  readonly provider?: Traffic;
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

/** The router a release gives its construct itself (a Gateway's `provider`), and the field it is given in. */
export interface OwnProvider {
  readonly field: string;
  readonly provider: Traffic;
}

export function resolveFlaggerOptions(check: Checks, field: string, given: unknown, own?: OwnProvider): ResolvedFlagger {
  const o = check.object(field, given, 'an object of FlaggerOptions, e.g. { provider: Traffic.nginx({ host: "shop.example.com" }) }') as unknown as FlaggerOptions;
  check.knownKeys(field, o, KEYS, 'FlaggerOptions');
  const provider = flaggerProvider(check, `${field}.provider`, o.provider, own);
  return {
    provider,
    // Checked even when no webhook needs it yet: a gate added later must not be the first to find it wrong.
    loadtesterUrl: o.loadtesterUrl === undefined ? undefined : httpUrl(check, `${field}.loadtesterUrl`, o.loadtesterUrl),
    intervalSeconds: check.integer(`${field}.intervalSeconds`, orDefault(o.intervalSeconds, 60), 1, Limits.MAX_SECONDS),
    progressDeadlineSeconds: o.progressDeadlineSeconds === undefined ? undefined : check.integer(`${field}.progressDeadlineSeconds`, o.progressDeadlineSeconds, 1, Limits.MAX_SECONDS),
  };
}

/** The router Flagger drives: the engine's, else the construct's own; never none, never two. */
function flaggerProvider(check: Checks, field: string, given: Traffic | undefined, own?: OwnProvider): Traffic {
  const show = (t: unknown) => (t instanceof Traffic ? `Traffic.${t.kind === 'gateway-api' ? 'gatewayApi' : t.kind}()` : t);
  if (own && given !== undefined && (!(given instanceof Traffic) || given.kind !== own.provider.kind || JSON.stringify(given._options) !== JSON.stringify(own.provider._options))) {
    check.fail(field, show(given), `no provider here, or the same router as the release's \`${own.field}\` (${show(own.provider)}) (engine flagger, feature provider): the release's own provider is the router Flagger drives; give it there only`);
  }
  const provider = given ?? own?.provider;
  if (!(provider instanceof Traffic) || provider.kind === 'service') {
    check.fail(
      given === undefined && own ? own.field : field,
      show(provider),
      'Traffic.istio(), Traffic.nginx() or Traffic.gatewayApi() (engine flagger, feature provider): without a router Flagger\'s kubernetes provider runs blue/green only, ' +
        'where no production request reaches the new version before promotion, so the steps\' shares cannot hold (use Engine.argoRollouts() or Engine.phases() without a router)',
    );
  }
  return provider;
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
