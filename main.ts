import { App } from 'cdk8s';
import { CanaryApp, CanaryStep, CapacityMode, CleanupMode, EnvValue, PodField, Probe, ReleaseInputs, runApp, ServiceType, StagedRelease, StageStrategy } from './lib';

/**
 * The releases of the examples. Images come from environment variables (set by CI,
 * e.g. ADDRESSBOOK_CANARY_IMAGE) or else from releases.json.
 */
export function defineReleases(app: App, inputs: ReleaseInputs = ReleaseInputs.load()): void {
  // Semaphore addressbook pipeline: 3 stable → 2 stable + 1 canary → promote (or rollback),
  // behind the LoadBalancer `addressbook-lb` on port 80; DB settings from the Secret db-params.
  new CanaryApp(app, 'addressbook', {
    stableImage: inputs.get('addressbook', 'stableImage'),
    canaryImage: inputs.get('addressbook', 'canaryImage'),
    replicas: 3,
    capacity: CapacityMode.CONSTANT,
    steps: [CanaryStep.replicas(1)],
    ports: [{ name: 'http', containerPort: 3000, servicePort: 80 }],
    service: { name: 'addressbook-lb', type: ServiceType.LOAD_BALANCER },
    readinessProbe: Probe.httpGet('/ready'),
    rollingUpdate: { maxSurge: 1, maxUnavailable: 1 },
    env: Object.fromEntries(
      ['DB_HOST', 'DB_PORT', 'DB_SCHEMA', 'DB_USER', 'DB_PASSWORD', 'DB_SSL'].map((key) => [key, EnvValue.fromSecret('db-params', key)]),
    ),
  });

  // appinfo: 3 stable pods keep serving and one canary comes on top (1/(n+1) = 25%).
  // The app reports its pod name and namespace (downward API env) and its labels
  // (/etc/labels), and reads the track from the `release` label.
  new CanaryApp(app, 'appinfo', {
    stableImage: inputs.get('appinfo', 'stableImage'),
    canaryImage: inputs.get('appinfo', 'canaryImage'),
    replicas: 3,
    capacity: CapacityMode.SURGE,
    steps: [CanaryStep.replicas(1)],
    containerName: 'appinfo-containers',
    ports: [{ name: 'http', containerPort: 8080 }],
    service: { type: ServiceType.NODE_PORT },
    readinessProbe: Probe.httpGet('/v1/appinfo'),
    trackLabel: 'release',
    podLabels: { app: 'appinfo' },
    env: {
      MY_POD_NAME: EnvValue.fromPodField(PodField.NAME),
      MY_POD_NAMESPACE: EnvValue.fromPodField(PodField.NAMESPACE),
    },
    podLabelsFile: '/etc/labels',
  });

  // Seamless deployment: 5 frontend pods (Service frontend-active) call 5 backend pods
  // (Service backend-v1). v2 is deployed beside them as backend-v2 and a smoke frontend
  // (Service frontend-smoke), smoke-tested, then frontend-active is rolled to v2 and
  // backend-v2 (a pod counts after 30 s ready), and backend-v1 and the smoke frontend
  // are scaled to zero. The seed exposes backend-v1 as a LoadBalancer "for poking
  // around" and says a real setup keeps it ClusterIP, as here.
  const tiers = {
    frontend: {
      replicas: 5,
      smokeReplicas: 5,
      ports: [{ containerPort: 8080, servicePort: 80 }],
      serviceType: ServiceType.LOAD_BALANCER,
      smokeServiceType: ServiceType.LOAD_BALANCER,
      backendUrlVariable: 'BACKEND_URL',
    },
    backend: { replicas: 5, ports: [{ containerPort: 8080, servicePort: 80 }] },
  };
  new StagedRelease(app, 'seamless', {
    ...tiers,
    active: { version: 'v1', frontendImage: inputs.get('seamless', 'activeFrontendImage'), backendImage: inputs.get('seamless', 'activeBackendImage') },
    smoke: { version: 'v2', frontendImage: inputs.get('seamless', 'smokeFrontendImage'), backendImage: inputs.get('seamless', 'smokeBackendImage') },
    minReadySeconds: 30,
    cleanup: CleanupMode.SCALE_TO_ZERO,
  });

  // The seed's simpler strategy when backend v2 accepts v1 frontends: the smoke copy
  // starts on v1, its backend then its frontend move to v2 (each step smoke-tested),
  // then the active stage's backend and frontend do the same; the smoke copy is then
  // removed. It is the same application as `seamless`: a cluster runs one of the two.
  new StagedRelease(app, 'seamless-compatible', {
    ...tiers,
    strategy: StageStrategy.COMPATIBLE,
    active: { version: 'v1', frontendImage: inputs.get('seamless-compatible', 'activeFrontendImage'), backendImage: inputs.get('seamless-compatible', 'activeBackendImage') },
    smoke: { version: 'v2', frontendImage: inputs.get('seamless-compatible', 'smokeFrontendImage'), backendImage: inputs.get('seamless-compatible', 'smokeBackendImage') },
    minReadySeconds: 30,
    cleanup: CleanupMode.REMOVE,
  });
}

if (require.main === module) runApp((app) => defineReleases(app));
