import { CleanupMode, StageStrategy } from '../../lib/model/stage-strategy';
import { validateSchema } from '../../lib/verify/schema/schema';
import {
  VARIANTS,
  backendReadyProblems,
  backendUrl,
  find,
  immutableProblems,
  minReadyDuring,
  render,
  resolveAmount,
  seedProps,
  selectorProblems,
  serviceProblems,
  wiringProblems,
} from './staged-fixtures';
import { maybeFind } from '../support/manifests';

describe('StagedRelease, isolated strategy (the seed)', () => {
  const { release, phases, files } = render(seedProps());
  const objects = (phase: string) => phases.get(phase)!;
  const names = (phase: string) => objects(phase).map((o) => `${o.kind}/${o.metadata.name}`);

  test('renders the four phases of the seed, in order', () => {
    expect(release.phaseNames).toEqual(['initial-active', 'smoke', 'upgrade-active', 'cleanup']);
    expect([...phases.keys()].sort()).toEqual(['cleanup', 'initial-active', 'smoke', 'upgrade-active']);
  });

  test('initial-active: v1 frontend behind frontend-active, calling backend-v1', () => {
    expect(names('initial-active')).toEqual(['Service/backend-v1', 'Service/frontend-active', 'Deployment/backend-v1', 'Deployment/frontend-active']);
    const fe = find(objects('initial-active'), 'Deployment', 'frontend-active');
    expect(fe.spec.replicas).toBe(5);
    expect(fe.spec.template.spec.containers[0].image).toBe('frontend:v1');
    expect(backendUrl(fe)).toBe('http://backend-v1:80');
    expect(find(objects('initial-active'), 'Deployment', 'backend-v1').spec.replicas).toBe(5);
  });

  test('smoke: adds backend-v2, the v2 smoke frontend and its test, and leaves every active object byte-identical', () => {
    expect(names('smoke')).toEqual([
      'Service/backend-v1',
      'Service/backend-v2',
      'Service/frontend-active',
      'Service/frontend-smoke',
      'Deployment/backend-v1',
      'Deployment/backend-v2',
      'Deployment/frontend-active',
      'Deployment/frontend-smoke',
      'Job/smoke-test-frontend-v2-backend-v2',
    ]);
    for (const o of objects('initial-active')) {
      expect(find(objects('smoke'), o.kind, o.metadata.name).text).toBe(o.text);
    }
    const smoke = find(objects('smoke'), 'Deployment', 'frontend-smoke');
    expect(smoke.spec.template.metadata.labels['deploy-stage']).toBe('smoke');
    expect(smoke.spec.template.spec.containers[0].image).toBe('frontend:v2');
    expect(backendUrl(smoke)).toBe('http://backend-v2:80');
    expect(find(objects('smoke'), 'Deployment', 'backend-v2').spec.replicas).toBe(5);
  });

  test('upgrade-active: the same frontend-active Deployment moves to v2 and backend-v2 while backend-v1 still runs', () => {
    const before = find(objects('smoke'), 'Deployment', 'frontend-active');
    const after = find(objects('upgrade-active'), 'Deployment', 'frontend-active');
    expect(after.spec.selector).toEqual(before.spec.selector);
    expect(after.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'frontend', 'deploy-stage': 'active' });
    expect(after.spec.template.spec.containers[0].image).toBe('frontend:v2');
    expect(after.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v2');
    expect(backendUrl(after)).toBe('http://backend-v2:80');
    expect(after.spec.minReadySeconds).toBe(30);
    expect(after.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(find(objects('upgrade-active'), 'Deployment', 'backend-v1').spec.replicas).toBe(5);
    expect(find(objects('upgrade-active'), 'Service', 'frontend-active').text).toBe(find(objects('smoke'), 'Service', 'frontend-active').text);
    // The smoke test has done its job: the next apply --prune removes it.
    expect(objects('upgrade-active').some((o) => o.kind === 'Job')).toBe(false);
  });

  test('cleanup (default): backend-v1 and the smoke frontend are scaled to zero, their Services kept', () => {
    expect(find(objects('cleanup'), 'Deployment', 'backend-v1').spec.replicas).toBe(0);
    expect(find(objects('cleanup'), 'Deployment', 'frontend-smoke').spec.replicas).toBe(0);
    expect(find(objects('cleanup'), 'Deployment', 'backend-v2').spec.replicas).toBe(5);
    expect(find(objects('cleanup'), 'Deployment', 'frontend-active').text).toBe(find(objects('upgrade-active'), 'Deployment', 'frontend-active').text);
  });

  test('cleanup, remove variant: only the active frontend and backend-v2 remain', () => {
    const removed = render(seedProps({ cleanup: CleanupMode.REMOVE })).phases.get('cleanup')!;
    expect(removed.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/backend-v2', 'Service/frontend-active', 'Deployment/backend-v2', 'Deployment/frontend-active']);
  });

  test('declares one production address, frontend-active, at its full replica count', () => {
    const decl = release.declaration;
    expect(decl).toMatchObject({ strategy: 'smoke-active', provider: 'service', release: 'seamless' });
    expect(decl.phases.map((p) => p.addresses)).toEqual(
      ['v1', 'v1', 'v2', 'v2'].map((version) => [{ name: 'frontend-active', minAvailable: 5, routes: [{ conditions: [], backends: [{ version, weight: 5 }] }] }]),
    );
    expect(decl.phases[1].description).toContain('kubectl wait --for=condition=complete job/smoke-test-frontend-v2-backend-v2');
    expect(JSON.parse(files.get('seamless/release.json')!)).toEqual(JSON.parse(JSON.stringify(decl)));
  });

  test('labels: tier name, release instance, version, and deploy-stage on frontend pods', () => {
    const fe = find(objects('smoke'), 'Deployment', 'frontend-active');
    expect(fe.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'frontend',
      'app.kubernetes.io/instance': 'seamless',
      'app.kubernetes.io/managed-by': 'cdk8s-canary',
      'app.kubernetes.io/version': 'v1',
      'deploy-stage': 'active',
    });
    const be = find(objects('smoke'), 'Deployment', 'backend-v2');
    expect(be.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'backend', 'deploy-version': 'v2' });
    for (const o of objects('smoke')) expect(o.metadata.labels!['app.kubernetes.io/instance']).toBe('seamless');
  });
});

describe('StagedRelease, compatible strategy', () => {
  const { release, phases } = render(seedProps({ strategy: StageStrategy.COMPATIBLE }));
  const at = (phase: string, kind: string, name: string) => find(phases.get(phase)!, kind, name);
  const image = (phase: string, name: string) => at(phase, 'Deployment', name).spec.template.spec.containers[0].image;

  test('smoke copy: v1, then backend v2, then frontend v2; then the same on active', () => {
    expect(release.phaseNames).toEqual(['initial-active', 'smoke', 'smoke-backend', 'smoke-frontend', 'upgrade-active-backend', 'upgrade-active-frontend', 'cleanup']);
    const images = release.phaseNames.slice(0, -1).map((p) => [p, image(p, 'frontend-active'), image(p, 'backend-active'), p === 'initial-active' ? '' : `${image(p, 'frontend-smoke')} → ${image(p, 'backend-smoke')}`]);
    expect(images).toEqual([
      ['initial-active', 'frontend:v1', 'backend:v1', ''],
      ['smoke', 'frontend:v1', 'backend:v1', 'frontend:v1 → backend:v1'],
      ['smoke-backend', 'frontend:v1', 'backend:v1', 'frontend:v1 → backend:v2'],
      ['smoke-frontend', 'frontend:v1', 'backend:v1', 'frontend:v2 → backend:v2'],
      ['upgrade-active-backend', 'frontend:v1', 'backend:v2', 'frontend:v2 → backend:v2'],
      ['upgrade-active-frontend', 'frontend:v2', 'backend:v2', 'frontend:v2 → backend:v2'],
    ]);
  });

  test('each smoke step has its own test Job, named after the versions it expects', () => {
    const jobs = release.phaseNames.map((p) => phases.get(p)!.filter((o) => o.kind === 'Job').map((j) => j.metadata.name));
    expect(jobs).toEqual([[], ['smoke-test-frontend-v1-backend-v1'], ['smoke-test-frontend-v1-backend-v2'], ['smoke-test-frontend-v2-backend-v2'], [], [], []]);
    const expectText = (phase: string, job: string) => at(phase, 'Job', job).spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'EXPECT').value;
    expect(expectText('smoke-backend', 'smoke-test-frontend-v1-backend-v2')).toBe('frontend:v1 - backend:v2');
  });

  test('the active frontend never changes while its backend is upgraded in place', () => {
    const text = at('initial-active', 'Deployment', 'frontend-active').text;
    for (const p of ['smoke', 'smoke-backend', 'smoke-frontend', 'upgrade-active-backend']) expect(at(p, 'Deployment', 'frontend-active').text).toBe(text);
    expect(backendUrl(at('upgrade-active-frontend', 'Deployment', 'frontend-active'))).toBe('http://backend-active:80');
  });

  test('stage-bound backends are selected by deploy-stage, the smoke one at the smoke replica count', () => {
    expect(at('smoke', 'Deployment', 'backend-smoke').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'backend', 'deploy-stage': 'smoke' });
    expect(at('smoke', 'Deployment', 'backend-smoke').spec.replicas).toBe(1);
    expect(at('cleanup', 'Deployment', 'backend-smoke').spec.replicas).toBe(0);
  });
});

describe.each(VARIANTS)('invariants: %s', (_, overrides) => {
  const { release, phases } = render(seedProps(overrides));
  const decl = release.declaration;

  test('every manifest is valid against the upstream schemas', () => {
    const issues = [...phases.values()].flat().flatMap((o) => {
      const { text, ...doc } = o;
      return validateSchema(doc).map((i) => `${o.kind}/${o.metadata.name} ${i.path}: ${i.message}`);
    });
    expect(issues).toEqual([]);
  });

  test('every Service selects the pods of its own Deployment in its phase, never a Job pod', () => {
    expect([...phases].flatMap(([p, objs]) => serviceProblems(p, objs))).toEqual([]);
  });

  test('Deployment selectors hold their own pods and never the version', () => {
    expect([...phases].flatMap(([p, objs]) => selectorProblems(p, objs))).toEqual([]);
  });

  test('every frontend calls a backend Service of its own phase', () => {
    expect([...phases].flatMap(([p, objs]) => wiringProblems(p, objs))).toEqual([]);
  });

  test('no immutable field changes on any declared transition', () => {
    expect(decl.transitions.flatMap(([a, b]) => immutableProblems(a, phases.get(a)!, b, phases.get(b)!))).toEqual([]);
  });

  test('a Deployment keeps one selector in every phase it appears in', () => {
    const selectors = new Map<string, string>();
    for (const objs of phases.values()) {
      for (const d of objs.filter((o) => o.kind === 'Deployment')) {
        const s = JSON.stringify(d.spec.selector);
        expect(selectors.get(d.metadata.name) ?? s).toBe(s);
        selectors.set(d.metadata.name, s);
      }
    }
  });

  test('frontend-active keeps at least its full replica count of ready pods on every transition', () => {
    const replicas = find(phases.get('initial-active')!, 'Deployment', 'frontend-active').spec.replicas;
    for (const [a, b] of decl.transitions) {
      const address = decl.phases.find((p) => p.name === b)!.addresses[0];
      expect(address.minAvailable).toBe(replicas);
      expect({ transition: `${a} → ${b}`, ready: minReadyDuring(phases.get(a)!, phases.get(b)!, 'frontend-active') }).toEqual({ transition: `${a} → ${b}`, ready: replicas });
    }
  });

  test('the rolling update of frontend-active removes no pod before its replacement is ready', () => {
    for (const objs of phases.values()) {
      const d = find(objs, 'Deployment', 'frontend-active');
      const ru = d.spec.strategy.rollingUpdate;
      expect(resolveAmount(ru.maxUnavailable, d.spec.replicas, 'down')).toBe(0);
      expect(resolveAmount(ru.maxSurge, d.spec.replicas, 'up')).toBeGreaterThanOrEqual(1);
    }
  });

  test('no running Service loses capacity on any transition (backends upgraded in place included)', () => {
    for (const [a, b] of decl.transitions) {
      for (const svc of phases.get(b)!.filter((o) => o.kind === 'Service')) {
        const before = maybeFind(phases.get(a)!, 'Deployment', svc.metadata.name);
        const after = find(phases.get(b)!, 'Deployment', svc.metadata.name);
        if (!before) continue;
        const floor = Math.min(before.spec.replicas, after.spec.replicas);
        expect(`${a} → ${b} ${svc.metadata.name}: ${minReadyDuring(phases.get(a)!, phases.get(b)!, svc.metadata.name)}`).toBe(`${a} → ${b} ${svc.metadata.name}: ${floor}`);
      }
    }
  });

  test('a frontend moves only to a backend already running in the phase before', () => {
    expect(decl.transitions.flatMap(([a, b]) => backendReadyProblems(a, phases.get(a)!, b, phases.get(b)!))).toEqual([]);
  });

  test('transitions name declared phases and chain every phase in order', () => {
    const names = decl.phases.map((p) => p.name);
    for (const [a, b] of decl.transitions) expect([names.includes(a), names.includes(b)]).toEqual([true, true]);
    expect(names.slice(1).map((to, i) => [names[i], to])).toEqual(decl.transitions.slice(0, names.length - 1));
  });
});

test('the smoke phase of the seed, as written to manifest.yaml', () => {
  expect(render(seedProps()).files.get('seamless/smoke/manifest.yaml')).toMatchSnapshot();
});
