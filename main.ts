import { App } from 'cdk8s';
import {
  CanaryApp,
  CanaryStep,
  CapacityMode,
  CleanupMode,
  Drain,
  Engine,
  EnvValue,
  ExternalTrafficPolicy,
  Gate,
  Gateway,
  GatewayPhase,
  IstioApiVersion,
  Match,
  PodField,
  Probe,
  Release,
  ReleaseInputs,
  runApp,
  ServiceType,
  StagedRelease,
  StageStrategy,
  TopologySpread,
  Traffic,
} from './lib';

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
    // The pipeline's "test the canary" step as gates: in dark, the canary answers /ready
    // through its preview Service (addressbook-canary:80) within two minutes; in canary-33,
    // its share of 5xx answers stays under 1% over five minutes (one bad minute tolerated).
    gates: {
      dark: [Gate.http({ path: '/ready', expectStatus: 200, count: 24, failureLimit: 23 })],
      'canary-33': [
        Gate.prometheus({
          address: PROMETHEUS,
          query: errorRatio('http_requests_total', 'app_kubernetes_io_name="addressbook",app_kubernetes_io_version="{{canaryVersion}}"', 'code=~"5.."'),
          successCondition: 'result < 0.01',
          count: 5,
          intervalSeconds: 60,
          failureLimit: 1,
        }),
      ],
    },
  });

  // The same addressbook on Argo Rollouts, without a router: one Rollout whose canary step
  // sets the weight that gives 2 stable + 1 canary pods, and whose gates are AnalysisTemplates
  // the controller runs (a basic canary has no dark step: the smoke test runs in the step).
  new CanaryApp(app, 'addressbook-argo', {
    stableImage: inputs.get('addressbook', 'stableImage'),
    canaryImage: inputs.get('addressbook', 'canaryImage'),
    replicas: 3,
    steps: [CanaryStep.replicas(1)],
    ports: [{ name: 'http', containerPort: 3000, servicePort: 80 }],
    readinessProbe: Probe.httpGet('/ready'),
    rollingUpdate: { maxSurge: 1, maxUnavailable: 1 },
    env: Object.fromEntries(['DB_HOST', 'DB_PORT', 'DB_SCHEMA', 'DB_USER', 'DB_PASSWORD', 'DB_SSL'].map((key) => [key, EnvValue.fromSecret('db-params', key)])),
    gates: {
      'canary-33': [
        Gate.http({ path: '/ready', expectStatus: 200, count: 24, failureLimit: 23 }),
        Gate.prometheus({
          address: PROMETHEUS,
          query: errorRatio('http_requests_total', 'app_kubernetes_io_name="addressbook-argo",app_kubernetes_io_version="{{canaryVersion}}"', 'code=~"5.."'),
          successCondition: 'result < 0.01',
          count: 5,
          intervalSeconds: 60,
          failureLimit: 1,
        }),
      ],
    },
    engine: Engine.argoRollouts(),
  });

  // The addressbook on Flagger behind ingress-nginx: a Canary over the Deployment
  // addressbook-flagger, whose weights 25% and 50% are the shares of 4 pods' steps; the smoke
  // test runs before any request reaches the new version (a pre-rollout webhook of the
  // loadtester), the 5xx share is a MetricTemplate checked every minute at each weight.
  new CanaryApp(app, 'addressbook-flagger', {
    namespace: 'addressbook-flagger',
    stableImage: inputs.get('addressbook', 'stableImage'),
    canaryImage: inputs.get('addressbook', 'canaryImage'),
    replicas: 4,
    steps: [CanaryStep.weight(25), CanaryStep.weight(50)],
    ports: [{ name: 'http', containerPort: 3000, servicePort: 80 }],
    readinessProbe: Probe.httpGet('/ready'),
    env: Object.fromEntries(['DB_HOST', 'DB_PORT', 'DB_SCHEMA', 'DB_USER', 'DB_PASSWORD', 'DB_SSL'].map((key) => [key, EnvValue.fromSecret('db-params', key)])),
    gates: {
      // Flagger retries a failing check each interval: 3 tries, as failureLimit 2 says.
      dark: [Gate.http({ path: '/ready', expectStatus: 200, count: 3, failureLimit: 2, intervalSeconds: 60 })],
      ...Object.fromEntries(
        ['canary-25', 'canary-50'].map((step) => [
          step,
          [
            Gate.prometheus({
              address: PROMETHEUS,
              query: errorRatio('http_requests_total', 'namespace="addressbook-flagger",app_kubernetes_io_name="addressbook-flagger"', 'code=~"5.."'),
              // Flagger's thresholdRange is inclusive: at most 1%.
              successCondition: 'result <= 0.01',
              count: 3,
              intervalSeconds: 60,
              failureLimit: 2,
            }),
          ],
        ]),
      ),
    },
    engine: Engine.flagger({ provider: Traffic.nginx({ host: 'addressbook.example.com' }) }),
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
  // removed. It is the same application as `seamless`, so it lives in its own namespace.
  new StagedRelease(app, 'seamless-compatible', {
    ...tiers,
    namespace: 'seamless-compatible',
    strategy: StageStrategy.COMPATIBLE,
    active: { version: 'v1', frontendImage: inputs.get('seamless-compatible', 'activeFrontendImage'), backendImage: inputs.get('seamless-compatible', 'activeBackendImage') },
    smoke: { version: 'v2', frontendImage: inputs.get('seamless-compatible', 'smokeFrontendImage'), backendImage: inputs.get('seamless-compatible', 'smokeBackendImage') },
    minReadySeconds: 30,
    cleanup: CleanupMode.REMOVE,
  });

  // Vamp sava-product gateway: one address, sava-product:9070 (NodePort), in front of one
  // Deployment per version (sava-product-1-0-3, sava-product-1-1-0). Istio routes the mesh's
  // requests (sava-cart's) by weight, and by the media type the client asks for: a
  // tolerant reader that sends `Accept: application/vnd.sava.v1+json` stays on 1.0.3.
  new Gateway(app, 'sava-product', {
    namespace: 'vampio-organization-environment',
    port: 9070,
    serviceType: ServiceType.NODE_PORT,
    provider: Traffic.istio({ apiVersion: IstioApiVersion.V1 }),
    ports: [{ containerPort: 8080 }],
    versions: {
      '1.0.3': { image: inputs.get('sava-product', '1.0.3'), replicas: 1 },
      '1.1.0': { image: inputs.get('sava-product', '1.1.0'), replicas: 1 },
    },
    phases: [
      Release.to('1.0.3'),
      Release.to('1.0.3').withDark('1.1.0').named('1-1-0-dark'),
      Release.split({ '1.0.3': 50, '1.1.0': 50 }).named('split-50-50'),
      Release.to('1.1.0').when(Match.header('accept', 'application/vnd.sava.v1+json'), '1.0.3').named('1-1-0-v1-clients-on-1-0-3'),
      Release.to('1.1.0').withDark('1.0.3').named('1-1-0'),
      Release.to('1.1.0').named('1-0-3-removed'),
    ],
  });

  // Sockshop front-end in production behind the ingress gateway, the steps of the Istio
  // production-deployments use case: v1 only, v2 deployed dark, 10% to v2, signed-in users
  // to v2, Chrome users to v2, back to v1 only (v2 keeps running, as in the use case). Once
  // with Istio (sockshop-istio, namespace production), once with the Gateway API
  // (sockshop-gateway-api, in a namespace of its own since it renders the same objects).
  // The Istio objects are named as in the use case: VirtualService sockshop, Gateway sockshop-gateway.
  // Gates: each phase that sends v2 requests waits for an analysis of v2's 5xx share (the
  // front-end's request_duration_seconds histogram); with the Gateway API, v2-dark is first
  // smoke-tested through v2's own Service. Istio renders no Service that selects v2 alone
  // while it is dark, so that variant has no smoke test.
  const analysis = Gate.prometheus({
    address: PROMETHEUS,
    query: errorRatio('request_duration_seconds_count', 'namespace="{{namespace}}",version="{{version}}"', 'status_code=~"5.."'),
    successCondition: 'result < 0.05',
    count: 3,
    intervalSeconds: 60,
  });
  const sockshop = (release: string) => ({
    name: 'front-end',
    namespace: 'production',
    ports: [{ containerPort: 8080 }],
    versions: {
      v1: { image: inputs.get(release, 'v1'), replicas: 1 },
      v2: { image: inputs.get(release, 'v2'), replicas: 1 },
    },
    phases: sockshopPhases,
  });
  const analysed = { 'canary-10': [analysis], 'v2-logged-in': [analysis], 'v2-chrome': [analysis] };
  new Gateway(app, 'sockshop-istio', {
    ...sockshop('sockshop-istio'),
    provider: Traffic.istio({ apiVersion: IstioApiVersion.V1, routeName: 'sockshop', ingress: { gatewayName: 'sockshop-gateway', hosts: ['*'] } }),
    gates: analysed,
  });
  new Gateway(app, 'sockshop-gateway-api', {
    ...sockshop('sockshop-gateway-api'),
    namespace: 'production-gateway-api',
    provider: Traffic.gatewayApi({ parentRefs: [{ name: 'sockshop-gateway' }] }),
    gates: { 'v2-dark': [Gate.http({ path: '/', count: 24, failureLimit: 23 })], ...analysed },
  });

  // The same front-end on Argo Rollouts with Istio (namespace production-argo): one Rollout
  // whose steps are the phases between v1 and v2: v2's pod dark behind the canaryService
  // (smoke-tested there), 10% of requests, then the signed-in users and Chrome by header
  // routes, each analysed; after the last step the controller promotes v2 by itself.
  new Gateway(app, 'sockshop-argo', {
    ...sockshop('sockshop-istio'),
    namespace: 'production-argo',
    phases: sockshopArgoPhases,
    provider: Traffic.istio({ apiVersion: IstioApiVersion.V1, routeName: 'sockshop', ingress: { gatewayName: 'sockshop-gateway', hosts: ['*'] } }),
    gates: { 'v2-dark': [Gate.http({ path: '/', count: 24, failureLimit: 23 })], ...analysed },
    engine: Engine.argoRollouts(),
  });

  // A production service rather than a tutorial's demo app: checkout, behind an AWS
  // Network Load Balancer (Service annotations, client addresses kept, office and VPC
  // ranges only) and Istio, pulled from a private registry, with a service account for
  // cloud IAM (IRSA) and no Kubernetes API token, a config file released with each
  // version (2.4.0's workers and timeouts are canaried with its image), Prometheus
  // scrape annotations, a 10 s drain before SIGTERM (the `sleep` action: Kubernetes ≥
  // 1.29), pods spread over nodes and zones, and an autoscaler per version between 3
  // and 12 pods: the router's weights do not depend on pod counts.
  new Gateway(app, 'checkout', {
    namespace: 'checkout',
    serviceType: ServiceType.LOAD_BALANCER,
    addressService: {
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      },
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      loadBalancerSourceRanges: ['203.0.113.0/24', '10.0.0.0/8'],
    },
    provider: Traffic.istio({ apiVersion: IstioApiVersion.V1 }),
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }, { name: 'http-metrics', containerPort: 9090 }],
    readinessProbe: Probe.httpGet('/ready'),
    startupProbe: Probe.httpGet('/healthz', { periodSeconds: 2, failureThreshold: 30 }),
    livenessProbe: Probe.httpGet('/healthz', { periodSeconds: 10 }),
    serviceAccountName: 'checkout',
    imagePullSecrets: ['registry-credentials'],
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
    drain: Drain.sleep(10),
    terminationGracePeriodSeconds: 40,
    topologySpread: TopologySpread.acrossNodesAndZones(),
    priorityClassName: 'business-critical',
    security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, readOnlyRootFilesystem: true },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    env: { DB_PASSWORD: EnvValue.fromSecret('checkout-db', 'password'), CONFIG_FILE: EnvValue.fromValue('/etc/checkout/checkout.yaml') },
    autoscaling: { maxReplicas: 12, cpuUtilization: 65 },
    versions: {
      '2.3.1': {
        image: inputs.get('checkout', '2.3.1'),
        replicas: 3,
        config: { files: { 'checkout.yaml': 'workers: 4\npaymentTimeout: 5s\n' }, mountPath: '/etc/checkout' },
      },
      '2.4.0': {
        image: inputs.get('checkout', '2.4.0'),
        replicas: 3,
        config: { files: { 'checkout.yaml': 'workers: 8\npaymentTimeout: 3s\nretryBudget: 0.1\n' }, mountPath: '/etc/checkout' },
      },
    },
    phases: [
      Release.to('2.3.1'),
      Release.to('2.3.1').withDark('2.4.0').named('2-4-0-dark'),
      Release.split({ '2.3.1': 90, '2.4.0': 10 }).named('canary-10'),
      Release.split({ '2.3.1': 50, '2.4.0': 50 }).named('canary-50'),
      Release.to('2.4.0').withDark('2.3.1').named('2-4-0'),
      Release.to('2.4.0').named('2-3-1-removed'),
    ],
  });
}

/** The Prometheus server the gates query, as the kube-prometheus stack installs it. */
const PROMETHEUS = 'http://prometheus-operated.monitoring:9090';

/** PromQL: the share of a counter's increase over two minutes that has `bad`, among the series with `selector`. */
function errorRatio(counter: string, selector: string, bad: string): string {
  return `sum(rate(${counter}{${selector},${bad}}[2m])) / sum(rate(${counter}{${selector}}[2m]))`;
}

const sockshopPhases: GatewayPhase[] = [
  Release.to('v1').named('v1'),
  Release.to('v1').withDark('v2').named('v2-dark'),
  Release.split({ v1: 90, v2: 10 }).named('canary-10'),
  Release.to('v1').when(Match.cookieRegex('.*logged_in.*'), 'v2').named('v2-logged-in'),
  Release.to('v1').when(Match.userAgentRegex('.*Chrome.*'), 'v2').named('v2-chrome'),
  Release.to('v1').withDark('v2').named('cleanup'),
];

// On Argo Rollouts a release ends on the new version alone: the controller promotes it after the last step.
const sockshopArgoPhases: GatewayPhase[] = [...sockshopPhases.slice(0, -1), Release.to('v2').withDark('v1').named('v2')];

if (require.main === module) runApp((app) => defineReleases(app));
