import { App } from 'cdk8s';
import { CanaryApp, CanaryStep, CapacityMode, EnvValue, PodField, Probe, ReleaseInputs, runApp, ServiceType } from './lib';

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
}

if (require.main === module) runApp((app) => defineReleases(app));
