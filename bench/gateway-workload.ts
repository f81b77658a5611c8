import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { renderApp, writeAtomically } from '../lib';
import { Written } from './output';
import { AppSpec } from './workload';

/** The module of the Gateway construct (Istio provider); the gateway workload runs once it exists. */
export const GATEWAY_MODULE = path.resolve(__dirname, '../lib/render/gateway');

export function gatewayAvailable(): boolean {
  return fs.existsSync(`${GATEWAY_MODULE}.ts`) || fs.existsSync(`${GATEWAY_MODULE}.js`);
}

// ───────────────────────────────────────────────────────────────────────────────
// THE GATEWAY WORKLOAD: one Istio gateway release per application, every phase.
// Written against the Gateway construct of main (versions + phases, Traffic.istio());
// if its props change, adapt this function only: (c) and (d) of this workload replay
// the objects it renders, so nothing else in the benchmark depends on them.
// ───────────────────────────────────────────────────────────────────────────────
/** Phases of each release of the gateway workload. */
export const GATEWAY_PHASES = 6;

export function defineGatewayRelease(app: App, spec: AppSpec): void {
  // Loaded at run time so that the benchmark compiles before the construct exists.
  const lib = require('../lib');
  const { Gateway, Release, Traffic, EnvValue, Probe } = lib;
  const [stable, canary] = [spec.stableVersion, spec.canaryVersion];
  new Gateway(app, spec.name, {
    provider: Traffic.istio(),
    ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, servicePort: p.servicePort })),
    readinessProbe: Probe.httpGet(spec.readinessPath),
    env: Object.fromEntries(spec.env.map((e) => [e.name, e.secret ? EnvValue.fromSecret(e.secret.name, e.secret.key) : EnvValue.fromValue(e.value)])),
    versions: {
      [stable]: { image: spec.stableImage, replicas: spec.replicas },
      [canary]: { image: spec.canaryImage, replicas: spec.replicas },
    },
    phases: [
      Release.to(stable).named('stable'),
      Release.to(stable).withDark(canary).named('dark'),
      Release.split({ [stable]: 90, [canary]: 10 }).named('canary-10'),
      Release.split({ [stable]: 50, [canary]: 50 }).named('canary-50'),
      Release.to(canary).withDark(stable).named('promote'),
      Release.to(canary).named('stable-removed'),
    ],
  });
}

/** (a) of the gateway workload. */
export function runGatewayLibrary(specs: readonly AppSpec[], outdir: string): Written {
  const app = new App({ outdir });
  for (const spec of specs) defineGatewayRelease(app, spec);
  const files = renderApp(app);
  const start = performance.now();
  writeAtomically(outdir, files);
  return { files: files.length, writeMs: performance.now() - start };
}
