import { Construct } from 'constructs';
import { GatewayPhase } from '../model/gateway-phase';
import { isDnsLabel } from '../model/checks';
import { GatewayPlan, planGateway, routedVersions } from '../model/gateway-plan';
import { parseImage } from '../model/image';
import { Labels, pruneSelector, releaseLabels } from '../model/labels';
import { DeclaredRelease, DeclaredRoute } from '../model/release';
import { TrafficRouter, TrafficTarget } from '../traffic/provider';
import { Traffic } from '../traffic/traffic';
import { ContainerOptions } from './container-options';
import { PhasedRelease } from './phased-release';
import { PodBlueprint, ResolvedPort } from './pod-blueprint';
import { RollingUpdateOptions, renderDeployment, resolveRollingUpdate, ServiceType } from './workload';

/** One version of a Gateway: a Deployment `<name>-<version>` of its own. */
export interface GatewayVersionOptions extends ContainerOptions {
  /** The image of this version, pinned by tag or digest. */
  readonly image: string;
  /** Pods of this version, unless a phase says otherwise (`withReplicas`). @default 2 */
  readonly replicas?: number;
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
  /** @default Traffic.service() */
  readonly provider?: Traffic;
  /**
   * The versions, by the value of their version label, e.g. `{ '1.0.3': { image } }`. The
   * options of a version replace the Gateway's own (ports, env, probes...) for it.
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
   * The fewest ready pods behind the address at any moment, checked by the verifier.
   * @default 1
   */
  readonly minAvailable?: number;
}

const DEFAULT_VERSION_LABEL = 'version';

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

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const check = this.check;
    this.releaseName = check.dnsLabel('id', id);
    const name = (this.appName = check.dnsLabel('name', props.name ?? id, 63 - '-canary'.length));
    this.namespace = props.namespace === undefined ? undefined : check.dnsLabel('namespace', props.namespace);
    const versionLabel = check.labelKey('versionLabel', props.versionLabel ?? DEFAULT_VERSION_LABEL);
    const serviceType = check.oneOf('serviceType', props.serviceType ?? ServiceType.CLUSTER_IP, Object.values(ServiceType));
    const rollingUpdate = resolveRollingUpdate(check, 'rollingUpdate', props.rollingUpdate);
    const provider = (this.provider = props.provider ?? Traffic.service());
    if (!(provider instanceof Traffic)) check.fail('provider', provider, 'Traffic.service(), Traffic.istio(), Traffic.gatewayApi() or Traffic.nginx()');
    if (serviceType !== ServiceType.CLUSTER_IP && (provider.kind === 'gateway-api' || provider.kind === 'nginx')) {
      check.fail('serviceType', serviceType, `ServiceType.CLUSTER_IP: with the ${provider.kind} provider the address is the ${provider.kind === 'nginx' ? 'Ingress' : 'HTTPRoute'}, and the per-version Services stay inside the cluster`);
    }

    // The shared options are checked once on their own, so that their errors name the shared field.
    const shared = new PodBlueprint(check, name, props);
    const versions = this.resolveVersions(props, name, shared.ports[0]);
    const first = versions[0];
    const port: ResolvedPort = { ...first.blueprint.ports[0], servicePort: check.integer('port', props.port ?? first.blueprint.ports[0].servicePort, 1, 65535) };
    if (serviceType === ServiceType.CLUSTER_IP && port.nodePort !== undefined) {
      check.fail('ports[0].nodePort', port.nodePort, 'no nodePort on a ClusterIP Service (set serviceType to NODE_PORT or LOAD_BALANCER)');
    }

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
    };
    this.router = provider._bind(target);
    this.plan = planGateway(check, versions, props.phases);
    for (const phase of this.plan.phases) this.routes.set(phase.name, this.router.realise(phase));

    this.minAvailable = check.integer('minAvailable', props.minAvailable ?? 1, 1);
    for (const phase of this.plan.phases) {
      const routed = routedVersions(phase);
      const pods = phase.deployed.filter((d) => routed.has(d.version)).reduce((n, d) => n + d.replicas, 0);
      if (pods < this.minAvailable) check.fail('minAvailable', this.minAvailable, `at most ${pods}, the pods that receive requests in phase "${phase.name}"`);
    }

    const byVersion = new Map(versions.map((v) => [v.version, v]));
    for (const phase of this.plan.phases) {
      const chart = this.addPhase(this.releaseName, phase.name, this.namespace);
      for (const d of phase.deployed) {
        const v = byVersion.get(d.version)!;
        const versionLabels = { [Labels.VERSION]: d.version, [versionLabel]: d.version };
        renderDeployment(chart, `deployment-${d.slug}`, {
          name: `${name}-${d.slug}`,
          namespace: this.namespace,
          labels: { ...objectLabels, ...versionLabels },
          // The same in every phase: a Deployment runs one version for its whole life.
          selector: { [Labels.NAME]: name, [versionLabel]: d.version },
          podLabels: { ...v.podLabels, ...objectLabels, ...versionLabels },
          replicas: d.replicas,
          rollingUpdate,
          podSpec: v.blueprint.podSpec(v.image),
        });
      }
      this.router.render(chart, phase);
    }
  }

  protected declare(): Omit<DeclaredRelease, 'pruneAllowlist'> {
    return {
      apiVersion: 'cdk8s-canary/v1',
      release: this.releaseName,
      strategy: 'gateway',
      provider: this.provider.kind,
      namespace: this.namespace,
      pruneSelector: pruneSelector(this.releaseName),
      phases: this.plan.phases.map((p) => ({
        name: p.name,
        description: p.description,
        addresses: [{ name: this.router.address, minAvailable: this.minAvailable, routes: this.routes.get(p.name)! }],
      })),
      transitions: this.plan.transitions,
    };
  }

  private resolveVersions(props: GatewayProps, name: string, sharedPort: ResolvedPort) {
    const check = this.check;
    const given = props.versions;
    if (typeof given !== 'object' || given === null || Array.isArray(given) || Object.keys(given).length === 0) {
      check.fail('versions', given, 'at least one version, e.g. { "1.0.3": { image: "vampio/sava-product:1.0.3" } }');
    }
    const bySlug = new Map<string, string>();
    const byImage = new Map<string, string>();
    return Object.entries(given).map(([version, options]) => {
      const field = `versions.${version}`;
      if (version === '') check.fail('versions key', version, 'a non-empty version name');
      check.labelValue('versions key', version);
      if (typeof options !== 'object' || options === null) check.fail(field, options, 'the options of the version, at least { image }');
      const slug = version.toLowerCase().replace(/[._]/g, '-');
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
      const replicas = check.integer(`${field}.replicas`, options.replicas ?? 2, 1);
      const merged: ContainerOptions = { ...props, ...options };
      const blueprint = new PodBlueprint(check, name, merged, field);
      if (blueprint.ports[0].name !== sharedPort.name) {
        check.fail(`${field}.ports[0].name`, blueprint.ports[0].name, `${JSON.stringify(sharedPort.name)}, the name of the Gateway's first port: the address targets its port by name in every version`);
      }
      const podLabels = check.labels(`${field}.podLabels`, merged.podLabels);
      return { version, slug, replicas, image: image.reference, blueprint, podLabels };
    });
  }
}
