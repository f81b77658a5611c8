import { Construct } from 'constructs';
import { GatewayPhase } from '../model/gateway-phase';
import { Checks, isDnsLabel, isPlainObject, keysOf, orDefault } from '../model/checks';
import { GatewayPlan, gatewayTransitionFloors, planGateway, routedVersions } from '../model/gateway-plan';
import { parseImage } from '../model/image';
import { Labels, pruneSelector, releaseLabels } from '../model/labels';
import { Limits } from '../model/limits';
import { versionNameSuffix } from '../model/image';
import { DeclaredRelease, DeclaredRoute } from '../model/release';
import { TrafficRouter, TrafficTarget } from '../traffic/provider';
import { Traffic } from '../traffic/traffic';
import { Engine, resolveEngine } from '../engine/engine';
import { EngineDeclaration } from '../engine/argo-rollouts/canary-rollout';
import { renderGatewayOnArgo } from '../engine/argo-rollouts/gateway-rollout';
import { refuseWithoutRouter } from '../engine/argo-rollouts/traffic-routing';
import { renderGatewayOnFlagger } from '../engine/flagger/gateway';
import { ContainerOptions } from './container-options';
import { PhaseGates } from './gate';
import { PhaseGateSet, withGates } from './phase-gates';
import { PhasedRelease } from './phased-release';
import { renderConfigMaps } from './released-config';
import { AutoscalingOptions, renderAutoscaler, resolveAutoscaling, ResolvedAutoscaling } from './autoscaling';
import { exposureProp, ServiceExposureOptions } from './service-exposure';
import { CONTAINER_OPTION_KEYS, PodBlueprint, RESERVED_POD_LABELS, ResolvedPort } from './pod-blueprint';
import { RollingUpdateOptions, renderDeployment, resolveRollingUpdate, ServiceType } from './workload';

/** One version of a Gateway: a Deployment `<name>-<version>` of its own. */
export interface GatewayVersionOptions extends ContainerOptions {
  /** The image of this version, pinned by tag or digest. */
  readonly image: string;
  /** Pods of this version, unless a phase says otherwise (`withReplicas`). @default 2 */
  readonly replicas?: number;
  /** The version's autoscaler, instead of the Gateway's. @default - the Gateway's autoscaling */
  readonly autoscaling?: AutoscalingOptions;
}

export interface GatewayProps extends ContainerOptions {
  /**
   * Name of the application and of its address: value of `app.kubernetes.io/name`, prefix
   * of the Deployments, name of the Services and, unless the provider's `routeName` says
   * otherwise, of the VirtualService, HTTPRoute or Ingress. The release (folder in dist/,
   * `app.kubernetes.io/instance`) is the construct id.
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - no namespace in the manifests (kubectl's current one) */
  readonly namespace?: string;
  /** Port of the address. @default - the service port of the first container port */
  readonly port?: number;
  /** Type of the address Service (service and istio providers). @default ServiceType.CLUSTER_IP */
  readonly serviceType?: ServiceType;
  /**
   * Annotations and load balancer fields of the address Service: service and istio
   * providers only (with gateway-api and nginx the address is the HTTPRoute or Ingress).
   * @default - none
   */
  readonly addressService?: ServiceExposureOptions;
  /** @default Traffic.service() */
  readonly provider?: Traffic;
  /**
   * The versions, by the value of their version label, e.g. `{ '1.0.3': { image } }`. The
   * options of a version replace the Gateway's own (ports, env, probes...) for it; one
   * set to undefined keeps the Gateway's. A node port is set on the Gateway's first port only.
   * Numeric-looking keys ('1', '2') are ordered numerically by JavaScript.
   */
  readonly versions: { [version: string]: GatewayVersionOptions };
  /** The phases, in the order a pipeline applies them. */
  readonly phases: GatewayPhase[];
  /**
   * Key of the label that tells versions apart: part of each Deployment's selector, and
   * what subsets and per-version Services select. Pods also carry `app.kubernetes.io/version`.
   * @default 'version'
   */
  readonly versionLabel?: string;
  /** @default RollingUpdateOptions defaults: maxSurge 1, maxUnavailable 0 */
  readonly rollingUpdate?: RollingUpdateOptions;
  /**
   * A HorizontalPodAutoscaler for the Deployment of every version (see AutoscalingOptions):
   * its minReplicas defaults to the version's replicas, and `.withReplicas` in a phase
   * raises that phase's minimum instead of setting a count. The Deployments then set no
   * `spec.replicas`. Behind a router (istio, gatewayApi, nginx) each version scales alone;
   * with Traffic.service() a phase that releases several versions shares requests by pod
   * counts, and is refused.
   * @default - no autoscaler: each version runs its replicas
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The fewest ready pods behind the address at any moment, checked by the verifier.
   * @default 1
   */
  readonly minAvailable?: number;
  /**
   * Checks a pipeline waits for before it leaves a phase, by phase name. The versions
   * under test are those the phase deploys that the first phase does not route to (all
   * it deploys in the phases that deploy no other). An HTTP gate requests the Service
   * of the first of them when the provider renders one per version, else the address.
   * @default - no gates
   */
  readonly gates?: PhaseGates;
  /**
   * Who walks the phases: a pipeline applying one folder per phase, or the Argo Rollouts
   * controller (one `Rollout` whose canary steps are the phases between the first and the
   * last, routed by the provider's router, gates as `AnalysisTemplate`s; written as the
   * folders `stable`, `release` and `rollback`; when every phase sends every request to
   * one version, a blue-green Rollout instead: the dark phase as its preview, gates as pre-
   * and post-promotion analysis, see docs/engines.md), or Flagger (one Deployment and a
   * `Canary` whose `stepWeights` are the shares of those phases, or whose `match` is their
   * one route by conditions, through the provider's router; gates as MetricTemplates and
   * webhooks). On either a Gateway releases one version after another: two versions, the
   * first phase runs the stable one alone and the last sends every request to the new one.
   * @default Engine.phases()
   */
  readonly engine?: Engine;
}

const DEFAULT_VERSION_LABEL = 'version';
const NGINX_CANARY_SUFFIX = '-canary';

const GATEWAY_KEYS = [
  ...CONTAINER_OPTION_KEYS,
  ...keysOf<Omit<GatewayProps, keyof ContainerOptions>>({
    name: true,
    namespace: true,
    port: true,
    serviceType: true,
    addressService: true,
    provider: true,
    versions: true,
    phases: true,
    versionLabel: true,
    rollingUpdate: true,
    autoscaling: true,
    minAvailable: true,
    gates: true,
    engine: true,
  }),
];
const VERSION_KEYS = [...CONTAINER_OPTION_KEYS, ...keysOf<Omit<GatewayVersionOptions, keyof ContainerOptions>>({ image: true, replicas: true, autoscaling: true })];

/**
 * One stable address in front of versioned backends: one Deployment per version
 * (`sava-product-1-0-3`, `front-end-v2`), each deployed before it is released, and
 * phases that route requests to them by weight and by request conditions, through a
 * plain Service, Istio, the Gateway API or ingress-nginx.
 */
export class Gateway extends PhasedRelease {
  /** Name of the release: the construct id. */
  public readonly releaseName: string;
  /** Name of the address and of the application. */
  public readonly appName: string;
  public readonly plan: GatewayPlan;
  private readonly provider: Traffic;
  private readonly router: TrafficRouter;
  private readonly namespace?: string;
  private readonly minAvailable: number;
  private readonly routes = new Map<string, DeclaredRoute[]>();
  private readonly gates: PhaseGateSet;
  private readonly engine: Engine;
  private readonly onEngine?: EngineDeclaration;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const check = this.check;
    check.object('props', props, 'an object of GatewayProps');
    check.knownKeys('', props, GATEWAY_KEYS, 'GatewayProps');
    this.releaseName = check.dnsLabel('id', id, 63, ' (the construct id names the release)');
    // The name begins the name of every Service (the address, or one per version): a DNS-1035 label.
    const name = (this.appName = check.dns1035Label('name', orDefault(props.name, id), 63 - NGINX_CANARY_SUFFIX.length, ' (ingress-nginx\'s canary Ingress appends "-canary"; it defaults to the construct id)'));
    this.namespace = props.namespace === undefined ? undefined : check.dnsLabel('namespace', props.namespace);
    const versionLabel = check.labelKey('versionLabel', orDefault(props.versionLabel, DEFAULT_VERSION_LABEL));
    if (RESERVED_POD_LABELS.includes(versionLabel)) check.fail('versionLabel', versionLabel, `a label key other than ${RESERVED_POD_LABELS.join(', ')}, which the library sets itself`);
    const serviceType = check.oneOf('serviceType', orDefault(props.serviceType, ServiceType.CLUSTER_IP), Object.values(ServiceType));
    const rollingUpdate = resolveRollingUpdate(check, 'rollingUpdate', props.rollingUpdate);
    this.engine = resolveEngine(check, 'engine', props.engine);
    // On Flagger the Gateway's provider is the router Flagger drives; the engine may name it instead.
    const flagger = this.engine.kind === 'flagger' ? this.engine._flagger(check, 'engine', props.provider === undefined ? undefined : { field: 'provider', provider: props.provider }) : undefined;
    const provider = (this.provider = orDefault(props.provider, flagger?.provider ?? Traffic.service()));
    if (!(provider instanceof Traffic)) check.fail('provider', provider, 'Traffic.service(), Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx()');
    if (serviceType !== ServiceType.CLUSTER_IP && (provider.kind === 'gateway-api' || provider.kind === 'nginx')) {
      check.fail('serviceType', serviceType, `ServiceType.CLUSTER_IP: with the ${provider.kind} provider the address is the ${provider.kind === 'nginx' ? 'Ingress' : 'HTTPRoute'}, and the per-version Services stay inside the cluster`);
    }

    if (props.addressService !== undefined && (provider.kind === 'gateway-api' || provider.kind === 'nginx')) {
      check.fail('addressService', props.addressService, `no addressService with the ${provider.kind} provider: its address is the ${provider.kind === 'nginx' ? 'Ingress' : 'HTTPRoute'}, whose controller's Service is configured where it is installed`);
    }

    // The shared options are checked once on their own, so that their errors name the shared field.
    const shared = new PodBlueprint(check, name, props, '', [versionLabel]);
    checkNodePorts(check, 'ports', shared.ports, false);
    const versions = this.resolveVersions(props, name, shared, versionLabel);
    const first = versions[0];
    const port: ResolvedPort = { ...first.blueprint.ports[0], servicePort: check.integer('port', orDefault(props.port, first.blueprint.ports[0].servicePort), 1, 65535) };
    if (serviceType === ServiceType.CLUSTER_IP && port.nodePort !== undefined) {
      check.fail('ports[0].nodePort', port.nodePort, 'no nodePort on a ClusterIP Service (set serviceType to NODE_PORT or LOAD_BALANCER)');
    }
    if (provider.kind !== 'service' && port.protocol !== 'TCP') {
      check.fail('ports[0].protocol', port.protocol, `"TCP": the ${provider.kind} provider routes HTTP requests, which the address's port must carry`);
    }

    if (this.engine.kind === 'argo-rollouts' && provider.kind === 'service') refuseWithoutRouter(check, provider);

    const objectLabels = { [Labels.NAME]: name, ...releaseLabels(this.releaseName) };
    const target: TrafficTarget = {
      check,
      name,
      namespace: this.namespace,
      labels: objectLabels,
      appSelector: { [Labels.NAME]: name },
      versionLabel,
      port,
      serviceType,
      exposure: exposureProp(check, 'addressService', props.addressService, serviceType),
    };
    this.router = provider._bind(target);
    this.plan = planGateway(check, versions.map((v) => ({ ...v, replicas: v.autoscaling?.minReplicas ?? v.replicas })), props.phases);
    checkAutoscaledPhases(check, this.plan, versions, provider.kind);
    for (const phase of this.plan.phases) this.routes.set(phase.name, this.router.realise(phase));

    this.minAvailable = check.integer('minAvailable', orDefault(props.minAvailable, 1), 1, Limits.MAX_REPLICAS);
    for (const phase of this.plan.phases) {
      const routed = routedVersions(phase);
      const pods = phase.deployed.filter((d) => routed.has(d.version)).reduce((n, d) => n + d.replicas, 0);
      if (pods < this.minAvailable) check.fail('minAvailable', this.minAvailable, `at most ${pods}, the pods that receive requests in phase "${phase.name}"`);
    }
    for (const t of gatewayTransitionFloors(this.plan)) {
      if (t.least < this.minAvailable) {
        check.fail(
          'minAvailable',
          this.minAvailable,
          `at most ${t.least}, the ready pods receiving requests during ${t.from} → ${t.to}: routes switch at once, while the pods "${t.to}" adds start unready (raise those versions' pods one phase earlier with .withReplicas)`,
        );
      }
    }

    this.gates = new PhaseGateSet(check, 'gates', props.gates, this.plan.phases.map((p) => p.name));
    const addPhase = (phase: string) => this.addPhase(this.releaseName, phase, this.namespace);
    const common = { check, release: this.releaseName, target, provider, plan: this.plan, versions, rollingUpdate, gates: this.gates, minAvailable: this.minAvailable };
    if (flagger) {
      this.onEngine = renderGatewayOnFlagger({ ...common, options: flagger, routesOf: (phase) => this.routes.get(phase)! }, addPhase);
      return;
    }
    if (this.engine.kind === 'argo-rollouts') {
      this.onEngine = renderGatewayOnArgo({ ...common, options: this.engine._argoRollouts(check, 'engine') }, addPhase);
      return;
    }
    const released = routedVersions(this.plan.phases[0]);
    const byVersion = new Map(versions.map((v) => [v.version, v]));
    for (const phase of this.plan.phases) {
      const chart = this.addPhase(this.releaseName, phase.name, this.namespace);
      for (const d of phase.deployed) {
        const v = byVersion.get(d.version)!;
        const versionLabels = { [Labels.VERSION]: d.version, [versionLabel]: d.version };
        renderConfigMaps(chart, v.blueprint.config, { namespace: this.namespace, labels: objectLabels });
        // The same in every phase: a Deployment runs one version for its whole life.
        const selector = { [Labels.NAME]: name, [versionLabel]: d.version };
        renderDeployment(chart, `deployment-${d.slug}`, {
          name: `${name}-${d.slug}`,
          namespace: this.namespace,
          labels: { ...objectLabels, ...versionLabels },
          selector,
          podLabels: { ...v.blueprint.podLabels, ...objectLabels, ...versionLabels },
          podAnnotations: v.blueprint.podAnnotations,
          specOverrides: v.blueprint.overrides.deployment,
          // An autoscaler sets the count: a replicas field would reset it on every apply.
          replicas: v.autoscaling ? undefined : d.replicas,
          rollingUpdate,
          podSpec: v.blueprint.podSpec(v.image, selector),
        });
        if (v.autoscaling) {
          renderAutoscaler(chart, `autoscaler-${d.slug}`, {
            name: `${name}-${d.slug}`,
            namespace: this.namespace,
            labels: { ...objectLabels, ...versionLabels },
            deployment: `${name}-${d.slug}`,
            minReplicas: d.replicas,
            autoscaling: v.autoscaling,
          });
        }
      }
      this.router.render(chart, phase);
      const fresh = phase.deployed.filter((d) => !released.has(d.version));
      const tested = fresh.length ? fresh : phase.deployed;
      this.gates.render(chart, {
        release: this.releaseName,
        namespace: this.namespace,
        phase: phase.name,
        prefix: name,
        versions: tested.map((d) => ({ version: d.version })),
        placeholders: { app: name, service: name },
        defaultServices: [`${name}-${tested[0].slug}`, name],
      });
    }
  }

  protected declare(): Omit<DeclaredRelease, 'pruneAllowlist'> {
    const head = {
      apiVersion: 'cdk8s-canary/v1' as const,
      release: this.releaseName,
      strategy: 'gateway' as const,
      provider: this.provider.kind,
      namespace: this.namespace,
      pruneSelector: pruneSelector(this.releaseName),
    };
    if (this.onEngine) return { ...head, engine: this.engine.kind === 'flagger' ? 'flagger' : 'argo-rollouts', ...this.onEngine };
    return {
      ...head,
      phases: this.plan.phases.map((p) => ({
        name: p.name,
        description: p.description,
        addresses: [{ name: this.router.address, minAvailable: this.minAvailable, routes: this.routes.get(p.name)! }],
        ...withGates(this.gates.declaredFor(p.name)),
      })),
      transitions: this.plan.transitions,
    };
  }

  private resolveVersions(props: GatewayProps, name: string, shared: PodBlueprint, versionLabel: string) {
    const sharedPort = shared.ports[0];
    const check = this.check;
    const given = props.versions;
    if (!isPlainObject(given) || Object.keys(given).length === 0) {
      check.fail('versions', given, 'at least one version, e.g. { "1.0.3": { image: "vampio/sava-product:1.0.3" } }');
    }
    const bySlug = new Map<string, string>();
    const byImage = new Map<string, string>();
    return Object.entries(given).map(([version, raw]) => {
      const field = `versions.${version}`;
      if (version === '') check.fail('versions key', version, 'a non-empty version name');
      check.labelValue('versions key', version);
      const options = check.object(field, raw, 'the options of the version, at least { image }') as unknown as GatewayVersionOptions;
      check.knownKeys(field, options, VERSION_KEYS, 'GatewayVersionOptions');
      const slug = versionNameSuffix(version);
      if (!isDnsLabel(`${name}-${slug}`)) {
        check.fail('versions key', version, `a version that gives a valid object name ${name}-<version> (at most 63 characters; letters, digits, '-', '.' or '_', starting and ending with a letter or digit)`);
      }
      const clash = bySlug.get(slug);
      if (clash !== undefined) check.fail(field, version, `a version whose object name differs from that of ${JSON.stringify(clash)} (both would be ${name}-${slug})`);
      bySlug.set(slug, version);
      const image = parseImage(check, `${field}.image`, options.image);
      const sameImage = byImage.get(image.reference);
      if (sameImage !== undefined) check.fail(`${field}.image`, options.image, `an image other than that of version ${JSON.stringify(sameImage)}`);
      byImage.set(image.reference, version);
      const replicas = check.integer(`${field}.replicas`, orDefault(options.replicas, 2), 1, Limits.MAX_REPLICAS);
      const autoscalingGiven = options.autoscaling ?? props.autoscaling;
      const autoscalingField = options.autoscaling === undefined ? 'autoscaling' : `${field}.autoscaling`;
      const autoscaling = autoscalingGiven === undefined ? undefined : resolveAutoscaling(check, autoscalingField, autoscalingGiven, replicas);
      // A version's options replace the Gateway's; one left undefined keeps the Gateway's.
      // A version without options of its own runs the Gateway's pod, already checked and built.
      const own = definedOnly(options) as ContainerOptions;
      const blueprint = CONTAINER_OPTION_KEYS.some((k) => k in own) ? new PodBlueprint(check, name, { ...props, ...own }, field, [versionLabel]) : shared;
      const port = blueprint.ports[0];
      if (port.name !== sharedPort.name) {
        check.fail(`${field}.ports[0].name`, port.name, `${JSON.stringify(sharedPort.name)}, the name of the Gateway's first port: the address targets its port by name in every version`);
      }
      if (port.protocol !== sharedPort.protocol) {
        check.fail(`${field}.ports[0].protocol`, port.protocol, `${JSON.stringify(sharedPort.protocol)}, the protocol of the Gateway's first port: the address has one port for every version`);
      }
      if (options.ports !== undefined) checkNodePorts(check, `${field}.ports`, blueprint.ports, true);
      return { version, slug, replicas, image: image.reference, blueprint, autoscaling, autoscalingField };
    });
  }
}

/**
 * An autoscaled version's phases: `.withReplicas` raises the minimum to at most the
 * maximum, and a Service that shares requests by pod counts never spreads over an
 * autoscaled version and another, whose counts the autoscalers would change at will.
 */
function checkAutoscaledPhases(check: Checks, plan: GatewayPlan, versions: ReadonlyArray<{ version: string; autoscalingField: string; autoscaling?: ResolvedAutoscaling }>, provider: string): void {
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  for (const phase of plan.phases) {
    for (const d of phase.deployed) {
      const a = byVersion.get(d.version)!.autoscaling;
      if (a && d.replicas > a.maxReplicas) check.fail(`${phase.field}.replicas.${d.version}`, d.replicas, `at most ${a.maxReplicas}, the maxReplicas of ${d.version}'s autoscaler (withReplicas raises its minimum in this phase)`);
    }
    const released = routedVersions(phase);
    const scaled = [...released].filter((v) => byVersion.get(v)!.autoscaling);
    if (provider === 'service' && released.size > 1 && scaled.length) {
      check.fail(
        byVersion.get(scaled[0])!.autoscalingField,
        phase.name,
        `no autoscaler on a version that shares the Service with another in phase "${phase.name}": Traffic.service() splits requests by pod counts, which each autoscaler changes alone, so the declared weights would not hold; ` +
          'route with Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx() (weights independent of pod counts), or release one version at a time',
      );
    }
  }
}

/** The props without those set to undefined, which mean "left out". */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The address exposes the first port, with one node port for every version: a node
 * port anywhere else would be dropped without a word.
 */
function checkNodePorts(check: Checks, field: string, ports: readonly ResolvedPort[], ofVersion: boolean): void {
  ports.forEach((p, k) => {
    if (k > 0 && p.nodePort !== undefined) check.fail(`${field}[${k}].nodePort`, p.nodePort, 'no nodePort on a port after the first: the address exposes the first port only');
  });
  if (ofVersion && ports[0].nodePort !== undefined) {
    check.fail(`${field}[0].nodePort`, ports[0].nodePort, "no nodePort on a version's port: the address has one port for every version, set it in the Gateway's ports");
  }
}
