import { App } from 'cdk8s';
import { Gateway, Release, Traffic } from '../lib';
import { Written } from './output';
import { podOptions, synthesizeApps } from './variants/library';
import { AppSpec } from './workload';

// The gateway workload: one Istio gateway release per application, every phase, each
// version autoscaled and with its own released configuration. Its (c)
// and (d) replay the objects (a) renders (bench/variants/replay.ts), so nothing else in
// the benchmark depends on the Gateway's props.

/** Phases of each release of the gateway workload. */
export const GATEWAY_PHASES = 6;

export function defineGatewayRelease(app: App, spec: AppSpec): void {
  const [stable, canary] = [spec.stableVersion, spec.canaryVersion];
  new Gateway(app, spec.name, {
    provider: Traffic.istio(),
    ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, servicePort: p.servicePort })),
    ...podOptions(spec),
    autoscaling: { maxReplicas: spec.replicas * 4 },
    versions: {
      [stable]: { image: spec.stableImage, replicas: spec.replicas, config: { files: { 'app.yaml': `version: ${stable}\nworkers: ${spec.replicas}\n` } } },
      [canary]: { image: spec.canaryImage, replicas: spec.replicas, config: { files: { 'app.yaml': `version: ${canary}\nworkers: ${spec.replicas * 2}\n` } } },
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
  return synthesizeApps(specs, outdir, defineGatewayRelease);
}
