import { Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, WorkloadOverrides } from '../../lib';
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
});
