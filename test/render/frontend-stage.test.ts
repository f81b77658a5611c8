import { App, Chart, Testing } from 'cdk8s';
import { Checks } from '../../lib/model/checks';
import { ActiveStage } from '../../lib/render/active-stage';
import { Backend } from '../../lib/render/backend';
import { SmokeStage } from '../../lib/render/smoke-stage';
import { Tier } from '../../lib/render/tier';
import { configError } from '../support/errors';

const check = new Checks('test');
const frontend = new Tier(check, 'frontend', { replicas: 2, ports: [{ containerPort: 8080, servicePort: 80 }] }, 'frontend');
const backendTier = new Tier(check, 'backend', { ports: [{ containerPort: 9000 }] }, 'backend');
const rollingUpdate = { maxSurge: 1, maxUnavailable: 0 };

function backendIn(chart: Chart, version: string): Backend {
  return new Backend(chart, `backend-${version}`, { release: 'shop', tier: backendTier, name: `backend-${version}`, version, image: `backend:${version}`, replicas: 1, rollingUpdate });
}

describe('frontend stages used directly', () => {
  test('a stage tells its frontend the address of its backend through the variable', () => {
    const chart = Testing.chart();
    const stage = new ActiveStage(chart, 'active', { release: 'shop', tier: frontend, version: 'v1', image: 'frontend:v1', backend: backendIn(chart, 'v1'), backendUrlVariable: 'API', rollingUpdate });
    expect(stage.name).toBe('frontend-active');
    expect(stage.url).toBe('http://frontend-active:80');
    const fe = Testing.synth(chart).find((o) => o.kind === 'Deployment' && o.metadata.name === 'frontend-active');
    expect(fe.spec.template.spec.containers[0].env).toEqual([{ name: 'API', value: 'http://backend-v1:9000' }]);
    expect(fe.spec.replicas).toBe(2);
  });

  test('a frontend calling a backend of another phase is a ReleaseConfigError naming both', () => {
    const app = new App();
    const before = new Chart(app, 'initial-active');
    const after = new Chart(app, 'upgrade-active');
    const elsewhere = backendIn(before, 'v2');
    const e = configError(() => new SmokeStage(after, 'smoke', { release: 'shop', tier: frontend, version: 'v2', image: 'frontend:v2', backend: elsewhere, backendUrlVariable: 'BACKEND_URL', rollingUpdate }));
    expect([e.path, e.field, e.value]).toEqual(['upgrade-active/smoke', 'backend', 'backend-v2']);
    expect(e.message).toContain('frontend-smoke would call backend-v2, which phase "upgrade-active" does not contain');
  });
});
