import * as fc from 'fast-check';
import { CanaryAppProps, CanaryStep, CapacityMode, Engine, Gate, ServiceType, Traffic } from '../../../lib';
import { Case, InvalidClass, invalid } from '../support/spec';
import { any } from './primitives';

const PROM = { address: 'http://prometheus.monitoring:9090', query: 'sum(rate(errors[1m]))', successCondition: 'result <= 0.01', count: 1, intervalSeconds: 60 };

/**
 * Any valid CanaryApp moved onto Flagger behind ingress-nginx, with 4 replicas and steps of
 * 25% and 50% (shares Flagger can weigh), then `over`: so that the one refusal a class is
 * about is the first the construct meets.
 */
function onFlagger(over: Partial<CanaryAppProps>): Partial<CanaryAppProps> {
  return {
    name: 'shop',
    namespace: 'web',
    stableVersion: 'v1',
    canaryVersion: 'v2',
    replicas: 4,
    capacity: CapacityMode.CONSTANT,
    steps: [CanaryStep.weight(25), CanaryStep.weight(50)],
    minAvailable: undefined,
    disruptionBudget: undefined,
    // A ClusterIP Service, as Flagger writes it: its ports without node ports, probes on them left out.
    service: undefined,
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    readinessProbe: undefined,
    livenessProbe: undefined,
    startupProbe: undefined,
    gates: undefined,
    engine: Engine.flagger({ provider: Traffic.nginx() }),
    ...over,
  };
}

const both = (gate: () => Gate) => ({ 'canary-25': [gate()], 'canary-50': [gate()] });

/** What a CanaryApp on Flagger refuses, each naming the engine and the feature. */
export function flaggerInvalids(valid: fc.Arbitrary<Case<CanaryAppProps>>): InvalidClass<CanaryAppProps>[] {
  const i = (title: string, field: string, expected: RegExp, patch: () => fc.Arbitrary<Partial<CanaryAppProps>> | Partial<CanaryAppProps>) => invalid(valid, title, field, expected, patch);
  return [
    i('Flagger without a router (its kubernetes provider is blue/green only)', 'engine.provider', /engine flagger, feature provider/, () => onFlagger({ engine: Engine.flagger({ provider: Traffic.service() }) })),
    i('a share Flagger cannot weigh in whole percents', 'steps[0]', /engine flagger, feature stepWeights/, () =>
      any(3, 6, 7).map((replicas) => onFlagger({ replicas, steps: [CanaryStep.replicas(1)] }))),
    i('a Service type other than ClusterIP on Flagger', 'service.type', /engine flagger, feature service type/, () => any(ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER).map((type) => onFlagger({ service: { type } }))),
    i('gates of a phase Flagger has no check in', 'gates.promote', /with Engine.flagger\(\): Flagger promotes by itself/, () => onFlagger({ gates: { promote: [Gate.http()] } })),
    i('a job gate on Flagger', 'gates.dark[0]', /engine flagger, feature job gates/, () => onFlagger({ gates: { dark: [Gate.job({ image: 'acme/e2e:1.0', command: ['run'] })] } })),
    i('a condition Flagger cannot check as one inclusive range', 'gates.canary-25[0].successCondition', /engine flagger, feature thresholdRange/, () =>
      any('result < 0.01', 'result != 0', 'result <= 1 || result >= 5').map((successCondition) => onFlagger({ gates: both(() => Gate.prometheus({ ...PROM, successCondition })) }))),
    i('a gate needing several passing measurements at one weight on Flagger', 'gates.canary-25[0].count', /engine flagger, feature analysis timing/, () =>
      fc.integer({ min: 2, max: 10 }).map((count) => onFlagger({ gates: both(() => Gate.prometheus({ ...PROM, count })) }))),
    i('different gates at two weights on Flagger', 'steps[1]', /engine flagger, feature per-step analysis/, () => onFlagger({ gates: { 'canary-25': [Gate.prometheus(PROM)] } })),
    i('an HTTP gate on Flagger without a namespace to find the loadtester in', 'engine.loadtesterUrl', /engine flagger, feature loadtester webhooks/, () => onFlagger({ namespace: undefined, gates: { dark: [Gate.http({ intervalSeconds: 60 })] } })),
    i('a route name Flagger would not use', 'engine.provider.routeName', /engine flagger, feature provider/, () =>
      onFlagger({ engine: Engine.flagger({ provider: Traffic.gatewayApi({ parentRefs: [{ name: 'edge' }], routeName: 'front' }) }) })),
  ];
}
