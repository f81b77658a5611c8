import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, Gateway, Release, StagedRelease, Traffic, WorkloadOverrides } from '../../lib';
import { seedProps } from './staged-fixtures';
import { configError } from '../support/errors';
import { find, phasesOf } from '../support/manifests';
import { verifyApp } from '../properties/support/verify';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };

describe('the escape hatch (overrides)', () => {
  test('fields no prop sets are merged last into every Deployment, pod and container, and verify still passes', () => {
    const app = Testing.app();
    const overrides: WorkloadOverrides = {
      deployment: { revisionHistoryLimit: 3, progressDeadlineSeconds: 900 },
      pod: { dnsConfig: { options: [{ name: 'ndots', value: '2' }] }, enableServiceLinks: false },
      container: { workingDir: '/srv', terminationMessagePolicy: 'FallbackToLogsOnError' },
    };
    const release = new CanaryApp(app, 'shop', { ...base, overrides });
    const d = find(phasesOf(release).get('canary-33')!, 'Deployment', 'shop-canary');
    expect(d.spec).toMatchObject({ revisionHistoryLimit: 3, progressDeadlineSeconds: 900, replicas: 1 });
    expect(d.spec.template.spec).toMatchObject({ dnsConfig: { options: [{ name: 'ndots', value: '2' }] }, enableServiceLinks: false });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ workingDir: '/srv', terminationMessagePolicy: 'FallbackToLogsOnError', image: 'acme/shop:1.1.0' });
    expect(verifyApp(app)).toEqual([]);
  });

  test.each([
    ['a selector', { deployment: { selector: { matchLabels: { app: 'x' } } } }, 'overrides.deployment.selector', /the release \(trackLabel or versionLabel\)/],
    ['replicas', { deployment: { replicas: 5 } }, 'overrides.deployment.replicas', /replicas \(or autoscaling\)/],
    ['the pod template', { deployment: { template: {} } }, 'overrides.deployment.template', /overrides\.pod and overrides\.container/],
    ['the image', { container: { image: 'evil:1' } }, 'overrides.container.image', /the image of each track or version/],
    ['host networking', { pod: { hostNetwork: true } }, 'overrides.pod.hostNetwork', /restricted profile forbids it/],
    ['the security context', { container: { securityContext: { privileged: true } } }, 'overrides.container.securityContext', /security/],
    ['a misspelt part', { pods: {} }, 'overrides.pods', /did you mean "pod"/],
    ['a part that is not an object', { pod: [] }, 'overrides.pod', /an object of pod spec fields/],
  ] as Array<[string, unknown, string, RegExp]>)('refuses %s, naming the prop that sets it', (_t, overrides, field, expected) => {
    const e = configError(() => new CanaryApp(Testing.app(), 'shop', { ...base, overrides: overrides as WorkloadOverrides }));
    expect([e.field, e.expected]).toEqual([field, expect.stringMatching(expected)]);
  });

  describe('is checked at synthesis with the schema verify uses', () => {
    test.each([
      ['an unknown pod field', { pod: { dnsPolicyy: 'None' } }, 'overrides.pod.dnsPolicyy', 'None', 'a field of the Kubernetes PodSpec (unknown field "dnsPolicyy")'],
      ['an unknown nested field', { pod: { dnsConfig: { options: [{ nam: 'ndots' }] } } }, 'overrides.pod.dnsConfig.options[0].nam', 'ndots', 'a field of the Kubernetes PodSpec (unknown field "nam")'],
      ['a pod field of the wrong type', { pod: { enableServiceLinks: 'no' } }, 'overrides.pod.enableServiceLinks', 'no', 'a value accepted by the Kubernetes PodSpec (must be boolean, not string)'],
      ['a value outside an enum', { container: { terminationMessagePolicy: 'Logs' } }, 'overrides.container.terminationMessagePolicy', 'Logs', 'a value accepted by the Kubernetes Container (must be one of "FallbackToLogsOnError", "File")'],
      ['an unknown container field', { container: { workdir: '/srv' } }, 'overrides.container.workdir', '/srv', 'a field of the Kubernetes Container (unknown field "workdir")'],
      ['a Deployment field of the wrong type', { deployment: { revisionHistoryLimit: '3' } }, 'overrides.deployment.revisionHistoryLimit', '3', 'a value accepted by the Kubernetes DeploymentSpec (must be integer, not string)'],
      ['a required field left out', { pod: { hostAliases: [{ hostnames: ['db'] }] } }, 'overrides.pod.hostAliases[0].ip', undefined, 'a value accepted by the Kubernetes PodSpec (required field "ip" is missing)'],
    ] as Array<[string, unknown, string, unknown, string]>)('refuses %s, naming the path under overrides', (_t, overrides, field, value, expected) => {
      const e = configError(() => new CanaryApp(Testing.app(), 'shop', { ...base, overrides: overrides as WorkloadOverrides }));
      expect([e.path, e.field, e.value, e.expected]).toEqual(['shop', field, value, expected]);
    });

    test('affinity, also written as the API writes it, is checked the same way', () => {
      const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: '10', preference: {} }] } };
      const e = configError(() => new CanaryApp(Testing.app(), 'shop', { ...base, affinity: affinity as never }));
      expect([e.field, e.value, e.expected]).toEqual(['affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', '10', 'a value accepted by the Kubernetes PodSpec (must be integer, not string)']);
    });

    test('on Gateway versions and StagedRelease tiers as on CanaryApp tracks', () => {
      const overrides = { pod: { runtimeClass: 'gvisor' } } as WorkloadOverrides;
      const gateway = configError(
        () => new Gateway(Testing.app(), 'shop', { provider: Traffic.istio(), versions: { v1: { image: 'acme/shop:1.0.0', overrides } }, phases: [Release.to('v1')] }),
      );
      expect([gateway.path, gateway.field]).toEqual(['shop', 'versions.v1.overrides.pod.runtimeClass']);
      const staged = configError(() => new StagedRelease(Testing.app(), 'shop', seedProps({ backend: { ...seedProps().backend, overrides } })));
      expect([staged.path, staged.field]).toEqual(['shop', 'backend.overrides.pod.runtimeClass']);
    });
  });
});
