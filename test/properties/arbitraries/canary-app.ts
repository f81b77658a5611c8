import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { CanaryApp, CanaryAppProps, CanaryStep, CapacityMode, DisruptionBudget, Engine, Gate, Labels, planCanary, RollingUpdateOptions, ServiceType, transitionFloors } from '../../../lib';
import { Checks } from '../../../lib/model/checks';
import { weightsFor } from '../../../lib/engine/argo-rollouts/basic-canary';
import { Case, ConstructSpec, InvalidClass, invalid } from '../support/spec';
import { containerOptionClasses, containerOptions } from './container-options';
import { flaggerInvalids } from './flagger';
import { gateInvalids, withValidGates } from './gates';
import { any, dns1035Label, dnsLabel, dropUndefined, labelKey, labelValue, pinnedImage, repository, without } from './primitives';

const MAX_REPLICAS = 10000;

/** Folder name of a step, as planCanary names it: the canary's share in percent, 1 to 99. */
const share = (c: number, stable: number) => Math.min(99, Math.max(1, Math.round((100 * c) / (stable + c))));

/** Canary steps that `replicas` realise exactly, each as a weight when the share is whole, else as a pod count. */
function steps(replicas: number, capacity: CapacityMode): fc.Arbitrary<CanaryStep[]> {
  const max = capacity === CapacityMode.CONSTANT ? replicas - 1 : Math.min(3 * replicas, MAX_REPLICAS);
  const stableAt = (c: number) => (capacity === CapacityMode.CONSTANT ? replicas - c : replicas);
  return fc
    .uniqueArray(fc.integer({ min: 1, max }), { minLength: 1, maxLength: Math.min(5, max) })
    .map((cs) => cs.sort((a, b) => a - b))
    .filter((cs) => new Set(cs.map((c) => share(c, stableAt(c)))).size === cs.length)
    .chain((cs) =>
      fc.tuple(
        ...cs.map((c) => {
          const total = stableAt(c) + c;
          const exact = (100 * c) % total === 0;
          return exact ? fc.constantFrom(CanaryStep.weight((100 * c) / total), CanaryStep.replicas(c)) : fc.constant(CanaryStep.replicas(c));
        }),
      ),
    );
}

const plan = fc
  .record({
    replicas: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 12 }), weight: 6 }, fc.integer({ min: 13, max: 300 }), fc.constant(MAX_REPLICAS)),
    capacity: fc.option(fc.constantFrom(CapacityMode.CONSTANT, CapacityMode.SURGE), { nil: undefined }),
  })
  .filter((p) => !(p.replicas === 1 && (p.capacity ?? CapacityMode.CONSTANT) === CapacityMode.CONSTANT))
  .chain((p) =>
    fc.record({
      replicas: fc.constant(p.replicas),
      capacity: fc.constant(p.capacity),
      steps: fc.option(steps(p.replicas, p.capacity ?? CapacityMode.CONSTANT), { nil: undefined }),
      minAvailable: fc.option(fc.integer({ min: 1, max: p.replicas }), { nil: undefined }),
    }),
  )
  .chain((p) => fc.record({ plan: fc.constant(p), disruptionBudget: fc.option(budget(p), { nil: undefined }) }))
  .map(({ plan: p, disruptionBudget }) => ({ ...p, disruptionBudget }));

/** Canary pods of each step, as planCanary counts them. */
function canaryCounts(replicas: number, capacity: CapacityMode, list: CanaryStep[]): number[] {
  return list.map((step) => (step.unit === 'replicas' ? step.value : capacity === CapacityMode.CONSTANT ? (replicas * step.value) / 100 : (replicas * step.value) / (100 - step.value)));
}

/** A disruption budget that never blocks a drain: minAvailable stays below the stable track's fewest pods. */
function budget(p: { replicas: number; capacity?: CapacityMode; steps?: CanaryStep[] }): fc.Arbitrary<DisruptionBudget> {
  const capacity = p.capacity ?? CapacityMode.CONSTANT;
  const counts = canaryCounts(p.replicas, capacity, p.steps ?? [CanaryStep.replicas(1)]);
  const fewest = capacity === CapacityMode.CONSTANT ? p.replicas - Math.max(...counts) : p.replicas;
  const percentBelow = Math.floor((100 * (fewest - 1)) / fewest);
  return fc.oneof(
    fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 }).map((x) => `${x}%`)).map((x) => DisruptionBudget.maxUnavailable(x)),
    fc.oneof(fc.integer({ min: 0, max: fewest - 1 }), fc.integer({ min: 0, max: percentBelow }).map((x) => `${x}%`)).map((x) => DisruptionBudget.minAvailable(x)),
    fc.constant(DisruptionBudget.none()),
  );
}

const amount = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));
const rollingUpdate: fc.Arbitrary<RollingUpdateOptions> = fc
  .record({ maxSurge: amount, maxUnavailable: amount, minReadySeconds: fc.integer({ min: 0, max: 600 }) }, { requiredKeys: [] })
  .filter((r) => !([0, '0%'].includes(r.maxSurge ?? 1) && [0, '0%'].includes(r.maxUnavailable ?? 0)));

const identity = fc
  .record({ id: dns1035Label(56), name: fc.option(dns1035Label(56), { nil: undefined }), namespace: fc.option(dnsLabel(63), { nil: undefined }) })
  .map((r) => (r.name === undefined ? { id: r.id, name: undefined } : { id: `Release ${r.id}`, name: r.name, namespace: r.namespace }));

const images = fc
  .record({
    stableImage: pinnedImage(),
    canaryImage: pinnedImage(),
    stableVersion: fc.option(labelValue(), { nil: undefined }),
    canaryVersion: fc.option(labelValue(), { nil: undefined }),
  })
  .filter((r) => r.stableImage !== r.canaryImage && version(r.stableImage, r.stableVersion) !== version(r.canaryImage, r.canaryVersion));

function version(image: string, given?: string): string {
  if (given !== undefined) return given;
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : image.slice(at + 'sha256:'.length + 1, at + 'sha256:'.length + 13);
}

const serviceType = fc.option(fc.constantFrom(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER), { nil: undefined });

/** Valid CanaryApp inputs. Optional props are left out as often as they are given. */
const ungatedCanaryApp: fc.Arbitrary<Case<CanaryAppProps>> = fc
  .record({ who: identity, images, plan, serviceType, serviceName: fc.option(dns1035Label(63), { nil: undefined }), trackLabel: fc.option(labelKey(), { nil: undefined }) })
  .chain((r) =>
    fc
      .record(
        {
          options: containerOptions({ nodePorts: r.serviceType !== undefined && r.serviceType !== ServiceType.CLUSTER_IP }),
          rollingUpdate: fc.option(rollingUpdate, { nil: undefined }),
          canaryConfig: fc.option(fc.record({ files: fc.dictionary(fc.constantFrom('app.yaml', 'flags.json'), fc.string(), { minKeys: 1, maxKeys: 2 }), mountPath: fc.constantFrom('/etc/config', '/etc/app') }), { nil: undefined }),
        },
      )
      .map(({ options, rollingUpdate: ru, canaryConfig }) => {
        const name = r.who.name ?? r.who.id;
        const service = r.serviceType === undefined && r.serviceName === undefined ? undefined : { name: r.serviceName === `${name}-canary` ? undefined : r.serviceName, type: r.serviceType };
        const props: CanaryAppProps = {
          ...options,
          ...r.images,
          ...r.plan,
          name: r.who.name,
          namespace: 'namespace' in r.who ? r.who.namespace : undefined,
          service,
          trackLabel: r.trackLabel,
          podLabels: options.podLabels && r.trackLabel ? without(options.podLabels, r.trackLabel) : options.podLabels,
          rollingUpdate: ru,
          canaryConfig,
          minAvailable: keepable(r.plan, ru),
        };
        return { id: r.who.id, props: dropUndefined(props) };
      }),
  );

/**
 * The generated minAvailable, lowered to what the steps and rolling update keep: a
 * higher one is an invalid input (its own class below). The bound comes from the
 * library's model; the verifier checks the manifests against it independently.
 */
function keepable(p: { replicas: number; capacity?: CapacityMode; steps?: CanaryStep[]; minAvailable?: number }, ru?: RollingUpdateOptions): number | undefined {
  if (p.minAvailable === undefined) return undefined;
  const image = (tag: string) => ({ image: { reference: `x:${tag}`, repository: 'x', tag }, version: tag });
  const plan = planCanary(new Checks('generator'), { replicas: p.replicas, capacity: p.capacity ?? CapacityMode.CONSTANT, steps: p.steps ?? [CanaryStep.replicas(1)], stable: image('a'), canary: image('b') });
  return Math.min(p.minAvailable, ...transitionFloors(plan, ru?.maxUnavailable ?? 0).map((f) => f.least));
}

const buildCanaryApp = (scope: Construct, c: Case<CanaryAppProps>) => new CanaryApp(scope, c.id, c.props);
/** Valid CanaryApp inputs on phases, gates on some phases of some of them. */
const onPhases: fc.Arbitrary<Case<CanaryAppProps>> = withValidGates(ungatedCanaryApp, buildCanaryApp);

/**
 * The same inputs on Argo Rollouts where they map: constant capacity, every step's pod
 * counts given by some weight under the controller's rounding (Argo Rollouts' own rule,
 * basicCanaryCounts), and gates on canary steps only (the others are refused, each an
 * invalid class below).
 */
const onArgo: fc.Arbitrary<Case<CanaryAppProps>> = onPhases
  .filter((c) => (c.props.capacity ?? CapacityMode.CONSTANT) === CapacityMode.CONSTANT && c.props.replicas !== undefined && c.props.replicas <= 20)
  .filter((c) => {
    const replicas = c.props.replicas ?? 3;
    const surge = surgeOf(c.props.rollingUpdate?.maxSurge ?? 1, replicas);
    return canaryCounts(replicas, CapacityMode.CONSTANT, c.props.steps ?? [CanaryStep.replicas(1)]).every((n) => weightsFor(replicas, surge, n, replicas - n).length > 0);
  })
  // A maxUnavailable that may stop every stable pod is refused (its own invalid class).
  .filter((c) => argoFloor(c.props) > 0)
  .map((c) => {
    const gates = c.props.gates && Object.fromEntries(Object.entries(c.props.gates).filter(([phase]) => phase.startsWith('canary-')));
    // Argo Rollouts keeps replicas − maxUnavailable available (a higher minimum is its own invalid class).
    const floor = argoFloor(c.props);
    const minAvailable = c.props.minAvailable === undefined ? undefined : Math.min(c.props.minAvailable, floor);
    return { id: c.id, props: dropUndefined({ ...c.props, gates: gates && Object.keys(gates).length ? gates : undefined, minAvailable: minAvailable === 0 ? undefined : minAvailable, engine: Engine.argoRollouts() }) };
  });

/** The pods Argo Rollouts keeps available: replicas − maxUnavailable (a percentage rounds down). */
function argoFloor(p: CanaryAppProps): number {
  const replicas = p.replicas ?? 3;
  const unavailable = p.rollingUpdate?.maxUnavailable ?? 0;
  return Math.max(0, replicas - (typeof unavailable === 'number' ? unavailable : Math.floor((Number(unavailable.slice(0, -1)) * replicas) / 100)));
}

function surgeOf(maxSurge: number | string, replicas: number): number {
  return typeof maxSurge === 'number' ? maxSurge : Math.ceil((Number(maxSurge.slice(0, -1)) * replicas) / 100);
}

/** Valid CanaryApp inputs: on phases, and a quarter on Argo Rollouts. */
export const validCanaryApp: fc.Arbitrary<Case<CanaryAppProps>> = fc.oneof({ arbitrary: onPhases, weight: 3 }, { arbitrary: onArgo, weight: 1 });

type Patch = Parameters<typeof invalid<CanaryAppProps>>[4];
const i = (title: string, field: string, expected: RegExp, patch: Patch): InvalidClass<CanaryAppProps> => invalid<CanaryAppProps>(validCanaryApp, title, field, expected, patch);

/** A plan from scratch on phases: replicas, capacity and steps, and nothing that depended on the old ones. */
const withPlan = (replicas: number, capacity: CapacityMode, stepList: unknown): Partial<CanaryAppProps> => ({
  engine: undefined,
  replicas,
  capacity,
  steps: stepList as CanaryStep[],
  minAvailable: undefined,
  disruptionBudget: undefined,
});
/** Ports with node ports, behind a Service that accepts them. */
const withNodePorts = (ports: unknown): Partial<CanaryAppProps> => ({ service: { type: ServiceType.NODE_PORT }, ports: ports as CanaryAppProps['ports'], readinessProbe: undefined, livenessProbe: undefined, startupProbe: undefined });

export const canaryAppInvalids: InvalidClass<CanaryAppProps>[] = [
  {
    title: 'props not an object',
    field: 'props',
    expected: /an object of CanaryAppProps/,
    cases: fc.tuple(dns1035Label(56), any(null, 'shop', 42, [])).map(([id, props]) => ({ id, props })),
  },
  i('misspelt prop', 'replica', /a property of CanaryAppProps: did you mean "replicas"\?/, () => ({ replica: 5 }) as Partial<CanaryAppProps>),
  i('unknown prop', 'hpa', /a property of CanaryAppProps: one of ports, /, () => ({ hpa: { max: 10 } }) as Partial<CanaryAppProps>),
  i('Argo Rollouts: a gate of the dark phase, which a basic canary does not have', 'gates.dark', /gates of canary steps only with Engine\.argoRollouts\(\): .*no dark step/, () => ({ rollingUpdate: undefined, engine: Engine.argoRollouts(), minAvailable: undefined, gates: { dark: [Gate.http()] } })),
  i('Argo Rollouts: a gate of promote, which the controller does by itself', 'gates.promote', /promotes by itself/, () => ({ rollingUpdate: undefined, engine: Engine.argoRollouts(), minAvailable: undefined, gates: { promote: [Gate.http()] } })),
  i('Argo Rollouts: canary pods on top that no weight gives', 'steps', /steps Argo Rollouts can run without a router/, () => ({ ...withPlan(3, CapacityMode.SURGE, [CanaryStep.replicas(2)]), gates: undefined, rollingUpdate: undefined, engine: Engine.argoRollouts() })),
  i('Argo Rollouts: a minimum above what the controller keeps', 'minAvailable', /at most 2, the pods Argo Rollouts keeps available/, () => ({ ...withPlan(4, CapacityMode.CONSTANT, undefined), gates: undefined, rollingUpdate: { maxSurge: 1, maxUnavailable: 2 }, minAvailable: 3, engine: Engine.argoRollouts() })),
  i('Argo Rollouts: an unknown option', 'engine.revisionHistory', /a property of ArgoRolloutsOptions/, () => ({ rollingUpdate: undefined, engine: Engine.argoRollouts({ revisionHistory: 2 } as never), minAvailable: undefined })),
  i('engine not an Engine', 'engine', /Engine\.phases\(\), Engine\.argoRollouts\(\) or Engine\.flagger\(\)/, () => any('argo', 'phases', 1, {}).map((engine) => ({ engine: engine as never }))),
  i('canaryConfig invalid', 'canaryConfig.files', /a file name/, () => ({ canaryConfig: { files: { 'a/b': 'x' } } })),
  i('an autoscaler, which pod-count shares cannot keep', 'autoscaling', /ratio of pod counts.*Traffic\.istio\(\)/, () => ({ autoscaling: { maxReplicas: 10 } }) as Partial<CanaryAppProps>),
  i('name not a DNS-1035 label short enough for its suffixes', 'name', /DNS-1035 label of at most 56 characters/, () => any('Shop', 'shop_app', '-shop', '6shop', 'shop.v2', '', 42, 'x'.repeat(57)).map((name) => ({ name }))),
  {
    title: 'construct id used as name but not a DNS-1035 label',
    field: 'name',
    expected: /defaults to the construct id/,
    cases: validCanaryApp.chain((c) => any('My Shop', 'Shop', 'shop_1', '1shop').map((id) => ({ id, props: { ...c.props, name: undefined } }))),
  },
  i('namespace not a DNS-1123 label', 'namespace', /DNS-1123 label of at most 63/, () => any('Prod', 'team.a', '', 'x'.repeat(64), 5, null).map((namespace) => ({ namespace }))),
  i('replicas not an integer from 1 to 10000', 'replicas', /integer from 1 to 10000/, () => any(0, -1, 2.5, NaN, Infinity, '3', null, 10001, 1e9).map((replicas) => ({ replicas }))),
  i('one replica with constant capacity', 'replicas', /at least 2 replicas with CapacityMode.CONSTANT/, () => withPlan(1, CapacityMode.CONSTANT, undefined)),
  i('unknown capacity mode', 'capacity', /one of "constant", "surge"/, () => any('CONSTANT', 'burst', 1, null).map((capacity) => ({ capacity }))),
  i('image not an image reference', 'stableImage', /an image reference such as/, () => any('Acme/Shop:1', 'acme/shop:', 'shop:1.0 ', '', 42, null, 'a//b:1', 'acme/shop@sha256:abc').map((stableImage) => ({ stableImage }))),
  i('image not pinned by tag or digest', 'canaryImage', /pinned by a tag or a digest/, () => repository().map((canaryImage) => ({ canaryImage }))),
  i('image tagged latest', 'stableImage', /other than "latest"/, () => repository().map((r) => ({ stableImage: `${r}:latest` }))),
  i('canary image equal to the stable image', 'canaryImage', /an image other than stableImage/, (p) => ({ canaryImage: p.stableImage, canaryConfig: undefined })),
  i('version not a non-empty label value', 'stableVersion', /label value/, () => any('1.0 beta', '-1', 'v1:2', 'x'.repeat(64), '', 42, null).map((stableVersion) => ({ stableVersion }))),
  i('image tag not usable as the default version label', 'stableVersion', /defaults to the tag of stableImage/, () => any('acme/shop:1.0-', 'acme/shop:_1', 'acme/shop:1.', `acme/shop:${'1'.repeat(64)}`).map((stableImage) => ({ stableImage, stableVersion: undefined, canaryVersion: 'next' }))),
  i('the same version label for both tracks', 'canaryVersion', /other than the stable one/, () => ({ stableVersion: 'v1', canaryVersion: 'v1' })),
  i('trackLabel not a label key', 'trackLabel', /a label key/, () => any('track label', '-x', 'a/b/c', '', 5).map((trackLabel) => ({ trackLabel }))),
  i('trackLabel a key the library sets', 'trackLabel', /a label key other than app.kubernetes.io\/name/, () => any(Labels.NAME, Labels.INSTANCE, Labels.VERSION, Labels.MANAGED_BY).map((trackLabel) => ({ trackLabel }))),
  i('pod label with the track label key', 'podLabels.release', /a label key the library does not set/, () => ({ trackLabel: 'release', podLabels: { release: 'beta' } })),
  i('service not an object', 'service', /an object such as/, () => any(null, 'lb', 42, []).map((service) => ({ service }))),
  i('misspelt service option', 'service.port', /a property of CanaryServiceOptions/, () => ({ service: { port: 80 } as never })),
  i('service name not a DNS-1035 label', 'service.name', /DNS-1035 label/, () => any('Shop', 'shop.lb', '', '80-lb', 'x'.repeat(64), 8).map((name) => ({ service: { name } }))),
  i("service name taken by the canary's preview Service", 'service.name', /the canary's preview Service/, () => ({ name: 'shop', service: { name: 'shop-canary' } })),
  i('unknown service type', 'service.type', /one of "ClusterIP", "NodePort", "LoadBalancer"/, () => any('nodeport', 'ExternalName', 3, null).map((type) => ({ service: { type } }))),
  i('nodePort on a ClusterIP Service', 'ports[0].nodePort', /no nodePort on a ClusterIP Service/, () => ({ service: undefined, ports: [{ containerPort: 80, nodePort: 30080 }], readinessProbe: undefined, livenessProbe: undefined, startupProbe: undefined })),
  i('nodePort outside 30000-32767', 'ports[0].nodePort', /integer from 30000 to 32767/, () => any(80, 29999, 32768, 1.5, '30080').map((nodePort) => withNodePorts([{ containerPort: 80, nodePort }]))),
  i('two ports with the same node port', 'ports[1].nodePort', /a node port not used by an earlier port/, () => withNodePorts([{ name: 'a', containerPort: 80, nodePort: 30080 }, { name: 'b', containerPort: 81, nodePort: 30080 }])),
  i('rollingUpdate not an object', 'rollingUpdate', /an object such as/, () => any(null, 1, 'fast', []).map((rollingUpdate) => ({ rollingUpdate }))),
  i('misspelt rollingUpdate option', 'rollingUpdate.maxSurges', /did you mean "maxSurge"\?/, () => ({ rollingUpdate: { maxSurges: 1 } as never })),
  i('maxSurge or maxUnavailable neither a count nor a percentage', 'rollingUpdate.maxSurge', /integer from 0 to 10000 or a percentage/, () => any(-1, 1.5, '25', '150%', ' 1%', NaN, null, 10001).map((maxSurge) => ({ rollingUpdate: { maxSurge } }))),
  i('rolling update that can neither add nor remove a pod', 'rollingUpdate.maxUnavailable', /above 0 when maxSurge is 0/, () => fc.tuple(any(0, '0%'), any(0, '0%')).map(([maxSurge, maxUnavailable]) => ({ rollingUpdate: { maxSurge, maxUnavailable } }))),
  i('minReadySeconds not an integer from 0 to 3600', 'rollingUpdate.minReadySeconds', /integer from 0 to 3600/, () => any(-1, 1.5, 3601, '10').map((minReadySeconds) => ({ rollingUpdate: { minReadySeconds } }))),
  i('minAvailable not from 1 to replicas', 'minAvailable', /integer from 1 to/, (p) => any(0, (p.replicas ?? 3) + 1, 1.5, '2', null).map((minAvailable) => ({ minAvailable }))),
  i('minAvailable above what the steps and the rolling update keep', 'minAvailable', /the fewest ready pods the production Service keeps/, () =>
    any(
      { ...withPlan(10, CapacityMode.CONSTANT, [CanaryStep.weight(10), CanaryStep.weight(50)]), minAvailable: 9 },
      { ...withPlan(4, CapacityMode.SURGE, [CanaryStep.replicas(1)]), stableVersion: 'v1', canaryVersion: 'v2', rollingUpdate: { maxUnavailable: '50%' }, minAvailable: 4 },
    )),
  i('steps empty or not a list', 'steps', /a non-empty list of canary steps/, () => any([], 'canary', {}, null, 5).map((steps) => ({ steps }))),
  i('more than 20 steps', 'steps', /at most 20 canary steps/, () => withPlan(100, CapacityMode.CONSTANT, Array.from({ length: 21 }, (_, k) => CanaryStep.replicas(k + 1)))),
  i('step not made with CanaryStep', 'steps[0]', /CanaryStep\.weight\(percent\) or CanaryStep\.replicas\(count\)/, () => any(10, '10%', { weight: 10 }, null).map((s) => ({ steps: [s] }))),
  i('weight not an integer from 1 to 99', 'steps[0].weight', /integer from 1 to 99/, () => any(0, 100, -5, 1.5, NaN, '10').map((w) => withPlan(10, CapacityMode.CONSTANT, [CanaryStep.weight(w)]))),
  i('weight that the replicas cannot realise exactly', 'steps[0].weight', /realise exactly by pod counts/, () =>
    fc
      .tuple(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 99 }), any(CapacityMode.CONSTANT, CapacityMode.SURGE))
      .filter(([n, w, c]) => (n * w) % (c === CapacityMode.CONSTANT ? 100 : 100 - w) !== 0)
      .map(([n, w, c]) => withPlan(n, c, [CanaryStep.weight(w)]))),
  i('canary pods that leave no stable pod', 'steps[0].replicas', /integer from 1 to/, () => fc.integer({ min: 2, max: 50 }).chain((n) => fc.integer({ min: n, max: n + 5 }).map((c) => withPlan(n, CapacityMode.CONSTANT, [CanaryStep.replicas(c)])))),
  i('more than 10000 canary pods', 'steps[0].replicas', /integer from 1 to 10000/, () => withPlan(10, CapacityMode.SURGE, [CanaryStep.replicas(10001)])),
  i('weight needing more than 10000 canary pods', 'steps[0].weight', /at most 10000 canary pods/, () => withPlan(200, CapacityMode.SURGE, [CanaryStep.weight(99)])),
  i('steps not growing', 'steps[1]', /more canary pods than the step before it/, () => any([50, 20], [20, 20], [30, 10]).map(([a, b]) => withPlan(10, CapacityMode.CONSTANT, [CanaryStep.weight(a), CanaryStep.weight(b)]))),
  i('steps whose shares round to the same phase name', 'steps[1]', /a step whose share differs from the other steps/, () => withPlan(300, CapacityMode.CONSTANT, [CanaryStep.replicas(1), CanaryStep.replicas(2)])),
  i('disruptionBudget not made with DisruptionBudget', 'disruptionBudget', /DisruptionBudget\.maxUnavailable\(n\)/, () => any(1, 'maxUnavailable', { maxUnavailable: 1 }, null).map((disruptionBudget) => ({ disruptionBudget }))),
  i('disruption budget of zero', 'disruptionBudget.maxUnavailable', /above 0: a budget of 0 forbids every eviction/, () => any(0, '0%').map((x) => ({ disruptionBudget: DisruptionBudget.maxUnavailable(x) }))),
  i('disruption budget neither a count nor a percentage', 'disruptionBudget.maxUnavailable', /a pod count .* or a percentage/, () => any(-1, 1.5, '10', '101%', null).map((x) => ({ disruptionBudget: DisruptionBudget.maxUnavailable(x) }))),
  i('disruption budget that would block every drain', 'disruptionBudget.minAvailable', /fewer pods than the track's fewest in any phase/, () => any(2, 3, '100%', '70%').map((x) => ({ ...withPlan(3, CapacityMode.CONSTANT, [CanaryStep.replicas(1)]), disruptionBudget: DisruptionBudget.minAvailable(x) }))),
  // The track label is left at its default, so that messages listing reserved pod labels are the usual ones.
  ...containerOptionClasses(validCanaryApp, '', (p) => p, (p, o) => ({ ...p, ...o, trackLabel: o.podLabels === p.podLabels ? p.trackLabel : undefined })),
];

export const canaryAppSpec: ConstructSpec<CanaryAppProps> = {
  name: 'CanaryApp',
  valid: validCanaryApp,
  invalid: [...canaryAppInvalids, ...gateInvalids(ungatedCanaryApp, buildCanaryApp, 'dark'), ...flaggerInvalids(validCanaryApp)],
  build: buildCanaryApp,
};
