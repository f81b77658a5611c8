import { Testing } from 'cdk8s';
import { Gateway, GatewayPhase, GatewayProps, Match, Release, ServiceType, Traffic } from '../../lib';
import { validateSchema } from '../../lib/verify/schema/schema';
import { normalised, realisedRoutes, wiringProblems } from './gateway-wiring';
import { Doc, phasesOf } from './manifests';

/** The two sava-product versions of the Vamp tutorial. */
export const SAVA_VERSIONS: GatewayProps['versions'] = {
  '1.0.3': { image: 'vampio/sava-product:1.0.3', replicas: 1 },
  '1.1.0': { image: 'vampio/sava-product:1.1.0', replicas: 1 },
};

/** The sava-product release; the media-type phase only where conditions are possible. */
export function savaPhases(withMediaType = true): GatewayPhase[] {
  return [
    Release.to('1.0.3'),
    Release.to('1.0.3').withDark('1.1.0'),
    Release.split({ '1.0.3': 50, '1.1.0': 50 }),
    ...(withMediaType ? [Release.to('1.1.0').when(Match.header('accept', 'application/vnd.sava.v1+json'), '1.0.3')] : []),
    Release.to('1.1.0').withDark('1.0.3'),
    Release.to('1.1.0').named('1-0-3-removed'),
  ];
}

export function sava(props: Partial<GatewayProps> = {}, id = 'sava-product'): Gateway {
  return new Gateway(Testing.app(), id, {
    port: 9070,
    serviceType: ServiceType.NODE_PORT,
    ports: [{ containerPort: 8080 }],
    versions: SAVA_VERSIONS,
    phases: savaPhases(props.provider?.capabilities.conditions ?? false),
    ...props,
  });
}

/** The three-phase sockshop gateway for small tests: v1, v2 dark, then the given phase. */
export function shop(provider: Traffic, last: GatewayPhase, props: Partial<GatewayProps> = {}): Gateway {
  return new Gateway(Testing.app(), 'shop', {
    name: 'front-end',
    provider,
    versions: { v1: { image: 'acme/front-end:0.5.0', replicas: 1 }, v2: { image: 'acme/front-end:0.6.0', replicas: 1 } },
    phases: [Release.to('v1'), Release.to('v1').withDark('v2'), last],
    ...props,
  });
}

/** Every phase's schema issues, wiring problems and mismatches with release.json; [] when all is well. */
export function problemsOf(gateway: Gateway): string[] {
  const phases = phasesOf(gateway);
  const problems: string[] = [];
  for (const p of gateway.declaration.phases) {
    const docs = phases.get(p.name)! as Doc[];
    for (const d of docs) for (const i of validateSchema(d)) problems.push(`${p.name}: ${d.kind}/${d.metadata.name} ${i.path}: ${i.message}`);
    for (const w of wiringProblems(docs)) problems.push(`${p.name}: ${w}`);
    const realised = JSON.stringify(realisedRoutes(docs));
    const declared = JSON.stringify(normalised(p.addresses[0].routes));
    if (realised !== declared) problems.push(`${p.name}: release.json declares ${declared} but the manifests realise ${realised}`);
  }
  return problems;
}

export { configError } from './errors';
