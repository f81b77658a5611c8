import { withFlaggerObjects } from '../../lib/verify/loading/flagger-objects';
import { K8sObject } from '../../lib/verify/loading/manifest';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop', namespace: 'web', labels: { 'app.kubernetes.io/name': 'shop', team: 'a' } },
  spec: { replicas: 4, selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } }, template: { metadata: { labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': '2' } }, spec: {} } },
} as unknown as K8sObject;
const canary = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'shop', namespace: 'web' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, service: { name: 'front', port: 80, targetPort: 'http', portName: 'http' } },
} as unknown as K8sObject;

test('a Canary stands for what Flagger writes: the target at zero, its primary serving, the Services on the primary pods', () => {
  const out = withFlaggerObjects([deployment, canary]) as any[];
  expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/shop', 'Canary/shop', 'Deployment/shop-primary', 'Service/front', 'Service/front-primary']);
  expect(out[0].spec.replicas).toBe(0);
  expect(out[2].spec.replicas).toBe(4);
  expect(out[2].spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop-primary' });
  expect(out[2].spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'shop-primary', 'app.kubernetes.io/version': '2' });
  expect(out[3].spec).toEqual({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'shop-primary' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  // The objects read are not changed.
  expect((deployment as any).spec.replicas).toBe(4);
});

test('without a Canary, or one whose target is not in the phase, the objects are as read', () => {
  expect(withFlaggerObjects([deployment])).toEqual([deployment]);
  expect(withFlaggerObjects([canary])).toEqual([canary]);
});
