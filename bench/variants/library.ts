import { App } from 'cdk8s';
import { CanaryApp, CanaryStep, CapacityMode, ContainerOptions, Engine, Drain, EnvValue, Probe, renderApp, ServiceType, TopologySpread, Traffic, Volume, writeAtomically } from '../../lib';
import { Written } from '../output';
import { AppSpec } from '../workload';

/** The pod of every application, the same for the canary and the gateway workload. */
export function podOptions(spec: AppSpec): ContainerOptions {
  return {
    readinessProbe: Probe.httpGet(spec.readinessPath),
    env: Object.fromEntries(spec.env.map((e) => [e.name, e.secret ? EnvValue.fromSecret(e.secret.name, e.secret.key) : EnvValue.fromValue(e.value!)])),
    serviceAccountName: spec.serviceAccount,
    imagePullSecrets: [spec.pullSecret],
    podAnnotations: spec.podAnnotations,
    drain: Drain.sleep(spec.drainSeconds),
    topologySpread: TopologySpread.acrossNodesAndZones(),
    volumes: { cache: Volume.emptyDir({ sizeLimit: spec.cacheSize }) },
    mounts: [{ volume: 'cache', path: `/var/cache/${spec.name}` }],
  };
}

/** (a) this library: one CanaryApp per application, written by `synthesize`. */
export function defineCanaryApp(app: App, spec: AppSpec, engine?: Engine): CanaryApp {
  // Flagger shifts whole percents of a router's traffic, and each must be a share of the pods:
  // 3 replicas (33.3%) become 4, and the steps are the shares below 100% of the pods they name.
  const flagger = engine?.kind === 'flagger';
  const replicas = flagger && 100 % spec.replicas !== 0 ? spec.replicas + 1 : spec.replicas;
  const steps = flagger
    ? spec.steps.filter((c) => c < replicas).map((c) => CanaryStep.weight((100 * c) / replicas))
    : spec.steps.map((c) => CanaryStep.replicas(c));
  return new CanaryApp(app, spec.name, {
    stableImage: spec.stableImage,
    canaryImage: spec.canaryImage,
    replicas,
    // Argo Rollouts realises surge steps of more than one pod by no weight: the same steps at constant capacity.
    capacity: spec.capacity === 'constant' || engine ? CapacityMode.CONSTANT : CapacityMode.SURGE,
    steps,
    ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, servicePort: p.servicePort })),
    // Flagger writes a ClusterIP Service itself; the app is exposed through the router.
    service: { type: spec.serviceType === 'NodePort' && engine?.kind !== 'flagger' ? ServiceType.NODE_PORT : ServiceType.CLUSTER_IP },
    ...podOptions(spec),
    engine,
  });
}

/** (a) of the canary workload. */
export function runLibrary(specs: readonly AppSpec[], outdir: string): Written {
  return synthesizeApps(specs, outdir, (app, spec) => defineCanaryApp(app, spec));
}

/** (a) of the canary workload on Argo Rollouts: a Rollout and its folders stable, release, rollback per application. */
export function runArgoLibrary(specs: readonly AppSpec[], outdir: string): Written {
  const argo = Engine.argoRollouts();
  return synthesizeApps(specs, outdir, (app, spec) => defineCanaryApp(app, spec, argo));
}

/** One release per application, then `synthesize(app, outdir)` in its two steps, to time the writing apart. */
export function synthesizeApps(specs: readonly AppSpec[], outdir: string, define: (app: App, spec: AppSpec) => unknown): Written {
  const app = new App({ outdir });
  for (const spec of specs) define(app, spec);
  const files = renderApp(app);
  const start = performance.now();
  writeAtomically(outdir, files);
  return { files: files.length, writeMs: performance.now() - start };
}

/** Where the steps' confirm-promotion webhooks go: the workload has no gates, a person promotes. */
const FLAGGER_LOADTESTER = 'http://flagger-loadtester.test/';

/** (a) of the canary workload on Flagger behind ingress-nginx: a Deployment and a Canary, folders stable, release, rollback per application. */
export function runFlaggerLibrary(specs: readonly AppSpec[], outdir: string): Written {
  return synthesizeApps(specs, outdir, (app, spec) => defineCanaryApp(app, spec, Engine.flagger({ provider: Traffic.nginx({ host: `${spec.name}.example.com` }), loadtesterUrl: FLAGGER_LOADTESTER })));
}
