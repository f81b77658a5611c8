import * as fc from 'fast-check';
import { ContainerOptions, ContainerPort, EnvValue, PodField, Probe } from '../../../lib';
import { Case, InvalidClass } from '../support/spec';
import { podOptionInvalids, podOptions } from './pod-options';
import { any, dnsLabel, dnsSubdomain, envName, junk, labelKey, labelValue, MAYBE_SECRET, portName, quantity } from './primitives';

/**
 * The options of the pod every workload construct renders (ContainerOptions), valid
 * and invalid. A construct's generator spreads `containerOptions()` into its props and
 * maps `containerOptionInvalids()` onto its own field prefix.
 */

export interface ContainerContext {
  /** Whether the construct's Service accepts node ports. */
  readonly nodePorts: boolean;
  /** Only the first port is exposed (a Gateway's address): no node port on the others. */
  readonly firstPortOnly?: boolean;
  /** The first port must tell Istio it carries HTTP: named http, http-*, http2, grpc or grpc-web (or left unnamed). */
  readonly httpFirstPort?: boolean;
}

const HTTP_PORT_NAMES = ['http', 'http-web', 'http2', 'grpc', 'grpc-web', 'http-a1'];

/** Effective defaults of the library, as documented in ResourceOptions. */
const DEFAULT_REQUESTS = { cpu: 0.1, memory: 128 * 2 ** 20 };
const DEFAULT_LIMITS = { memory: 256 * 2 ** 20 };

function ports(ctx: ContainerContext): fc.Arbitrary<ContainerPort[]> {
  return fc.integer({ min: 1, max: 4 }).chain((k) =>
    fc
      .record({
        names: fc.uniqueArray(portName(), { minLength: k, maxLength: k }),
        httpName: ctx.httpFirstPort ? fc.constantFrom(...HTTP_PORT_NAMES) : fc.constant(undefined),
        numbers: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: k, maxLength: k }),
        servicePorts: fc.array(fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), { minLength: k, maxLength: k }),
        protocols: fc.array(fc.constantFrom<ContainerPort['protocol'] | undefined>(undefined, 'TCP', 'UDP', 'SCTP'), { minLength: k, maxLength: k }),
        nodePorts: fc.uniqueArray(fc.integer({ min: 30000, max: 32767 }), { minLength: k, maxLength: k }),
        withNodePort: fc.array(fc.boolean(), { minLength: k, maxLength: k }),
        firstUnnamed: fc.boolean(),
      })
      .map((r) =>
        r.numbers.map((containerPort, i): ContainerPort => ({
          // The first port may go unnamed ('http'); the default readiness probe needs it to be TCP.
          name: i === 0 && r.firstUnnamed ? undefined : i === 0 && ctx.httpFirstPort ? r.httpName : r.names[i],
          containerPort,
          servicePort: r.servicePorts[i],
          protocol: i === 0 ? 'TCP' : r.protocols[i],
          nodePort: ctx.nodePorts && r.withNodePort[i] && (i === 0 || !ctx.firstPortOnly) ? r.nodePorts[i] : undefined,
        })),
      )
      .filter((ps) => {
        const names = ps.map((p, i) => p.name ?? (i === 0 ? 'http' : ''));
        const service = ps.map((p) => `${p.servicePort ?? p.containerPort}/${p.protocol ?? 'TCP'}`);
        return new Set(names).size === names.length && new Set(service).size === service.length;
      }),
  );
}

/**
 * Built once, not per generated port list: `fc.webPath()` and `fc.string()` make string
 * arbitraries whose set-up is costly, and whose values do not depend on the ports.
 */
const probePath = fc.oneof(fc.constantFrom('/', '/ready', '/healthz', '/v1/appinfo?x=1'), fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)));
const commandLine = fc.array(fc.string(), { minLength: 1, maxLength: 3 });

function probe(ps: ContainerPort[]): fc.Arbitrary<Probe> {
  const tcp = ps.map((p, i) => ({ name: p.name ?? (i === 0 ? 'http' : undefined), number: p.containerPort, tcp: (p.protocol ?? 'TCP') === 'TCP' })).filter((p) => p.tcp);
  const port = fc.oneof(fc.constant(undefined), fc.constantFrom(...tcp.map((p) => p.name!)), fc.constantFrom(...tcp.map((p) => p.number)));
  const options = fc.record(
    {
      port,
      initialDelaySeconds: fc.integer({ min: 0, max: 600 }),
      periodSeconds: fc.integer({ min: 1, max: 300 }),
      failureThreshold: fc.integer({ min: 1, max: 30 }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    fc.tuple(probePath, options).map(([p, o]) => Probe.httpGet(p, o)),
    options.map((o) => Probe.tcpSocket(o)),
  );
}

const literal = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  // Strings that YAML 1.1 (kubectl) or 1.2 would read as something else unless quoted.
  fc.constantFrom('yes', 'no', 'on', 'Off', 'y', 'N', 'true', 'null', '~', '1_000', '0o17', '0x1F', '1e3', '.5', '2024-01-15', '12:30:00', '0b101', '<<', '---', 'a: b', '#x', '', ' x ', 'multi\nline'),
);

function envValue(name: string): fc.Arbitrary<EnvValue> {
  const ref = fc.record({ name: dnsSubdomain(), key: envName(), optional: fc.option(fc.boolean(), { nil: undefined }) });
  const secretLike = MAYBE_SECRET.test(name);
  return fc.oneof(
    fc.tuple(literal, fc.boolean()).map(([v, notSecret]) => EnvValue.fromValue(v, secretLike || notSecret ? { notSecret: true } : undefined)),
    ref.map((r) => EnvValue.fromSecret(r.name, r.key, r.optional === undefined ? undefined : { optional: r.optional })),
    ref.map((r) => EnvValue.fromConfigMap(r.name, r.key, r.optional === undefined ? undefined : { optional: r.optional })),
    fc.constantFrom(...Object.values(PodField)).map((f) => EnvValue.fromPodField(f)),
  );
}

const env = fc
  .uniqueArray(envName(), { maxLength: 6 })
  .chain((names) => fc.tuple(...names.map((n) => envValue(n).map((v) => [n, v] as const))))
  .map((entries) => Object.fromEntries(entries));

const SYSTEM_DIRS = ['/bin', '/sbin', '/lib', '/lib64', '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/local', '/proc', '/sys', '/dev', '/etc/ssl'];

function podLabelsFile(readOnlyRoot: boolean): fc.Arbitrary<string> {
  const segment = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-'.split('')), minLength: 1, maxLength: 10 }).filter((s) => s !== '.' && s !== '..');
  return fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), segment)
    .map(([dir, file]) => `/${dir.join('/')}/${file.replace(/^\.\./, 'x')}`)
    .filter((f) => {
      const dir = f.slice(0, f.lastIndexOf('/'));
      return !SYSTEM_DIRS.includes(dir) && !(readOnlyRoot && dir === '/tmp');
    });
}

/** cpu and memory amounts whose limits are at least the requests, once merged with the defaults. */
const resources = fc
  .record(
    {
      requests: fc.record({ cpu: fc.option(quantity('cpu'), { nil: undefined }), memory: fc.option(quantity('memory'), { nil: undefined }) }, { requiredKeys: [] }),
      limits: fc.record({ cpu: fc.option(quantity('cpu'), { nil: undefined }), memory: fc.option(quantity('memory'), { nil: undefined }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  )
  .filter((r) =>
    (['cpu', 'memory'] as const).every((k) => {
      // Left out or undefined, an amount takes the default; the memory limit follows a larger request.
      const req = r.requests?.[k]?.[1] ?? DEFAULT_REQUESTS[k];
      const lim = r.limits?.[k]?.[1] ?? (k === 'memory' ? Math.max(DEFAULT_LIMITS.memory, req) : undefined);
      return lim === undefined || lim >= req;
    }),
  )
  .map((r) => {
    const amounts = (a?: { cpu?: readonly [string, number]; memory?: readonly [string, number] }) =>
      a && Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v?.[0]]));
    return { ...(r.requests ? { requests: amounts(r.requests) } : {}), ...(r.limits ? { limits: amounts(r.limits) } : {}) };
  });

const id = fc.integer({ min: 1, max: 2147483647 });

/** Valid ContainerOptions for a construct whose Service does (or not) accept node ports. */
export function containerOptions(ctx: ContainerContext): fc.Arbitrary<ContainerOptions> {
  return fc
    .record({
      ports: fc.option(ports(ctx), { nil: undefined, freq: 3 }),
      readOnlyRoot: fc.option(fc.boolean(), { nil: undefined }),
    })
    .chain(({ ports: ps, readOnlyRoot }) =>
      fc.tuple(podOptions(ps), fc.record(
        {
          ports: fc.constant(ps),
          readinessProbe: probe(ps ?? [{ containerPort: 8080 }]),
          livenessProbe: probe(ps ?? [{ containerPort: 8080 }]),
          startupProbe: probe(ps ?? [{ containerPort: 8080 }]),
          env,
          envFromSecrets: fc.uniqueArray(dnsSubdomain(), { maxLength: 3 }),
          podLabelsFile: podLabelsFile(readOnlyRoot ?? false),
          command: commandLine,
          args: commandLine,
          resources,
          security: fc.record(
            { runAsUser: id, runAsGroup: id, fsGroup: id, supplementalGroups: fc.array(id, { maxLength: 2 }), readOnlyRootFilesystem: fc.constant(readOnlyRoot) },
            { requiredKeys: ['readOnlyRootFilesystem'] },
          ),
          containerName: dnsLabel(63),
          podLabels: fc.dictionary(labelKey(), fc.oneof(labelValue(), fc.constant('')), { maxKeys: 4 }),
        },
        { requiredKeys: ['ports'] },
      )).map(([pod, container]) => ({ ...pod, ...container })),
    );
}

/** A kind of invalid container option: `patch` makes valid options invalid in `field`. */
export interface OptionInvalid {
  readonly title: string;
  readonly field: string;
  readonly expected: RegExp;
  readonly patch: (o: ContainerOptions) => fc.Arbitrary<Partial<ContainerOptions>> | Partial<ContainerOptions>;
}

/**
 * The invalid container options as invalid classes of a construct whose options sit
 * at `prefix` in its props ('' when its props extend ContainerOptions, or e.g.
 * 'versions[0]'): `get` reads the options from valid props, `put` writes them back.
 */
export function containerOptionClasses<P>(
  valid: fc.Arbitrary<Case<P>>,
  prefix: string,
  get: (props: P) => ContainerOptions,
  put: (props: P, options: ContainerOptions) => P,
): InvalidClass<P>[] {
  return containerOptionInvalids().map((c) => ({
    title: c.title,
    field: prefix ? `${prefix}.${c.field}` : c.field,
    expected: c.expected,
    shared: { group: 'ContainerOptions', prefix },
    cases: valid.chain((v) => {
      const options = get(v.props);
      const patch = c.patch(options);
      return (patch instanceof fc.Arbitrary ? patch : fc.constant(patch)).map((over) => ({ id: v.id, props: put(v.props, { ...options, ...over }) }));
    }),
  }));
}

/** Replaces the ports, and the probes that may name them. */
const withPorts = (ps: unknown): Partial<ContainerOptions> => ({ ports: ps as ContainerPort[], readinessProbe: undefined, livenessProbe: undefined, startupProbe: undefined });
const as = <T>(x: unknown) => x as T;

export function containerOptionInvalids(): OptionInvalid[] {
  const notObject = fc.oneof(any(null, 'x', 42, true), fc.array(fc.integer(), { maxLength: 2 }));
  return [
    // ports
    { title: 'ports empty or not a list', field: 'ports', expected: /a non-empty list of container ports/, patch: () => any([], 'http', 8080, {}).map(withPorts) },
    { title: 'a port that is not an object', field: 'ports[0]', expected: /an object/, patch: () => any(null, 8080, 'http').map((p) => withPorts([p])) },
    { title: 'port name not an IANA service name', field: 'ports[0].name', expected: /IANA service name/, patch: () => any('HTTP', 'a--b', '8080', '-web', 'web-', 'abcdefghijklmnop', '', 'we b', 7).map((name) => withPorts([{ name, containerPort: 80 }])) },
    { title: 'a port after the first without a name', field: 'ports[1].name', expected: /every port after the first/, patch: () => withPorts([{ containerPort: 80 }, { containerPort: 81 }]) },
    { title: 'containerPort not an integer from 1 to 65535', field: 'ports[0].containerPort', expected: /integer from 1 to 65535/, patch: () => fc.oneof(any(0, 65536, 80.5, NaN, Infinity, '80', undefined), fc.integer({ min: 65536 })).map((n) => withPorts([{ containerPort: n }])) },
    { title: 'servicePort not an integer from 1 to 65535', field: 'ports[0].servicePort', expected: /integer from 1 to 65535/, patch: () => any(0, -1, 70000, 1.5, NaN, '80', null).map((n) => withPorts([{ containerPort: 80, servicePort: n }])) },
    { title: 'unknown protocol', field: 'ports[0].protocol', expected: /one of "TCP", "UDP", "SCTP"/, patch: () => any('tcp', 'HTTP', 'QUIC', 6, null).map((protocol) => withPorts([{ containerPort: 80, protocol }])) },
    { title: 'two ports with the same name', field: 'ports[1].name', expected: /not used by an earlier port/, patch: () => withPorts([{ name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }]) },
    { title: 'two ports with the same container port', field: 'ports[1].containerPort', expected: /not used by an earlier port/, patch: () => withPorts([{ name: 'web', containerPort: 80 }, { name: 'admin', containerPort: 80, servicePort: 81 }]) },
    { title: 'two ports with the same Service port', field: 'ports[1].servicePort', expected: /not used by an earlier port/, patch: () => withPorts([{ name: 'web', containerPort: 80 }, { name: 'admin', containerPort: 81, servicePort: 80 }]) },
    { title: 'misspelt port property', field: 'ports[0].port', expected: /a property of ContainerPort/, patch: () => withPorts([{ containerPort: 80, port: 80 }]) },
    // probes
    { title: 'probe not made with Probe.httpGet or Probe.tcpSocket', field: 'readinessProbe', expected: /Probe\.httpGet\(path\) or Probe\.tcpSocket\(\)/, patch: () => any({ httpGet: { path: '/' } }, '/ready', null, 42).map((p) => ({ readinessProbe: as<Probe>(p) })) },
    { title: 'probe on a port the container does not have', field: 'readinessProbe.port', expected: /container port/, patch: () => any('admin', 9999, 0).map((port) => ({ ...withPorts([{ containerPort: 80 }]), readinessProbe: Probe.tcpSocket({ port }) })) },
    { title: 'probe on a UDP or SCTP port', field: 'readinessProbe.port', expected: /a TCP port/, patch: () => any('UDP', 'SCTP').map((protocol) => withPorts([{ name: 'dns', containerPort: 53, protocol: as<'UDP'>(protocol) }])) },
    { title: 'probe path not an absolute HTTP path', field: 'readinessProbe.path', expected: /absolute HTTP path/, patch: () => any('ready', '', '/a b', '/x\ny', 42, undefined).map((p) => ({ readinessProbe: Probe.httpGet(as<string>(p)), livenessProbe: undefined })) },
    { title: 'probe timing not a whole number of seconds in range', field: 'livenessProbe.periodSeconds', expected: /an integer from 1 to/, patch: () => any(0, -1, 1.5, NaN, '10', 2 ** 31).map((periodSeconds) => ({ livenessProbe: Probe.tcpSocket({ port: undefined, periodSeconds: as<number>(periodSeconds) }), ...withPortsKeepReadiness() })) },
    { title: 'misspelt probe option', field: 'readinessProbe.timeoutSecond', expected: /a property of ProbeOptions/, patch: () => ({ readinessProbe: Probe.tcpSocket(as({ timeoutSecond: 3 })), livenessProbe: undefined }) },
    // env
    { title: 'env not an object', field: 'env', expected: /an object of environment variables/, patch: () => fc.oneof(any(null, 'A=1', 42, new Map([['A', EnvValue.fromValue('x')]])), fc.constant([EnvValue.fromValue('x')])).map((e) => ({ env: as(e) })) },
    { title: 'environment variable name invalid', field: 'env', expected: /environment variable name/, patch: () => any('1ABC', 'A=B', 'A B', '', 'Ä').map((n) => ({ env: { [n]: EnvValue.fromValue('x') } })) },
    { title: 'env value not an EnvValue', field: 'env.MODE', expected: /EnvValue\.fromValue/, patch: () => any('fast', 42, null, { value: 'x' }, undefined).map((v) => ({ env: { MODE: as<EnvValue>(v) } })) },
    { title: 'literal value for a secret-looking name', field: 'env.DB_PASSWORD', expected: /EnvValue\.fromSecret/, patch: () => any('hunter2', '', 'x').map((v) => ({ env: { DB_PASSWORD: EnvValue.fromValue(v) } })) },
    { title: 'literal value holding a private key', field: 'env.TLS_CERT', expected: /private key/, patch: () => ({ env: { TLS_CERT: EnvValue.fromValue('-----BEGIN RSA PRIVATE KEY-----\nMIIE...', { notSecret: true }) } }) },
    { title: 'literal value not a string', field: 'env.PORT', expected: /a string/, patch: () => any(8080, true, null, undefined, ['a']).map((v) => ({ env: { PORT: EnvValue.fromValue(as<string>(v)) } })) },
    { title: 'literal value with invalid Unicode', field: 'env.GREETING', expected: /well-formed Unicode/, patch: () => any('\uD800', 'a\uDC00b').map((v) => ({ env: { GREETING: EnvValue.fromValue(v) } })) },
    { title: 'Secret or ConfigMap name invalid', field: 'env.DB_HOST.secretName', expected: /DNS-1123 subdomain/, patch: () => any('DB', 'db_params', '', '-db', 42).map((n) => ({ env: { DB_HOST: EnvValue.fromSecret(as<string>(n), 'host') } })) },
    { title: 'Secret or ConfigMap key invalid', field: 'env.DB_HOST.key', expected: /key of letters/, patch: () => any('', '.', '..', 'a/b', 'a b', 7).map((k) => ({ env: { DB_HOST: EnvValue.fromConfigMap('db', as<string>(k)) } })) },
    { title: 'optional not a boolean', field: 'env.DB_HOST.optional', expected: /true or false/, patch: () => any('yes', 1, null).map((o) => ({ env: { DB_HOST: EnvValue.fromSecret('db', 'host', { optional: as<boolean>(o) }) } })) },
    { title: 'misspelt EnvValue option', field: 'env.DB_HOST.optinal', expected: /a property of ReferenceOptions: did you mean "optional"\?/, patch: () => ({ env: { DB_HOST: EnvValue.fromSecret('db', 'host', as({ optinal: true })) } }) },
    { title: 'notSecret not a boolean', field: 'env.TOKEN_TTL.notSecret', expected: /true or false/, patch: () => any('true', 1, null).map((o) => ({ env: { TOKEN_TTL: EnvValue.fromValue('3600', { notSecret: as<boolean>(o) }) } })) },
    { title: 'unknown pod field', field: 'env.POD.fieldPath', expected: /one of "metadata.name"/, patch: () => any('metadata.labels', 'spec.containers', '', 3).map((f) => ({ env: { POD: EnvValue.fromPodField(as<PodField>(f)) } })) },
    // envFromSecrets
    { title: 'envFromSecrets not a list', field: 'envFromSecrets', expected: /a list of Secret names/, patch: () => any('db-params', {}, 42, null).map((e) => ({ envFromSecrets: as<string[]>(e) })) },
    { title: 'envFromSecrets name invalid', field: 'envFromSecrets[0]', expected: /DNS-1123 subdomain/, patch: () => any('DB', '', 42, null).map((n) => ({ envFromSecrets: as<string[]>([n]) })) },
    { title: 'envFromSecrets listing a Secret twice', field: 'envFromSecrets[1]', expected: /not used earlier/, patch: () => ({ envFromSecrets: ['db', 'db'] }) },
    // podLabelsFile
    { title: 'podLabelsFile not an absolute path below a directory', field: 'podLabelsFile', expected: /absolute file path below a directory/, patch: () => any('labels', '/labels', '/etc/', '/etc/../labels', '/etc//labels', '/etc/./labels', '/etc/..labels', '', 42).map((f) => ({ podLabelsFile: as<string>(f) })) },
    { title: 'podLabelsFile in a system directory', field: 'podLabelsFile', expected: /hide/, patch: () => any('/bin/labels', '/usr/labels', '/lib/x', '/proc/labels', '/dev/labels').map((f) => ({ podLabelsFile: f })) },
    { title: 'podLabelsFile in /tmp with a read-only root filesystem', field: 'podLabelsFile', expected: /\/tmp/, patch: (o) => ({ podLabelsFile: '/tmp/labels', security: { ...o.security, readOnlyRootFilesystem: true } }) },
    // command and args
    { title: 'command or args not a non-empty list', field: 'command', expected: /a non-empty list of strings/, patch: () => any('npm start', [], {}, null).map((c) => ({ command: as<string[]>(c) })) },
    { title: 'command or args element not a string of well-formed Unicode', field: 'args[1]', expected: /a string/, patch: () => any(8080, null, undefined, ['x'], '\uD800').map((a) => ({ args: as<string[]>(['--port', a]) })) },
    // resources
    { title: 'resources not an object', field: 'resources', expected: /an object/, patch: () => notObject.map((r) => ({ resources: as(r) })) },
    { title: 'requests or limits not an object', field: 'resources.requests', expected: /an object/, patch: () => notObject.map((r) => ({ resources: { requests: as(r) } })) },
    { title: 'unknown resource', field: 'resources.limits.gpu', expected: /a property of ResourceAmounts/, patch: () => ({ resources: { limits: as({ gpu: '1' }) } }) },
    { title: 'quantity malformed', field: 'resources.requests.memory', expected: /Kubernetes quantity/, patch: () => any('lots', '128MB', '-1Gi', '1 Gi', '', 128, null, '1e400').map((m) => ({ resources: { requests: { memory: as<string>(m) } } })) },
    { title: 'limit below the request', field: 'resources.limits.memory', expected: /at least the request/, patch: () => ({ resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } }) },
    { title: 'limit of zero', field: 'resources.limits.cpu', expected: /above 0/, patch: () => any('0', '0m', '0.0').map((cpu) => ({ resources: { requests: { cpu: '0' }, limits: { cpu } } })) },
    // security
    { title: 'security not an object', field: 'security', expected: /an object/, patch: () => notObject.map((s) => ({ security: as(s) })) },
    { title: 'runAsUser, runAsGroup or fsGroup not a non-root id', field: 'security.runAsUser', expected: /integer ≥ 1/, patch: () => any(0, -1, 1.5, NaN, 2 ** 31, '1000').map((u) => ({ security: { runAsUser: as<number>(u) } })) },
    { title: 'readOnlyRootFilesystem not a boolean', field: 'security.readOnlyRootFilesystem', expected: /true or false/, patch: () => any('true', 1, null).map((r) => ({ security: { readOnlyRootFilesystem: as<boolean>(r) } })) },
    { title: 'security setting that would weaken the restricted profile', field: 'security.privileged', expected: /a property of SecurityOptions/, patch: () => ({ security: as({ privileged: true }) }) },
    // container name and pod labels
    { title: 'containerName not a DNS-1123 label', field: 'containerName', expected: /DNS-1123 label/, patch: () => any('App', 'a_b', '', 'x'.repeat(64), 3).map((n) => ({ containerName: as<string>(n) })) },
    { title: 'podLabels not an object', field: 'podLabels', expected: /an object of labels/, patch: () => any(null, 'team=a', ['a'], 42).map((l) => ({ podLabels: as(l) })) },
    { title: 'pod label key invalid', field: 'podLabels', expected: /a label key/, patch: () => any('a b', '-team', 'Team/x', 'a/b/c', '', 'x'.repeat(64)).map((k) => ({ podLabels: { [k]: 'x' } })) },
    { title: 'pod label value invalid', field: 'podLabels.team', expected: /a label value/, patch: () => fc.oneof(any('a b', '-x', 'x-', 'x'.repeat(64), 42, null, true), junk().filter((v) => typeof v !== 'string')).map((v) => ({ podLabels: { team: as<string>(v) } })) },
    { title: 'pod label with a key the library sets', field: 'podLabels.app.kubernetes.io/name', expected: /a label key the library does not set/, patch: () => ({ podLabels: { 'app.kubernetes.io/name': 'other' } }) },
    ...podOptionInvalids(),
  ];
}

/** Keeps the readiness probe valid whatever the ports are: the default one. */
function withPortsKeepReadiness(): Partial<ContainerOptions> {
  return { readinessProbe: undefined };
}
