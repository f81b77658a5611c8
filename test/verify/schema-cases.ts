import { clone, Doc } from './builders';

// Small, realistic manifests of each supported kind. Each test of a broken
// manifest copies a valid one and breaks one thing.

export const deployment: Doc = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop-canary', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop', track: 'canary' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', track: 'canary' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'shop', track: 'canary' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'shop',
            image: 'registry.example.com/shop:1.4.2',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'TRACK', value: 'canary' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        ],
      },
    },
  },
};

export const nodePortService: Doc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    type: 'NodePort',
    selector: { 'app.kubernetes.io/name': 'shop' },
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }],
  },
};

const podTemplate = clone(deployment.spec.template);

export const coreExamples: Doc[] = [
  deployment,
  nodePortService,
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config', namespace: 'shop' }, data: { 'app.properties': 'track=canary\n' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-db', namespace: 'shop' }, type: 'Opaque', stringData: { password: 'x' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop', namespace: 'shop' }, automountServiceAccountToken: false },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shop-smoke', namespace: 'shop' }, spec: { ...clone(podTemplate.spec), restartPolicy: 'Never' } },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'shop-db', namespace: 'shop' },
    spec: {
      serviceName: 'shop-db',
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', track: 'canary' } },
      template: clone(podTemplate),
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'shop-smoke-test', namespace: 'shop' },
    spec: { backoffLimit: 0, template: { spec: { ...clone(podTemplate.spec), restartPolicy: 'Never' } } },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } } },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'shop.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] },
        },
      ],
    },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-canary' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  },
];

export const virtualService = (apiVersion: string): Doc => ({
  apiVersion,
  kind: 'VirtualService',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    hosts: ['shop.example.com'],
    gateways: ['shop-gateway'],
    http: [
      {
        name: 'canary-cookie',
        match: [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
        route: [{ destination: { host: 'shop', subset: 'canary', port: { number: 80 } } }],
      },
      {
        name: 'weighted',
        route: [
          { destination: { host: 'shop', subset: 'stable' }, weight: 90 },
          { destination: { host: 'shop', subset: 'canary' }, weight: 10 },
        ],
        retries: { attempts: 2, perTryTimeout: '2s' },
        timeout: '10s',
      },
    ],
  },
});

export const destinationRule: Doc = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    host: 'shop',
    trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 100 } }, loadBalancer: { simple: 'ROUND_ROBIN' } },
    subsets: [
      { name: 'stable', labels: { track: 'stable' } },
      { name: 'canary', labels: { track: 'canary' } },
    ],
  },
};

export const istioGateway: Doc = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'shop-gateway', namespace: 'shop' },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] },
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-tls' } },
    ],
  },
};

export const httpRoute: Doc = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    parentRefs: [{ name: 'shop-gateway', namespace: 'infra', sectionName: 'http' }],
    hostnames: ['shop.example.com'],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }],
        backendRefs: [{ name: 'shop-canary', port: 80 }],
      },
      {
        backendRefs: [
          { name: 'shop-stable', port: 80, weight: 90 },
          { name: 'shop-canary', port: 80, weight: 10 },
        ],
      },
    ],
  },
};

export const gatewayApiExamples: Doc[] = [
  httpRoute,
  { ...clone(httpRoute), apiVersion: 'gateway.networking.k8s.io/v1beta1' },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: 'istio' },
    spec: { controllerName: 'istio.io/gateway-controller' },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'shop-gateway', namespace: 'infra' },
    spec: {
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'All' } } }],
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name: 'shop-grpc', namespace: 'shop' },
    spec: {
      parentRefs: [{ name: 'shop-gateway', namespace: 'infra' }],
      rules: [{ matches: [{ method: { service: 'shop.v1.Cart', method: 'Get' } }], backendRefs: [{ name: 'shop', port: 9090 }] }],
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1beta1',
    kind: 'ReferenceGrant',
    metadata: { name: 'from-infra', namespace: 'shop' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'infra' }],
      to: [{ group: '', kind: 'Service' }],
    },
  },
];


/**
 * One broken copy of a valid example per case: the schema tests expect the verifier's issues for each, and the
 * cluster suite sends each to the API server (server-side dry-run) to see that the server rejects it too.
 */
export const BROKEN_MANIFESTS: { readonly [name: string]: () => Doc } = {
  'Deployment: replicas as a string': () => edit(deployment, (d) => (d.spec.replicas = '3')),
  'Deployment: unknown field in a container': () => edit(deployment, (d) => (d.spec.template.spec.containers[0].imagePullPolcy = 'Always')),
  'Deployment: containerPort as a string and an unknown port field': () =>
    edit(deployment, (d) => (d.spec.template.spec.containers[0].ports[0] = { containerPort: '8080', hostport: 80 })),
  'Deployment: missing required container name, wrong enum': () =>
    edit(deployment, (d) => {
      delete d.spec.template.spec.containers[0].name;
      d.spec.template.spec.restartPolicy = 'Sometimes';
    }),
  'Deployment: malformed resource quantity': () => edit(deployment, (d) => (d.spec.template.spec.containers[0].resources.limits.memory = '256 MB')),
  'Service: targetPort neither integer nor string': () => edit(nodePortService, (d) => (d.spec.ports[0].targetPort = true)),
  'Service: name must be a DNS-1035 label': () => edit(nodePortService, (d) => (d.metadata.name = '1shop')),
  'Deployment: invalid metadata.name': () => edit(deployment, (d) => (d.metadata.name = 'Shop_Canary')),
  'Deployment: invalid label key and value, missing name': () =>
    edit(deployment, (d) => {
      delete d.metadata.name;
      d.metadata.labels = { 'example.com/a/b': 'x', track: 'canary!' };
    }),
  'HTTPRoute: weight as a string in a backendRef': () => edit(httpRoute, (d) => (d.spec.rules[1].backendRefs[0].weight = '90')),
  'HTTPRoute: the same header matched twice (list-type map)': () => edit(httpRoute, (d) => d.spec.rules[0].matches[0].headers.push({ name: 'x-canary', value: 'yes' })),
  'HTTPRoute: misspelt metadata field and unknown spec field': () =>
    edit(httpRoute, (d) => {
      d.metadata.lables = { a: 'b' };
      d.spec.parentRef = d.spec.parentRefs;
    }),
  'HTTPRoute: weight above the maximum': () => edit(httpRoute, (d) => (d.spec.rules[1].backendRefs[0].weight = 2000000)),
  'VirtualService: unknown field in a route': () => edit(virtualService('networking.istio.io/v1beta1'), (d) => (d.spec.http[1].route[0].wieght = 90)),
  'VirtualService: weight as a string, and two string matches at once': () =>
    edit(virtualService('networking.istio.io/v1'), (d) => {
      d.spec.http[1].route[1].weight = '10';
      d.spec.http[0].match[0].headers.cookie.exact = 'canary=always';
    }),
  'DestinationRule: subset without a name, label value of the wrong type in metadata': () =>
    edit(destinationRule, (d) => {
      delete d.spec.subsets[1].name;
      d.metadata.labels = { version: 2 };
    }),
  'DestinationRule: int32 field out of range': () => edit(destinationRule, (d) => (d.spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests = 3000000000)),
  'Gateway API Gateway: address that is no IP address': () => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'shop-gateway' },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], addresses: [{ type: 'IPAddress', value: '300.1.1.1' }] },
  }),
  'Istio Gateway: port number as a string': () => edit(istioGateway, (d) => (d.spec.servers[0].port.number = '80')),
  'unknown kind': () => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
  'known kind under an apiVersion it does not have': () => ({ ...clone(deployment), apiVersion: 'apps/v1beta2' }),
};

function edit(doc: Doc, change: (copy: Doc) => unknown): Doc {
  const copy = clone(doc);
  change(copy);
  return copy;
}
