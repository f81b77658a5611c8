import { App, Testing } from 'cdk8s';
import { CanaryApp, CanaryAppProps, CanaryStep, CapacityMode, DisruptionBudget, EnvValue, Probe, renderApp, ServiceType, SynthesisValidationError } from '../../lib';
import { Doc, find, maybeFind, phasesOf, selectedDeployments } from '../support/manifests';
import { configError } from '../support/errors';

const base: CanaryAppProps = { stableImage: 'acme/shop:1.0.0', canaryImage: 'acme/shop:1.1.0' };

function canary(props: Partial<CanaryAppProps> = {}, id = 'shop'): CanaryApp {
  return new CanaryApp(Testing.app(), id, { ...base, ...props });
}

function replicasOf(docs: Doc[], name: string): number | undefined {
  return maybeFind(docs, 'Deployment', name)?.spec.replicas;
}

describe('CanaryApp phases', () => {
  test('constant capacity: 3 stable → 2 stable + 1 canary → promote / rollback at 3', () => {
    const phases = phasesOf(canary({ replicas: 3, steps: [CanaryStep.replicas(1)] }));
    expect([...phases.keys()]).toEqual(['stable', 'dark', 'canary-33', 'promote', 'rollback']);
    const counts = [...phases].map(([p, docs]) => [p, replicasOf(docs, 'shop-stable'), replicasOf(docs, 'shop-canary')]);
    expect(counts).toEqual([
      ['stable', 3, undefined],
      ['dark', 3, 1],
      ['canary-33', 2, 1],
      ['promote', 3, undefined],
      ['rollback', 3, undefined],
    ]);
  });

  test('surge capacity: the canary comes on top of n stable pods and gets 1/(n+1)', () => {
    const app = canary({ replicas: 3, capacity: CapacityMode.SURGE, steps: [CanaryStep.replicas(1), CanaryStep.weight(50)] });
    const phases = phasesOf(app);
    expect([...phases.keys()]).toEqual(['stable', 'dark', 'canary-25', 'canary-50', 'promote', 'rollback']);
    expect(replicasOf(phases.get('canary-25')!, 'shop-stable')).toBe(3);
    expect(replicasOf(phases.get('canary-25')!, 'shop-canary')).toBe(1);
    expect(replicasOf(phases.get('canary-50')!, 'shop-canary')).toBe(3);
  });

  test('weights 10, 25, 50 of 20 replicas are realised exactly by replica counts', () => {
    const phases = phasesOf(canary({ replicas: 20, steps: [10, 25, 50].map(CanaryStep.weight) }));
    for (const [name, pct] of [['canary-10', 10], ['canary-25', 25], ['canary-50', 50]] as const) {
      const docs = phases.get(name)!;
      const service = find(docs, 'Service', 'shop');
      const served = selectedDeployments(docs, service);
      const total = served.reduce((n, d) => n + d.spec.replicas, 0);
      const canaryPods = served.filter((d) => d.metadata.name === 'shop-canary').reduce((n, d) => n + d.spec.replicas, 0);
      expect(canaryPods * 100).toBe(pct * total);
    }
  });

  test('promote runs the new image on the stable Deployment; rollback the old one', () => {
    const phases = phasesOf(canary());
    const image = (p: string, d: string) => find(phases.get(p)!, 'Deployment', d).spec.template.spec.containers[0].image;
    expect(image('stable', 'shop-stable')).toBe('acme/shop:1.0.0');
    expect(image('canary-33', 'shop-canary')).toBe('acme/shop:1.1.0');
    expect(image('promote', 'shop-stable')).toBe('acme/shop:1.1.0');
    expect(image('rollback', 'shop-stable')).toBe('acme/shop:1.0.0');
    expect(maybeFind(phases.get('promote')!, 'Deployment', 'shop-canary')).toBeUndefined();
    expect(maybeFind(phases.get('rollback')!, 'Service', 'shop-canary')).toBeUndefined();
    expect(find(phases.get('promote')!, 'Deployment', 'shop-stable').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.1.0');
  });

  test('dark: the canary runs behind its preview Service only; the production Service stays on stable', () => {
    const dark = phasesOf(canary()).get('dark')!;
    const production = find(dark, 'Service', 'shop');
    expect(selectedDeployments(dark, production).map((d) => d.metadata.name)).toEqual(['shop-stable']);
    const preview = find(dark, 'Service', 'shop-canary');
    expect(selectedDeployments(dark, preview).map((d) => d.metadata.name)).toEqual(['shop-canary']);
    expect(preview.spec.type).toBe('ClusterIP');
  });

  test('in every phase the production Service selects pods, by the app label alone outside the dark phase', () => {
    for (const [phase, docs] of phasesOf(canary({ service: { name: 'shop-lb', type: ServiceType.LOAD_BALANCER } }))) {
      const service = find(docs, 'Service', 'shop-lb');
      expect(selectedDeployments(docs, service).length).toBeGreaterThan(0);
      if (phase !== 'dark') expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop' });
      for (const d of selectedDeployments(docs, service)) {
        const names = d.spec.template.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.name));
        for (const port of service.spec.ports) expect(names).toContain(port.targetPort);
      }
    }
  });

  test('each Deployment selector is the same in every phase and selects by app + track only', () => {
    const selectors = new Map<string, string>();
    for (const docs of phasesOf(canary()).values()) {
      for (const d of docs.filter((x) => x.kind === 'Deployment')) {
        const s = JSON.stringify(d.spec.selector);
        expect(selectors.get(d.metadata.name) ?? s).toBe(s);
        selectors.set(d.metadata.name, s);
        expect(Object.keys(d.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/name', 'track']);
      }
    }
    expect([...selectors.keys()].sort()).toEqual(['shop-canary', 'shop-stable']);
  });

  test('every object carries the prune labels of its release and no construct-path label', () => {
    for (const docs of phasesOf(canary()).values()) {
      for (const d of docs) {
        expect(d.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-canary' });
        expect(JSON.stringify(d)).not.toContain('cdk8s.io/metadata.addr');
      }
    }
    expect(canary().declaration.pruneSelector).toBe('app.kubernetes.io/instance=shop,app.kubernetes.io/managed-by=cdk8s-canary');
  });

  test('pods meet the restricted profile and request resources by default', () => {
    const pod = find(phasesOf(canary()).get('stable')!, 'Deployment', 'shop-stable').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(c.resources.limits).toEqual({ memory: '256Mi' });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 'http' } });
  });

  test('read-only root filesystem gets a writable /tmp', () => {
    const pod = find(phasesOf(canary({ security: { readOnlyRootFilesystem: true, runAsUser: 10001 } })).get('stable')!, 'Deployment', 'shop-stable').spec.template.spec;
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.securityContext.runAsUser).toBe(10001);
  });

  test('declaration: shares per phase as relative weights by version', () => {
    const decl = canary({ replicas: 4, capacity: CapacityMode.SURGE, steps: [CanaryStep.replicas(1)] }).declaration;
    const routes = Object.fromEntries(decl.phases.map((p) => [p.name, p.addresses[0].routes[0].backends]));
    expect(routes).toEqual({
      'stable': [{ version: '1.0.0', weight: 4 }],
      'dark': [{ version: '1.0.0', weight: 4 }],
      'canary-20': [{ version: '1.0.0', weight: 4 }, { version: '1.1.0', weight: 1 }],
      'promote': [{ version: '1.1.0', weight: 4 }],
      'rollback': [{ version: '1.0.0', weight: 4 }],
    });
    expect(decl.transitions).toEqual([
      ['stable', 'dark'],
      ['dark', 'canary-20'],
      ['canary-20', 'promote'],
      ['dark', 'rollback'],
      ['canary-20', 'rollback'],
    ]);
    expect(decl.phases[0].addresses[0].minAvailable).toBe(3);
  });
});

describe('CanaryApp rejects bad input, naming the construct and the field', () => {
  const cases: Array<[string, Partial<CanaryAppProps>, string, RegExp]> = [
    ['name not DNS-1035', { name: 'Address_Book' }, 'name', /DNS-1035 label/],
    ['Service name starting with a digit', { service: { name: '80-lb' } }, 'service.name', /DNS-1035 label/],
    ['replicas < 1', { replicas: 0 }, 'replicas', /integer from 1 to 10000/],
    ['fractional replicas', { replicas: 2.5 }, 'replicas', /integer from 1 to 10000/],
    ['weight above 100', { replicas: 10, steps: [CanaryStep.weight(101)] }, 'steps[0].weight', /from 1 to 99/],
    ['negative weight', { replicas: 10, steps: [CanaryStep.weight(-5)] }, 'steps[0].weight', /from 1 to 99/],
    ['10% of 3 replicas', { replicas: 3, steps: [CanaryStep.weight(10)] }, 'steps[0].weight', /10% would need 0\.30 canary pods\): with 3 replicas \(constant\) the canary shares are 1 pod = 33\.3%, 2 pods = 66\.7%; 10% needs replicas that are a multiple of 10 \(e\.g\. 10: 9 stable \+ 1 canary\)/],
    ['steps not increasing', { replicas: 10, steps: [CanaryStep.weight(50), CanaryStep.weight(20)] }, 'steps[1]', /more canary pods than the step before/],
    ['canary step taking every pod', { replicas: 3, steps: [CanaryStep.replicas(3)] }, 'steps[0].replicas', /from 1 to 2/],
    ['image without tag', { canaryImage: 'acme/shop' }, 'canaryImage', /pinned by a tag or a digest/],
    ['image :latest', { stableImage: 'acme/shop:latest' }, 'stableImage', /other than "latest"/],
    ['malformed image', { stableImage: 'Acme Shop:1' }, 'stableImage', /image reference/],
    ['same image twice', { canaryImage: 'acme/shop:1.0.0' }, 'canaryImage', /other than stableImage/],
    ['secret reference without key', { env: { DB_PASSWORD: EnvValue.fromSecret('db', '') } }, 'env.DB_PASSWORD.key', /non-empty key/],
    ['literal secret', { env: { DB_PASSWORD: EnvValue.fromValue('hunter2') } }, 'env.DB_PASSWORD', /EnvValue\.fromSecret/],
    ['duplicate port numbers', { ports: [{ name: 'http', containerPort: 80 }, { name: 'admin', containerPort: 80 }] }, 'ports[1].containerPort', /not used by an earlier port/],
    ['duplicate port names', { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }, 'ports[1].name', /not used by an earlier port/],
    ['probe on an unknown port', { readinessProbe: Probe.httpGet('/ready', { port: 'admin' }) }, 'readinessProbe.port', /name of a container port/],
    ['nodePort on ClusterIP', { ports: [{ containerPort: 80, nodePort: 30080 }] }, 'ports[0].nodePort', /no nodePort on a ClusterIP/],
    ['bad quantity', { resources: { requests: { cpu: 'lots' } } }, 'resources.requests.cpu', /Kubernetes quantity/],
    ['rolling update that cannot progress', { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, 'rollingUpdate.maxUnavailable', /above 0 when maxSurge is 0/],
  ];

  test.each(cases)('%s', (_title, props, field, message) => {
    const e = configError(() => canary(props, 'shop'));
    expect(e.path).toBe('shop');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`shop: ${field}: `)).toBe(true);
  });

  test('a literal value for a secret-looking name is accepted when declared not secret', () => {
    expect(() => canary({ env: { TOKEN_TTL: EnvValue.fromValue('3600', { notSecret: true }) } })).not.toThrow();
  });

  test('the literal value of a rejected secret is not echoed', () => {
    expect(() => canary({ env: { API_KEY: EnvValue.fromValue('sk-live-123') } })).toThrow(/<literal value hidden>/);
    expect(() => canary({ env: { API_KEY: EnvValue.fromValue('sk-live-123') } })).not.toThrow(/sk-live-123/);
  });
});

describe('CanaryApp stable disruption budget', () => {
  test('by default one stable pod at a time may be evicted, by the same budget in every phase', () => {
    const phases = phasesOf(canary({ replicas: 3 }));
    const budgets = [...phases.values()].map((docs) => find(docs, 'PodDisruptionBudget', 'shop-stable'));
    expect(new Set(budgets.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(budgets[0].spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'track': 'stable' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    for (const docs of phases.values()) {
      expect(find(docs, 'Deployment', 'shop-stable').spec.selector).toEqual(budgets[0].spec.selector);
      expect(docs.filter((d) => d.kind === 'PodDisruptionBudget')).toHaveLength(1);
    }
  });

  test('can be replaced by a minAvailable below the fewest stable pods of any phase, or left out', () => {
    const kept = phasesOf(canary({ replicas: 4, steps: [CanaryStep.replicas(1)], disruptionBudget: DisruptionBudget.minAvailable(2) }));
    expect(find(kept.get('canary-25')!, 'PodDisruptionBudget', 'shop-stable').spec.minAvailable).toBe(2);
    const none = phasesOf(canary({ disruptionBudget: DisruptionBudget.none() }));
    expect([...none.values()].flat().filter((d) => d.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('a minAvailable that the canary phase would leave no room under is refused', () => {
    // 3 replicas, one replaced by the canary: 2 stable pods, so minAvailable 2 forbids every eviction.
    expect(() => canary({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(2) })).toThrow(
      "shop: disruptionBudget.minAvailable: 2 is invalid; expected fewer pods than the track's fewest in any phase (2), so that a drain can evict one; or use DisruptionBudget.maxUnavailable(1)",
    );
  });
});

describe('CanaryApp defaults are taken only for props left out', () => {
  test('null is a value, refused, not a request for the default', () => {
    expect(() => canary({ replicas: null as never })).toThrow('shop: replicas: null is invalid; expected an integer from 1 to 10000');
    expect(() => canary({ readinessProbe: null as never })).toThrow(/shop: readinessProbe: null is invalid/);
  });

  test('a misspelt prop is refused with the likely spelling', () => {
    expect(() => canary({ replica: 5 } as never)).toThrow('shop: replica: 5 is invalid; expected a property of CanaryAppProps: did you mean "replicas"?');
  });

  test('resource amounts replace the defaults one by one; a larger memory request raises the default limit', () => {
    const resources = (props: Partial<CanaryAppProps>) => find(phasesOf(canary(props)).get('stable')!, 'Deployment', 'shop-stable').spec.template.spec.containers[0].resources;
    expect(resources({ resources: { requests: { cpu: '250m' } } })).toEqual({ requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(resources({ resources: { requests: { memory: '1Gi' } } })).toEqual({ requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    expect(resources({ resources: { limits: { cpu: '2' } } })).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '256Mi' } });
  });

  test('user pod labels add to the labels the library sets and never replace them', () => {
    const labels = find(phasesOf(canary({ podLabels: { team: 'checkout' } })).get('dark')!, 'Deployment', 'shop-canary').spec.template.metadata.labels;
    expect(labels).toEqual({ 'team': 'checkout', 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-canary', 'track': 'canary', 'app.kubernetes.io/version': '1.1.0' });
    expect(() => canary({ podLabels: { track: 'stable' } })).toThrow(/shop: podLabels\.track: "stable" is invalid; expected a label key the library does not set/);
  });
});

describe('releases that would render the same object', () => {
  test('are refused at synthesis, naming both', () => {
    const app = Testing.app();
    new CanaryApp(app, 'cart', base);
    new CanaryApp(app, 'shop', { ...base, service: { name: 'cart' } });
    expect(() => renderApp(app)).toThrow(SynthesisValidationError);
    expect(() => renderApp(app)).toThrow('shop: Service "cart" is also rendered by the release at "cart": applying one would overwrite the other\'s and pruning would delete it; give one of them another name');
  });

  test('each release is told of the last release before it that renders the object, whichever way synthesis validates', () => {
    const app = Testing.app();
    for (const id of ['cart', 'shop', 'till']) new CanaryApp(app, id, { ...base, service: { name: 'front' } });
    const clash = (release: string, earlier: string) => `${release}: Service "front" is also rendered by the release at "${earlier}"`;
    const problems = (() => {
      try {
        renderApp(app);
      } catch (e) {
        return (e as SynthesisValidationError).problems.filter((p) => p.includes('Service "front"'));
      }
      return [];
    })();
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${clash('shop', 'cart')}`)), expect.stringMatching(new RegExp(`^${clash('till', 'shop')}`))]);
    // cdk8s' own synthesis validates each release on its own, and finds the same.
    expect(() => app.synth()).toThrow(`[till] Service "front" is also rendered by the release at "shop"`);
  });

  test('in different namespaces do not clash', () => {
    const app = Testing.app();
    new CanaryApp(app, 'cart', { ...base, namespace: 'a' });
    new CanaryApp(app, 'shop', { ...base, namespace: 'b', service: { name: 'cart' } });
    expect(() => renderApp(app)).not.toThrow();
  });
});

describe('CanaryApp minAvailable and what the plan keeps', () => {
  // 20 replicas at 10%, 25%, 50% with constant capacity: from canary-25 to canary-50 the
  // stable track drops from 15 to 10 pods at once while 5 new canary pods start.
  const props: Partial<CanaryAppProps> = { replicas: 20, steps: [10, 25, 50].map(CanaryStep.weight) };

  test('the default is replicas - 1, lowered to the fewest ready pods the transitions keep', () => {
    expect(canary(props).declaration.phases[0].addresses[0].minAvailable).toBe(15);
    expect(canary({ replicas: 20, steps: [CanaryStep.replicas(1)] }).declaration.phases[0].addresses[0].minAvailable).toBe(19);
  });

  test('a minAvailable above that is refused, naming the transition', () => {
    expect(() => canary({ ...props, minAvailable: 19 })).toThrow(
      'shop: minAvailable: 19 is invalid; expected at most 15, the fewest ready pods the production Service keeps: during canary-25 → canary-50 the stable track drops from 15 to 10 pods at once while 5 new canary pods are not ready yet; or use smaller steps, CapacityMode.SURGE or a lower rollingUpdate.maxUnavailable',
    );
    expect(() => canary({ replicas: 4, capacity: CapacityMode.SURGE, rollingUpdate: { maxUnavailable: '50%' }, minAvailable: 4 })).toThrow(
      /expected at most 3, .* during canary-20 → promote the stable Deployment rolls to 1\.1\.0 keeping 2 of 4 pods \(rollingUpdate\.maxUnavailable 50%\)/,
    );
  });
});

test('the canary-33 phase of a minimal app, as written to manifest.yaml', () => {
  const app = canary({ replicas: 3, steps: [CanaryStep.replicas(1)] });
  const files = renderApp(app.node.root as App);
  expect(files.find((f) => f.path === 'shop/canary-33/manifest.yaml')!.content).toMatchSnapshot();
});
