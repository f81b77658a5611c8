import { SchemaIssue, supportedKinds, validateSchema } from '../../lib/verify/schema/schema';

// Small, realistic manifests of each supported kind. Each test of a broken
// manifest copies a valid one and breaks one thing.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clone = <T>(doc: T): T => JSON.parse(JSON.stringify(doc)) as T;

const deployment: Doc = {
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

const nodePortService: Doc = {
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

const coreExamples: Doc[] = [
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

const virtualService = (apiVersion: string): Doc => ({
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

const destinationRule: Doc = {
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

const istioGateway: Doc = {
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

const httpRoute: Doc = {
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

const gatewayApiExamples: Doc[] = [
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

const label = (doc: Doc): string => `${doc.apiVersion} ${doc.kind}`;

describe('validateSchema: valid manifests pass', () => {
  test.each(coreExamples.map((doc) => [label(doc), doc]))('%s', (_, doc) => {
    expect(validateSchema(doc)).toEqual([]);
  });

  test.each(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'])(
    '%s VirtualService with a cookie-regex match and weighted routes',
    (apiVersion) => {
      expect(validateSchema(virtualService(apiVersion))).toEqual([]);
    },
  );

  test.each([destinationRule, { ...clone(destinationRule), apiVersion: 'networking.istio.io/v1beta1' }, istioGateway].map((doc) => [label(doc), doc]))(
    '%s',
    (_, doc) => {
      expect(validateSchema(doc)).toEqual([]);
    },
  );

  test.each(gatewayApiExamples.map((doc) => [label(doc), doc]))('%s', (_, doc) => {
    expect(validateSchema(doc)).toEqual([]);
  });

  test('unknown fields are allowed where the CRD preserves them (Istio status)', () => {
    const doc = { ...virtualService('networking.istio.io/v1'), status: { observedGeneration: 3, validationMessages: [], vendorField: { a: 1 } } };
    expect(validateSchema(doc)).toEqual([]);
  });

  test('every kind the brief names is supported', () => {
    expect(supportedKinds()).toEqual(
      expect.arrayContaining([
        ...coreExamples.map(label),
        'networking.istio.io/v1 VirtualService',
        'networking.istio.io/v1beta1 VirtualService',
        'networking.istio.io/v1 DestinationRule',
        'networking.istio.io/v1 Gateway',
        ...gatewayApiExamples.map(label),
      ]),
    );
  });
});

describe('validateSchema: broken manifests fail with a precise issue', () => {
  const issue = (doc: Doc, path: string, message: string): SchemaIssue => ({ kind: doc.kind, name: doc.metadata.name, path, message });

  test('Deployment: replicas as a string', () => {
    const doc = clone(deployment);
    doc.spec.replicas = '3';
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.replicas', 'must be integer, not string')]);
  });

  test('Deployment: unknown field in a container', () => {
    const doc = clone(deployment);
    doc.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.template.spec.containers[0].imagePullPolcy', 'unknown field "imagePullPolcy"')]);
  });

  test('Deployment: containerPort as a string and an unknown port field', () => {
    const doc = clone(deployment);
    doc.spec.template.spec.containers[0].ports[0] = { containerPort: '8080', hostport: 80 };
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].ports[0].containerPort', 'must be integer, not string'),
      issue(doc, 'spec.template.spec.containers[0].ports[0].hostport', 'unknown field "hostport"'),
    ]);
  });

  test('Deployment: missing required container name, wrong enum', () => {
    const doc = clone(deployment);
    delete doc.spec.template.spec.containers[0].name;
    doc.spec.template.spec.restartPolicy = 'Sometimes';
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].name', 'required field "name" is missing'),
      issue(doc, 'spec.template.spec.restartPolicy', 'must be one of "Always", "Never", "OnFailure"'),
    ]);
  });

  test('Deployment: malformed resource quantity', () => {
    const doc = clone(deployment);
    doc.spec.template.spec.containers[0].resources.limits.memory = '256 MB';
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].resources.limits.memory', 'matches none of the allowed forms: must be number, not string; must match format "quantity"'),
    ]);
  });

  test('Service: targetPort neither integer nor string', () => {
    const doc = clone(nodePortService);
    doc.spec.ports[0].targetPort = true;
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.ports[0].targetPort', 'must be string or integer, not boolean')]);
  });

  test('Service: name must be a DNS-1035 label', () => {
    const doc = clone(nodePortService);
    doc.metadata.name = '1shop';
    const issues = validateSchema(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('metadata.name');
    expect(issues[0].message).toContain('invalid value "1shop": a DNS-1035 label must consist of');
  });

  test('Deployment: invalid metadata.name', () => {
    const doc = clone(deployment);
    doc.metadata.name = 'Shop_Canary';
    const issues = validateSchema(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'Deployment', name: 'Shop_Canary', path: 'metadata.name' });
    expect(issues[0].message).toContain('invalid value "Shop_Canary": a lowercase RFC 1123 subdomain must consist of');
  });

  test('Deployment: invalid label key and value, missing name', () => {
    const doc = clone(deployment);
    delete doc.metadata.name;
    doc.metadata.labels = { 'example.com/a/b': 'x', track: 'canary!' };
    const issues = validateSchema(doc);
    expect(issues.map((i) => i.path)).toEqual(['metadata.name', 'metadata.labels["example.com/a/b"]', 'metadata.labels.track']);
    expect(issues[0].message).toBe('required field "name" is missing');
    expect(issues[1].message).toMatch(/^invalid label key "example.com\/a\/b": a qualified name must consist of alphanumeric characters/);
    expect(issues[2].message).toMatch(/^invalid value "canary!": a valid label must be an empty string or consist of/);
  });

  test('HTTPRoute: weight as a string in a backendRef', () => {
    const doc = clone(httpRoute);
    doc.spec.rules[1].backendRefs[0].weight = '90';
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.rules[1].backendRefs[0].weight', 'must be integer, not string')]);
  });

  test('HTTPRoute: the same header matched twice (list-type map)', () => {
    const doc = clone(httpRoute);
    doc.spec.rules[0].matches[0].headers.push({ name: 'x-canary', value: 'yes' });
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.rules[0].matches[0].headers[1]', 'duplicate entry (name="x-canary"), already at index 0'),
    ]);
  });

  test('HTTPRoute: misspelt metadata field and unknown spec field', () => {
    const doc = clone(httpRoute);
    doc.metadata.lables = { a: 'b' };
    doc.spec.parentRef = doc.spec.parentRefs;
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.parentRef', 'unknown field "parentRef"'), issue(doc, 'metadata.lables', 'unknown field "lables"')]);
  });

  test('HTTPRoute: weight above the maximum', () => {
    const doc = clone(httpRoute);
    doc.spec.rules[1].backendRefs[0].weight = 2000000;
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.rules[1].backendRefs[0].weight', 'must be <= 1000000')]);
  });

  test('VirtualService: unknown field in a route', () => {
    const doc = virtualService('networking.istio.io/v1beta1');
    doc.spec.http[1].route[0].wieght = 90;
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.http[1].route[0].wieght', 'unknown field "wieght"')]);
  });

  test('VirtualService: weight as a string, and two string matches at once', () => {
    const doc = virtualService('networking.istio.io/v1');
    doc.spec.http[1].route[1].weight = '10';
    doc.spec.http[0].match[0].headers.cookie.exact = 'canary=always';
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.http[0].match[0].headers.cookie', 'at most one of "exact", "prefix", "regex" may be set'),
      issue(doc, 'spec.http[1].route[1].weight', 'must be integer, not string'),
    ]);
  });

  test('DestinationRule: subset without a name, label value of the wrong type in metadata', () => {
    const doc = clone(destinationRule);
    delete doc.spec.subsets[1].name;
    doc.metadata.labels = { version: 2 };
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.subsets[1].name', 'required field "name" is missing'),
      issue(doc, 'metadata.labels.version', 'must be string, not integer'),
    ]);
  });

  test('DestinationRule: int32 field out of range', () => {
    const doc = clone(destinationRule);
    doc.spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests = 3000000000;
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests', 'must match format "int32"')]);
  });

  test('Gateway API Gateway: address that is no IP address', () => {
    const doc: Doc = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop-gateway' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], addresses: [{ type: 'IPAddress', value: '300.1.1.1' }] },
    };
    const issues = validateSchema(doc);
    expect(issues.map((i) => i.path)).toEqual(['spec.addresses[0]']);
    expect(issues[0].message).toContain('value must match format "ipv4"; value must match format "ipv6"');
  });

  test('Istio Gateway: port number as a string', () => {
    const doc = clone(istioGateway);
    doc.spec.servers[0].port.number = '80';
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.servers[0].port.number', 'must be integer, not string')]);
  });

  test('unknown kind', () => {
    const issues = validateSchema({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'Widget', name: 'w', path: '' });
    expect(issues[0].message).toMatch(/^no schema is known for apiVersion "example.com\/v1", kind "Widget"; supported kinds: /);
    expect(issues[0].message).toContain('apps/v1 Deployment, apps/v1 StatefulSet');
    expect(issues[0].message).toContain('networking.istio.io/v1beta1 VirtualService');
  });

  test('known kind under an apiVersion it does not have', () => {
    const issues = validateSchema({ ...clone(deployment), apiVersion: 'apps/v1beta2' });
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toContain('no schema is known for apiVersion "apps/v1beta2", kind "Deployment"');
  });

  test('not a manifest', () => {
    expect(validateSchema(null)).toEqual([{ kind: '', name: '', path: '', message: 'a manifest must be an object, not null' }]);
    expect(validateSchema([deployment])).toEqual([{ kind: '', name: '', path: '', message: 'a manifest must be an object, not an array' }]);
    expect(validateSchema({ kind: 'Deployment', metadata: { name: 'x' } })).toEqual([
      { kind: 'Deployment', name: 'x', path: 'apiVersion', message: '"apiVersion" must be a string naming the type of the manifest' },
    ]);
  });
});
