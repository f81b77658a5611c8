import { k8s } from './k8s';
import { Checks, keysOf } from '../model/checks';
import { Limits } from '../model/limits';

/** Timing of a probe. */
export interface ProbeOptions {
  /** Port name or number; @default - the first container port */
  readonly port?: string | number;
  /** @default - Kubernetes' default (0) */
  readonly initialDelaySeconds?: number;
  /** @default - Kubernetes' default (10) */
  readonly periodSeconds?: number;
  /** @default - Kubernetes' default (3) */
  readonly failureThreshold?: number;
}

/** A readiness probe: a pod gets requests from a Service only while it passes. */
export class Probe {
  /** HTTP GET on a path; ready when the answer is 2xx or 3xx. */
  public static httpGet(path: string, options: ProbeOptions = {}): Probe {
    return new Probe('http', path, options);
  }

  /** Ready when the port accepts a TCP connection. */
  public static tcpSocket(options: ProbeOptions = {}): Probe {
    return new Probe('tcp', undefined, options);
  }

  /** Whether `x` is a Probe, of this copy of the package or another. */
  public static isProbe(x: unknown): x is Probe {
    return typeof x === 'object' && x !== null && typeof (x as Probe)._render === 'function';
  }

  private constructor(
    private readonly kind: 'http' | 'tcp',
    private readonly path: string | undefined,
    // Checked when rendered, so that an error names the construct and the field.
    private readonly options: ProbeOptions | undefined,
  ) {}

  /** @internal */
  public _render(check: Checks, field: string, portNames: readonly string[], portNumbers: readonly number[]): k8s.Probe {
    const o: ProbeOptions = this.options === undefined ? {} : check.object(field, this.options, 'probe options: an object such as { port: "http", periodSeconds: 5 }');
    check.knownKeys(field, o, PROBE_OPTION_KEYS, 'ProbeOptions');
    let port: k8s.IntOrString;
    if (o.port === undefined) {
      port = k8s.IntOrString.fromString(portNames[0]);
    } else if (typeof o.port === 'number') {
      if (!portNumbers.includes(o.port)) check.fail(`${field}.port`, o.port, `one of the container ports (${portNumbers.join(', ')})`);
      port = k8s.IntOrString.fromNumber(o.port);
    } else {
      if (!portNames.includes(o.port)) check.fail(`${field}.port`, o.port, `the name of a container port (${portNames.join(', ')})`);
      port = k8s.IntOrString.fromString(o.port);
    }
    const timing = {
      initialDelaySeconds: optionalInt(check, `${field}.initialDelaySeconds`, o.initialDelaySeconds, 0),
      periodSeconds: optionalInt(check, `${field}.periodSeconds`, o.periodSeconds, 1),
      failureThreshold: optionalInt(check, `${field}.failureThreshold`, o.failureThreshold, 1),
    };
    if (this.kind === 'tcp') return { tcpSocket: { port }, ...timing };
    if (typeof this.path !== 'string' || !HTTP_PATH.test(this.path)) check.fail(`${field}.path`, this.path, "an absolute HTTP path such as '/ready', without spaces or control characters");
    return { httpGet: { path: this.path, port }, ...timing };
  }
}

const PROBE_OPTION_KEYS = keysOf<ProbeOptions>({ port: true, initialDelaySeconds: true, periodSeconds: true, failureThreshold: true });
const HTTP_PATH = /^\/[^\s\x00-\x1f\x7f]*$/;
// Beyond an hour a probe is certainly a mistake (a pod would wait that long to be ready or restarted).

function optionalInt(check: Checks, field: string, value: unknown, min: number): number | undefined {
  return value === undefined ? undefined : check.integer(field, value, min, field.endsWith('Threshold') ? 1000 : Limits.MAX_SECONDS);
}
