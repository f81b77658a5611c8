import * as fc from 'fast-check';
import { CleanupMode, ContainerOptions, Engine, EnvValue, FrontendTierProps, ServiceType, SmokeTestOptions, StagedRelease, StagedReleaseProps, StageStrategy, StageVersionProps, TierProps } from '../../../lib';
import { Case, ConstructSpec, InvalidClass, invalid } from '../support/spec';
import { Construct } from 'constructs';
import { containerOptionClasses, containerOptions } from './container-options';
import { gateInvalids, withValidGates } from './gates';
import { any, dns1035Label, dnsLabel, dropUndefined, labelValue, MAYBE_SECRET, pinnedImage, quantity, repository, some, without } from './primitives';

/**
 * Valid StagedRelease inputs: both strategies and both cleanup modes, tiers with any
 * container options, versions given or taken from the frontend image's tag, and smoke
 * tests with every option.
 */

const as = <T>(x: unknown) => x as T;
const SELECTOR_LABELS = ['deploy-stage', 'deploy-version'];

const serviceType = fc.option(some(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER), { nil: undefined });

/** A tier: any container options (no node port: two Services of a tier coexist), short names so that Job names fit. */
function tier(name: fc.Arbitrary<string | undefined>): fc.Arbitrary<TierProps> {
  return fc
    .record({
      options: containerOptions({ nodePorts: false }),
      name,
      replicas: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      smokeReplicas: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      // The maximum is at least any replicas or smokeReplicas drawn; the minimum defaults to the replicas.
      autoscaling: fc.option(
        fc.record(
          { minReplicas: fc.integer({ min: 1, max: 6 }), maxReplicas: fc.integer({ min: 6, max: 10000 }), cpuUtilization: fc.integer({ min: 1, max: 1000 }), memoryUtilization: fc.integer({ min: 1, max: 1000 }) },
          { requiredKeys: ['maxReplicas'] },
        ),
        { nil: undefined },
      ),
      serviceType,
      smokeServiceType: serviceType,
    })
    .map(({ options, ...own }) => {
      const podLabels = options.podLabels && Object.fromEntries(Object.entries(options.podLabels).filter(([k]) => !SELECTOR_LABELS.includes(k)));
      return dropUndefined({ ...(options as ContainerOptions), podLabels, ...own });
    });
}

// At most 9 characters: the longest smoke-test Job name, smoke-test-smoke-frontend-<tier>-<version>-<tier>-<version>, stays within 63.
const tierName = fc.option(dns1035Label(9), { nil: undefined });
const envVariable = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/).filter((n) => !MAYBE_SECRET.test(n));

/** Two versions: each image pinned; the version given (short) or the frontend image's short tag. */
const versions = fc
  .record({
    given: fc.tuple(fc.boolean(), fc.boolean()),
    labels: fc.uniqueArray(labelValue(8), { minLength: 2, maxLength: 2, selector: (v) => v.toLowerCase().replace(/[._]/g, '-') }),
    frontendRepo: repository(),
    backendImages: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }),
    frontendImages: fc.uniqueArray(pinnedImage(), { minLength: 2, maxLength: 2 }),
    sameFrontend: fc.boolean(),
    sameBackend: fc.boolean(),
  })
  .map((r) => {
    const version = (i: number): StageVersionProps => {
      const frontendImage = r.given[i] ? (r.sameFrontend ? r.frontendImages[0] : r.frontendImages[i]) : `${r.frontendRepo}:${r.labels[i]}`;
      // One tier may keep its image, not both.
      const backendImage = r.sameBackend && !(r.sameFrontend && r.given[0] && r.given[1]) ? r.backendImages[0] : r.backendImages[i];
      return dropUndefined({ frontendImage, backendImage, version: r.given[i] ? r.labels[i] : undefined });
    };
    return { active: version(0), smoke: version(1) };
  });

const smokeTest: fc.Arbitrary<SmokeTestOptions> = fc
  .record(
    {
      path: fc.oneof(some('/', '/version', '/api/v1?verbose=1'), fc.webPath().filter((p) => /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/.test(p))),
      expect: fc.oneof(some('{frontend}:{frontendVersion} - {backend}:{backendVersion}', '{backendVersion}', 'ok', 'version {frontendVersion}', 'yes', '1_000', 'a: b'), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && !s.includes('{'))),
      image: pinnedImage(),
      runAsUser: fc.integer({ min: 1, max: 2147483647 }),
      attempts: fc.integer({ min: 1, max: 60 }),
      intervalSeconds: fc.integer({ min: 1, max: 30 }),
      requestTimeoutSeconds: fc.integer({ min: 1, max: 30 }),
      backoffLimit: fc.integer({ min: 0, max: 6 }),
      extraDeadline: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
      resources: fc.record({ requests: fc.record({ cpu: quantity('cpu'), memory: quantity('memory') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  )
  .map(({ extraDeadline, resources, ...o }) => {
    const needed = (o.attempts ?? 24) * ((o.intervalSeconds ?? 5) + (o.requestTimeoutSeconds ?? 5));
    const req = resources?.requests;
    // A memory request above the Job's default limit (32Mi) raises the limit with it.
    const res = req && { requests: Object.fromEntries(Object.entries(req).map(([k, v]) => [k, v[0]])) };
    return dropUndefined({ ...o, resources: res, activeDeadlineSeconds: extraDeadline === undefined ? undefined : needed + extraDeadline });
  });

/** Valid StagedRelease inputs. */
const ungatedStagedRelease: fc.Arbitrary<Case<StagedReleaseProps>> = fc
  .record({
    id: dns1035Label(30),
    name: fc.option(dnsLabel(40), { nil: undefined }),
    namespace: fc.option(dnsLabel(63), { nil: undefined }),
    strategy: fc.option(some(StageStrategy.ISOLATED, StageStrategy.COMPATIBLE), { nil: undefined }),
    cleanup: fc.option(some(CleanupMode.SCALE_TO_ZERO, CleanupMode.REMOVE), { nil: undefined }),
    frontend: fc.option(tier(tierName), { nil: undefined, freq: 4 }),
    backend: fc.option(tier(tierName), { nil: undefined, freq: 4 }),
    backendUrlVariable: fc.option(envVariable, { nil: undefined }),
    versions,
    minReadySeconds: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
    maxSurge: fc.option(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`)), { nil: undefined }),
    smokeTest: fc.option(smokeTest, { nil: undefined }),
  })
  .filter((r) => (r.frontend?.name ?? 'frontend') !== (r.backend?.name ?? 'backend'))
  .map((r): Case<StagedReleaseProps> => {
    const variable = r.backendUrlVariable ?? 'BACKEND_URL';
    const frontend: FrontendTierProps | undefined =
      r.frontend || r.backendUrlVariable ? { ...r.frontend, env: r.frontend?.env && without(r.frontend.env, variable), backendUrlVariable: r.backendUrlVariable } : undefined;
    const props: StagedReleaseProps = {
      name: r.name,
      namespace: r.namespace,
      strategy: r.strategy,
      cleanup: r.cleanup,
      frontend: frontend && dropUndefined(frontend),
      backend: r.backend,
      ...r.versions,
      minReadySeconds: r.minReadySeconds,
      maxSurge: r.maxSurge,
      smokeTest: r.smokeTest,
    };
    return { id: r.id, props: dropUndefined(props) };
  });

const buildStagedRelease = (scope: Construct, c: Case<StagedReleaseProps>) => new StagedRelease(scope, c.id, c.props);
/** Valid StagedRelease inputs, gates on some phases of some of them. */
export const validStagedRelease: fc.Arbitrary<Case<StagedReleaseProps>> = withValidGates(ungatedStagedRelease, buildStagedRelease);

/** A small valid StagedRelease to break in one place: the seed's tiers, versions v1 and v2. */
const base: fc.Arbitrary<Case<StagedReleaseProps>> = fc
  .record({ id: dns1035Label(30), images: fc.uniqueArray(pinnedImage(), { minLength: 4, maxLength: 4 }), strategy: some(StageStrategy.ISOLATED, StageStrategy.COMPATIBLE) })
  .map(({ id, images, strategy }) => ({
    id,
    props: {
      strategy,
      active: { version: 'v1', frontendImage: images[0], backendImage: images[1] },
      smoke: { version: 'v2', frontendImage: images[2], backendImage: images[3] },
    },
  }));

type Patch = (p: StagedReleaseProps) => fc.Arbitrary<Partial<StagedReleaseProps>> | Partial<StagedReleaseProps>;
/** An invalid class from the small release. */
const b = (title: string, field: string, expected: RegExp, patch: Patch) => invalid(base, title, field, expected, patch);
/** An invalid class from any valid release. */
const v = (title: string, field: string, expected: RegExp, patch: Patch) => invalid(validStagedRelease, title, field, expected, patch);
const withSmokeTest = (o: unknown): Partial<StagedReleaseProps> => ({ smokeTest: as<SmokeTestOptions>(o) });

export const stagedReleaseInvalids: InvalidClass<StagedReleaseProps>[] = [
  {
    title: 'props not an object',
    field: 'props',
    expected: /an object of StagedReleaseProps/,
    cases: fc.tuple(dns1035Label(30), any(null, 'seamless', 42, [])).map(([id, props]) => ({ id, props })),
  },
  v('an engine, which a two-tier smoke upgrade does not map to', 'engine', /no engine on a StagedRelease.*two-tier smoke upgrade/, () => any(Engine.argoRollouts(), Engine.phases()).map((engine) => as({ engine }))),
  v('misspelt prop', 'minReadySecond', /a property of StagedReleaseProps: did you mean "minReadySeconds"\?/, () => as({ minReadySecond: 30 })),
  v('unknown prop', 'canary', /a property of StagedReleaseProps: one of name, /, () => as({ canary: { weight: 10 } })),
  v('name not a DNS-1123 label', 'name', /DNS-1123 label of at most 63 characters \(it defaults to the construct id\)/, () => any('Seamless', 'seam_less', '-a', '', 'x'.repeat(64), 42, null).map((name) => ({ name }))),
  {
    title: 'construct id used as name but not a DNS-1123 label',
    field: 'name',
    expected: /it defaults to the construct id/,
    cases: validStagedRelease.chain((c) => any('My Release', 'Seamless', 'seam_less').map((id) => ({ id, props: { ...c.props, name: undefined } }))),
  },
  v('namespace not a DNS-1123 label', 'namespace', /DNS-1123 label of at most 63/, () => any('Prod', 'team.a', '', 5, null).map((namespace) => ({ namespace }))),
  v('unknown strategy', 'strategy', /one of "isolated", "compatible"/, () => any('blue-green', 'ISOLATED', 1, null).map((strategy) => ({ strategy }))),
  v('unknown cleanup mode', 'cleanup', /one of "scale-to-zero", "remove"/, () => any('delete', 'REMOVE', 0, null).map((cleanup) => ({ cleanup }))),
  b('tier not an object', 'frontend', /the tier's options: an object/, () => any(null, 'web', 3, [], new Map()).map((frontend) => ({ frontend }))),
  b('misspelt tier option', 'backend.replica', /a property of TierProps: did you mean "replicas"\?/, () => ({ backend: as({ replica: 3 }) })),
  b('backendUrlVariable on the backend tier', 'backend.backendUrlVariable', /a property of TierProps: /, () => ({ backend: as({ backendUrlVariable: 'DB_URL' }) })),
  b('tier name not a DNS-1035 label of at most 56 characters', 'frontend.name', /DNS-1035 label of at most 56 characters \(it begins the names of its Services\)/, () => any('Web', '9web', 'web_ui', '', 'x'.repeat(57), 5, null).map((name) => ({ frontend: { name } }))),
  b('one name for both tiers', 'backend.name', /a tier name other than the frontend's/, () => fc.option(dns1035Label(10).filter((n) => n !== 'smoke-test'), { nil: undefined }).map((name) => ({ frontend: { name }, backend: { name: name ?? 'frontend' } }))),
  b('tier replicas not an integer from 1 to 10000', 'frontend.replicas', /integer from 1 to 10000/, () => any(0, -1, 2.5, '3', null, 10001).map((replicas) => ({ frontend: { replicas } }))),
  b('tier autoscaler minReplicas above maxReplicas', 'frontend.autoscaling.minReplicas', /at most maxReplicas/, () => fc.integer({ min: 2, max: 100 }).map((max) => ({ frontend: { autoscaling: { minReplicas: max + 1, maxReplicas: max } } }))),
  b('smoke copy above the tier autoscaler maxReplicas', 'backend.smokeReplicas', /the maxReplicas of the tier's autoscaler/, () => fc.integer({ min: 1, max: 50 }).map((max) => ({ backend: { smokeReplicas: max + 1, autoscaling: { minReplicas: 1, maxReplicas: max } } }))),
  b('smoke replicas not an integer from 1 to 10000', 'backend.smokeReplicas', /integer from 1 to 10000/, () => any(0, 1.5, '1', null, 10001).map((smokeReplicas) => ({ backend: { smokeReplicas } }))),
  b('unknown tier Service type', 'frontend.smokeServiceType', /one of "ClusterIP", "NodePort", "LoadBalancer"/, () => any('nodeport', 'ExternalName', 1, null).map((smokeServiceType) => ({ frontend: { smokeServiceType } }))),
  b('a fixed nodePort', 'backend.ports[0].nodePort', /no fixed nodePort: the tier has two Services at once/, () => ({ backend: { serviceType: ServiceType.NODE_PORT, ports: [{ containerPort: 8080, nodePort: 30080 }] } })),
  b('pod label with a key the tier selects by', 'backend.podLabels.deploy-stage', /a label key the library does not set/, () => some('deploy-stage').map((k) => ({ backend: { podLabels: { [k]: 'x' } } }))),
  b('backendUrlVariable not a variable name', 'frontend.backendUrlVariable', /an environment variable name/, () => any('1URL', 'BACKEND URL', '', 5, null).map((backendUrlVariable) => ({ frontend: { backendUrlVariable } }))),
  b('backendUrlVariable that looks like a secret', 'frontend.backendUrlVariable', /a name that does not look like a secret's/, () => any('API_TOKEN', 'DB_PASSWORD', 'SECRET_URL').map((backendUrlVariable) => ({ frontend: { backendUrlVariable } }))),
  b('a value for the backend variable', 'frontend.env.BACKEND_URL', /no value for BACKEND_URL: it carries the address of the backend/, () => ({ frontend: { env: { BACKEND_URL: EnvValue.fromValue('http://elsewhere') } } })),
  b('version not an object', 'smoke', /an object with frontendImage and backendImage/, () => any(null, 'v2', 2, [], undefined).map((smoke) => ({ smoke }))),
  b('misspelt version option', 'active.frontendimage', /a property of StageVersionProps: did you mean "frontendImage"\?/, (p) => ({ active: as({ ...p.active, frontendimage: 'acme/fe:9' }) })),
  b('image missing, not pinned or latest', 'smoke.backendImage', /an image reference|pinned by a tag or a digest|other than "latest"/, (p) => any(undefined, 'backend', 'backend:latest', '', 42).map((backendImage) => ({ smoke: { ...p.smoke, backendImage } }))),
  b('version not a label value', 'smoke.version', /a (non-empty )?label value/, (p) => any('v2/beta', '', '-v2', 'x'.repeat(64), 2, null).map((version) => ({ smoke: { ...p.smoke, version } }))),
  b('frontend image tag not usable as the default version', 'active.version', /a version given explicitly: it defaults to the tag of active.frontendImage/, (p) => ({ active: { frontendImage: `acme/frontend:${'1'.repeat(64)}`, backendImage: p.active.backendImage } })),
  b('the same version for both', 'smoke.version', /a version other than the active one/, (p) => ({ smoke: { ...p.smoke, version: 'v1' } })),
  b('versions that give one object name', 'smoke.version', /a version whose object names differ from the active one's/, (p) => any(['1.0', '1_0'], ['V2', 'v2'], ['a.b', 'a-b']).map(([a, c]) => ({ active: { ...p.active, version: a }, smoke: { ...p.smoke, version: c } }))),
  b('the same images for both', 'smoke', /a frontendImage, backendImage or configuration other than the active ones/, (p) => ({ smoke: { ...p.active, version: 'v2' } })),
  b('a version too long for a Service name', 'backend.name', /short enough for the Service name/, (p) => ({ strategy: StageStrategy.ISOLATED, backend: { name: 'b'.repeat(50) }, smoke: { ...p.smoke, version: 'v'.repeat(20) } })),
  b('tier names and versions too long for the smoke-test Job name', 'smoke.version', /short enough for the smoke-test Job name/, () => ({ frontend: { name: 'f'.repeat(30) }, backend: { name: 'b'.repeat(20) } })),
  v('maxSurge neither a count from 1 nor a percentage', 'maxSurge', /an integer from 1 to 10000 or a percentage from '1%' to '100%'/, () => any(0, '0%', -1, 1.5, '25', '101%', null, 10001).map((maxSurge) => ({ maxSurge }))),
  v('minReadySeconds not an integer from 0 to 3600', 'minReadySeconds', /integer from 0 to 3600/, () => any(-1, 1.5, '30', 3601, null).map((minReadySeconds) => ({ minReadySeconds }))),
  b('smokeTest not an object', 'smokeTest', /an object of SmokeTestOptions/, () => any(null, '/health', 5, []).map(withSmokeTest)),
  b('misspelt smokeTest option', 'smokeTest.attempt', /a property of SmokeTestOptions: did you mean "attempts"\?/, () => withSmokeTest({ attempt: 3 })),
  b('smoke-test path not an absolute URL path', 'smokeTest.path', /an absolute URL path/, () => any('health', '', '/a b', '/x"y', 5, null).map((path) => withSmokeTest({ path }))),
  b('expected text empty or with an unknown placeholder', 'smokeTest.expect', /a non-empty text|placeholders among \{frontend\}/, () => any('', '  ', '{version}', '{frontend} {build}', '\uD800', 5, null).map((expect) => withSmokeTest({ expect }))),
  b('smoke-test image not pinned', 'smokeTest.image', /pinned by a tag or a digest|other than "latest"|an image reference/, () => any('curlimages/curl', 'curlimages/curl:latest', '', null).map((image) => withSmokeTest({ image }))),
  b('attempts not an integer from 1 to 1000', 'smokeTest.attempts', /integer from 1 to 1000/, () => any(0, -1, 1.5, '3', 1001, null).map((attempts) => withSmokeTest({ attempts }))),
  b('seconds between or per request out of range', 'smokeTest.requestTimeoutSeconds', /integer from 1 to 3600/, () => any(0, 3601, 2.5, '5', null).map((requestTimeoutSeconds) => withSmokeTest({ requestTimeoutSeconds }))),
  b('a deadline shorter than the attempts', 'smokeTest.activeDeadlineSeconds', /an integer ≥ 100/, () => any(1, 60, 99).map((activeDeadlineSeconds) => withSmokeTest({ attempts: 10, intervalSeconds: 5, requestTimeoutSeconds: 5, activeDeadlineSeconds }))),
  b('smoke-test user root or not an id', 'smokeTest.runAsUser', /an integer ≥ 1/, () => any(0, -1, 1.5, '100', null).map((runAsUser) => withSmokeTest({ runAsUser }))),
  b('backoffLimit not an integer from 0 to 100', 'smokeTest.backoffLimit', /integer from 0 to 100/, () => any(-1, 101, 0.5, '1', null).map((backoffLimit) => withSmokeTest({ backoffLimit }))),
  b('smoke-test resources misspelt', 'smokeTest.resources.limit', /a property of ResourceOptions: did you mean "limits"\?/, () => withSmokeTest({ resources: { limit: { memory: '64Mi' } } })),
  b('smoke-test quantity malformed', 'smokeTest.resources.requests.cpu', /Kubernetes quantity/, () => any('lots', '10 m', '-1', 10, null).map((cpu) => withSmokeTest({ resources: { requests: { cpu } } }))),
  b('smoke-test memory limit below the request', 'smokeTest.resources.limits.memory', /a limit at least the request/, () => withSmokeTest({ resources: { requests: { memory: '64Mi' }, limits: { memory: '32Mi' } } })),
  // The backend's container options (the frontend's go through the same checks).
  ...containerOptionClasses(
    base,
    'backend',
    (p) => p.backend ?? {},
    (p, o) => ({ ...p, backend: o }),
  ),
];

export const stagedReleaseSpec: ConstructSpec<StagedReleaseProps> = {
  name: 'StagedRelease',
  valid: validStagedRelease,
  invalid: [...stagedReleaseInvalids, ...gateInvalids(ungatedStagedRelease, buildStagedRelease, 'smoke')],
  build: buildStagedRelease,
};
