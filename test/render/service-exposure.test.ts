import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, ExternalTrafficPolicy, Gateway, Release, ServiceType, StagedRelease, Traffic } from '../../lib';
import { configError } from '../support/errors';
import { find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };
const nlb = {
  annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
  externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
  loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
  loadBalancerClass: 'service.k8s.aws/nlb',
};

describe('Service exposure', () => {
  test("a CanaryApp's production Service carries the load balancer's settings; its preview Service does not", () => {
    const app = Testing.app();
    const release = new CanaryApp(app, 'shop', { ...base, service: { type: ServiceType.LOAD_BALANCER, ...nlb } });
    const docs = phasesOf(release).get('canary-33')!;
    const service = find(docs, 'Service', 'shop');
    expect(service.metadata.annotations).toEqual(nlb.annotations);
    expect(service.spec).toMatchObject({ externalTrafficPolicy: 'Local', loadBalancerSourceRanges: nlb.loadBalancerSourceRanges, loadBalancerClass: 'service.k8s.aws/nlb' });
    const preview = find(docs, 'Service', 'shop-canary');
    expect([preview.metadata.annotations, preview.spec.externalTrafficPolicy]).toEqual([undefined, undefined]);
    expect(verifyApp(app)).toEqual([]);
  });

  test("a Gateway's address Service and a tier's production Services carry them too", () => {
    const app = Testing.app();
    const gateway = new Gateway(app, 'shop', {
      serviceType: ServiceType.LOAD_BALANCER,
      addressService: nlb,
      provider: Traffic.istio(),
      versions: { v1: { image: 'acme/shop:1.0.0' } },
      phases: [Release.to('v1')],
    });
    expect(find(phasesOf(gateway).get(gateway.phaseNames[0])!, 'Service', 'shop').metadata.annotations).toEqual(nlb.annotations);
    const staged = new StagedRelease(app, 'seamless', {
      namespace: 'seamless',
      frontend: { serviceType: ServiceType.LOAD_BALANCER, service: { annotations: { 'example.com/lb': 'yes' } } },
      active: { version: 'v1', frontendImage: 'acme/f:1', backendImage: 'acme/b:1' },
      smoke: { version: 'v2', frontendImage: 'acme/f:2', backendImage: 'acme/b:2' },
    });
    const smoke = phasesOf(staged).get('smoke')!;
    expect(find(smoke, 'Service', 'frontend-active').metadata.annotations).toEqual({ 'example.com/lb': 'yes' });
    expect(find(smoke, 'Service', 'frontend-smoke').metadata.annotations).toBeUndefined();
    expect(verifyApp(app)).toEqual([]);
  });

  test.each([
    ['externalTrafficPolicy on a ClusterIP Service', () => new CanaryApp(Testing.app(), 'shop', { ...base, service: { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL } }), 'service.externalTrafficPolicy', /NodePort and LoadBalancer Services only/],
    ['source ranges on a NodePort Service', () => new CanaryApp(Testing.app(), 'shop', { ...base, service: { type: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'] } }), 'service.loadBalancerSourceRanges', /LoadBalancer Services only/],
    ['a source range that is not a CIDR', () => new CanaryApp(Testing.app(), 'shop', { ...base, service: { type: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.0'] } }), 'service.loadBalancerSourceRanges[0]', /a CIDR/],
    ['a misspelt exposure option', () => new CanaryApp(Testing.app(), 'shop', { ...base, service: { anotations: {} } as never }), 'service.anotations', /did you mean "annotations"/],
    ['addressService with the gateway-api provider', () => new Gateway(Testing.app(), 'shop', { addressService: { annotations: {} }, provider: Traffic.gatewayApi({ parentRefs: [{ name: 'gw' }] }), versions: { v1: { image: 'acme/shop:1.0.0' } }, phases: [Release.to('v1')] }), 'addressService', /HTTPRoute/],
  ] as Array<[string, () => unknown, string, RegExp]>)('refuses %s', (_t, build, field, expected) => {
    const e = configError(build);
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });
});
