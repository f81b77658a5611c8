import { flaggerObjects } from '../../lib/verify/loading/controller-objects';
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

const replicasOf = (target: K8sObject) => (target as any).spec.replicas as number;

test('a Canary stands for what Flagger writes: its primary serving, the Services on the primary pods and the canary Service on the target', () => {
  const out = flaggerObjects([deployment, canary], replicasOf) as any[];
  expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/shop-primary', 'Service/front', 'Service/front-primary', 'Service/front-canary']);
  expect(out[0].spec.replicas).toBe(4);
  expect(out[0].spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop-primary' });
  expect(out[0].spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'shop-primary', 'app.kubernetes.io/version': '2' });
  expect(out[1].spec).toEqual({ selector: { 'app.kubernetes.io/name': 'shop-primary' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  expect(out[3].spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
  // The objects read are not changed.
  expect((deployment as any).spec.replicas).toBe(4);
});

test('without a Canary, or one whose target is not in the phase or has no selector label Flagger renames, nothing is written', () => {
  expect(flaggerObjects([deployment], replicasOf)).toEqual([]);
  expect(flaggerObjects([canary], replicasOf)).toEqual([]);
  const unlabelled = { ...deployment, spec: { ...(deployment as any).spec, selector: { matchLabels: { team: 'a' } } } } as unknown as K8sObject;
  expect(flaggerObjects([unlabelled, canary], replicasOf)).toEqual([]);
});
