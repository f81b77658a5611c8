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
// Written against the Gateway construct's props as the seeds describe them; when
// they differ, adapt this function only: (c) and (d) of this workload replay the
// objects it renders, so nothing else in the benchmark depends on its props.
// ───────────────────────────────────────────────────────────────────────────────
export function defineGatewayRelease(app: App, spec: AppSpec): void {
  // Loaded by path so that the benchmark compiles before the construct exists.
  const gateway = require(GATEWAY_MODULE);
  const lib = require('../lib');
  new gateway.Gateway(app, spec.name, {
    stableImage: spec.stableImage,
    canaryImage: spec.canaryImage,
    replicas: spec.replicas,
    provider: lib.TrafficProvider?.istio?.(),
    steps: [10, 50].map((w: number) => lib.CanaryStep.weight(w)),
    ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, servicePort: p.servicePort })),
    readinessProbe: lib.Probe.httpGet(spec.readinessPath),
    host: `${spec.name}.example.com`,
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
