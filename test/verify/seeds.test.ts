import * as path from 'path';
import { formatFinding } from '../../lib/verify/finding';
import { transitionCapacity } from '../../lib/verify/capacity/capacity';
import { loadRelease, ManifestReadError } from '../../lib/verify/loading/loader';
import { indexPhases, verifyPath } from '../../lib/verify/verify';

// The manifests quoted in the tutorials the project starts from (test/fixtures/seeds, see its README).
const seeds = path.join(__dirname, '..', 'fixtures', 'seeds');
const lines = (name: string) => verifyPath(path.join(seeds, name)).findings.map(formatFinding).map((l) => l.replace(`${seeds}/`, ''));

describe('the seed manifests', () => {
  test('semaphore addressbook: overlapping Deployment selectors, a literal DB_PASSWORD, an undeclared port, a canary left running', () => {
    const found = lines('semaphore-addressbook');
    expect(found).toContain(
      'semaphore-addressbook/2-canary: Deployment/addressbook-canary: spec.selector: app=addressbook also matches the pods of Deployment/addressbook-stable: controllers with overlapping selectors fight over pods; add a label that tells them apart (e.g. track) to both selectors [wiring]',
    );
    expect(found).toContain(
      'semaphore-addressbook/1-stable: Deployment/addressbook-stable: spec.template.spec.containers[0].env[1].value: DB_PASSWORD holds a literal value; a secret belongs in a Secret, referenced with valueFrom.secretKeyRef (also in 2-canary, 3-promote) [policy]',
    );
    expect(found).toMatchSnapshot();
  });

  test('semaphore addressbook: the Service keeps at least 2 ready pods through both transitions', () => {
    const [stable, canary, promote] = indexPhases(loadRelease(path.join(seeds, 'semaphore-addressbook')));
    const behindService = (labels: { [key: string]: string }) => labels.app === 'addressbook';
    expect(transitionCapacity(stable, canary, behindService).least).toBe(2);
    expect(transitionCapacity(canary, promote, behindService).least).toBe(3);
  });

  test('istio sockshop, indentation restored: the subsets have no DestinationRule, the images no tag', () => {
    const found = lines('istio-sockshop');
    expect(found).toContain(
      'istio-sockshop/1-v1: VirtualService/sockshop: spec.http[0].route[0].destination.subset: "v1" is not defined by any DestinationRule for host front-end.production.svc.cluster.local (also in 2-v2-deployed, 5-cleanup) [wiring]',
    );
    expect(found).toMatchSnapshot();
  });

  test('istio sockshop as quoted: not valid YAML', () => {
    expect(() => loadRelease(path.join(seeds, 'istio-sockshop-as-quoted'))).toThrow(ManifestReadError);
    expect(() => loadRelease(path.join(seeds, 'istio-sockshop-as-quoted'))).toThrow(/2-logged-in-users\/virtual-service\.yml: line 16, column 1: not valid YAML: All mapping items must start at the same column/);
    expect(lines('istio-sockshop-as-quoted/1-v1')).toEqual(
      ['name: unknown field "name"', 'hosts: unknown field "hosts"', 'gateways: unknown field "gateways"', 'http: unknown field "http"', 'spec: must be object, not null', 'metadata: must be object, not null'].map(
        (m) => `1-v1/1-v1: VirtualService in document 1 of istio-sockshop-as-quoted/1-v1/virtual-service.yml: ${m} [schema]`,
      ),
    );
  });

  test('vamp sava: policy only', () => {
    const found = lines('vamp-sava');
    expect(new Set(verifyPath(path.join(seeds, 'vamp-sava')).findings.map((f) => f.check))).toEqual(new Set(['policy']));
    expect(found).toMatchSnapshot();
  });
});
