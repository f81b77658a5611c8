import { App } from 'cdk8s';
import { Release, renderApp, Traffic } from '../../lib';
import { shop } from '../support/gateway-fixture';

// The behaviour of Gateway is tested by phase in gateway-examples, gateway-errors, the traffic
// tests and the property tests; this is the one phase a reviewer reads whole.
test('a 90/10 split on Istio, as written to manifest.yaml', () => {
  const gateway = shop(Traffic.istio(), Release.split({ v1: 90, v2: 10 }).named('canary-10'));
  const files = renderApp(gateway.node.root as App);
  expect(files.find((f) => f.path === 'shop/canary-10/manifest.yaml')!.content).toMatchSnapshot();
});
