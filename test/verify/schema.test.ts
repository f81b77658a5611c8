import { SchemaIssue, supportedKinds, validateSchema } from '../../lib/verify/schema/schema';
import { clone, Doc } from './builders';
import { BROKEN_MANIFESTS, coreExamples, deployment, destinationRule, gatewayApiExamples, istioGateway, virtualService } from './schema-cases';

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
    const doc = BROKEN_MANIFESTS['Deployment: replicas as a string']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.replicas', 'must be integer, not string')]);
  });

  test('Deployment: unknown field in a container', () => {
    const doc = BROKEN_MANIFESTS['Deployment: unknown field in a container']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.template.spec.containers[0].imagePullPolcy', 'unknown field "imagePullPolcy"')]);
  });

  test('Deployment: containerPort as a string and an unknown port field', () => {
    const doc = BROKEN_MANIFESTS['Deployment: containerPort as a string and an unknown port field']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].ports[0].containerPort', 'must be integer, not string'),
      issue(doc, 'spec.template.spec.containers[0].ports[0].hostport', 'unknown field "hostport"'),
    ]);
  });

  test('Deployment: missing required container name, wrong enum', () => {
    const doc = BROKEN_MANIFESTS['Deployment: missing required container name, wrong enum']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].name', 'required field "name" is missing'),
      issue(doc, 'spec.template.spec.restartPolicy', 'must be one of "Always", "Never", "OnFailure"'),
    ]);
  });

  test('Deployment: malformed resource quantity', () => {
    const doc = BROKEN_MANIFESTS['Deployment: malformed resource quantity']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.template.spec.containers[0].resources.limits.memory', 'matches none of the allowed forms: must be number, not string; must match format "quantity"'),
    ]);
  });

  test('Service: targetPort neither integer nor string', () => {
    const doc = BROKEN_MANIFESTS['Service: targetPort neither integer nor string']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.ports[0].targetPort', 'must be string or integer, not boolean')]);
  });

  test('Service: name must be a DNS-1035 label', () => {
    const doc = BROKEN_MANIFESTS['Service: name must be a DNS-1035 label']();
    const issues = validateSchema(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('metadata.name');
    expect(issues[0].message).toContain('invalid value "1shop": a DNS-1035 label must consist of');
  });

  test('Deployment: invalid metadata.name', () => {
    const doc = BROKEN_MANIFESTS['Deployment: invalid metadata.name']();
    const issues = validateSchema(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'Deployment', name: 'Shop_Canary', path: 'metadata.name' });
    expect(issues[0].message).toContain('invalid value "Shop_Canary": a lowercase RFC 1123 subdomain must consist of');
  });

  test('Deployment: invalid label key and value, missing name', () => {
    const doc = BROKEN_MANIFESTS['Deployment: invalid label key and value, missing name']();
    const issues = validateSchema(doc);
    expect(issues.map((i) => i.path)).toEqual(['metadata.name', 'metadata.labels["example.com/a/b"]', 'metadata.labels.track']);
    expect(issues[0].message).toBe('required field "name" is missing');
    expect(issues[1].message).toMatch(/^invalid label key "example.com\/a\/b": a qualified name must consist of alphanumeric characters/);
    expect(issues[2].message).toMatch(/^invalid value "canary!": a valid label must be an empty string or consist of/);
  });

  test('HTTPRoute: weight as a string in a backendRef', () => {
    const doc = BROKEN_MANIFESTS['HTTPRoute: weight as a string in a backendRef']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.rules[1].backendRefs[0].weight', 'must be integer, not string')]);
  });

  test('HTTPRoute: the same header matched twice (list-type map)', () => {
    const doc = BROKEN_MANIFESTS['HTTPRoute: the same header matched twice (list-type map)']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.rules[0].matches[0].headers[1]', 'duplicate entry (name="x-canary"), already at index 0'),
    ]);
  });

  test('HTTPRoute: misspelt metadata field and unknown spec field', () => {
    const doc = BROKEN_MANIFESTS['HTTPRoute: misspelt metadata field and unknown spec field']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.parentRef', 'unknown field "parentRef"'), issue(doc, 'metadata.lables', 'unknown field "lables"')]);
  });

  test('HTTPRoute: weight above the maximum', () => {
    const doc = BROKEN_MANIFESTS['HTTPRoute: weight above the maximum']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.rules[1].backendRefs[0].weight', 'must be <= 1000000')]);
  });

  test('VirtualService: unknown field in a route', () => {
    const doc = BROKEN_MANIFESTS['VirtualService: unknown field in a route']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.http[1].route[0].wieght', 'unknown field "wieght"')]);
  });

  test('VirtualService: weight as a string, and two string matches at once', () => {
    const doc = BROKEN_MANIFESTS['VirtualService: weight as a string, and two string matches at once']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.http[0].match[0].headers.cookie', 'at most one of "exact", "prefix", "regex" may be set'),
      issue(doc, 'spec.http[1].route[1].weight', 'must be integer, not string'),
    ]);
  });

  test('DestinationRule: subset without a name, label value of the wrong type in metadata', () => {
    const doc = BROKEN_MANIFESTS['DestinationRule: subset without a name, label value of the wrong type in metadata']();
    expect(validateSchema(doc)).toEqual([
      issue(doc, 'spec.subsets[1].name', 'required field "name" is missing'),
      issue(doc, 'metadata.labels.version', 'must be string, not integer'),
    ]);
  });

  test('DestinationRule: int32 field out of range', () => {
    const doc = BROKEN_MANIFESTS['DestinationRule: int32 field out of range']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests', 'must match format "int32"')]);
  });

  test('Gateway API Gateway: address that is no IP address', () => {
    const doc = BROKEN_MANIFESTS['Gateway API Gateway: address that is no IP address']();
    const issues = validateSchema(doc);
    expect(issues.map((i) => i.path)).toEqual(['spec.addresses[0]']);
    expect(issues[0].message).toContain('value must match format "ipv4"; value must match format "ipv6"');
  });

  test('Istio Gateway: port number as a string', () => {
    const doc = BROKEN_MANIFESTS['Istio Gateway: port number as a string']();
    expect(validateSchema(doc)).toEqual([issue(doc, 'spec.servers[0].port.number', 'must be integer, not string')]);
  });

  test('unknown kind', () => {
    const issues = validateSchema(BROKEN_MANIFESTS['unknown kind']());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'Widget', name: 'w', path: '' });
    expect(issues[0].message).toMatch(/^no schema is known for apiVersion "example.com\/v1", kind "Widget"; supported kinds: /);
    expect(issues[0].message).toContain('apps/v1 Deployment, apps/v1 StatefulSet');
    expect(issues[0].message).toContain('networking.istio.io/v1beta1 VirtualService');
  });

  test('known kind under an apiVersion it does not have', () => {
    const issues = validateSchema(BROKEN_MANIFESTS['known kind under an apiVersion it does not have']());
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
