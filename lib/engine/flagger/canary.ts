import { ApiObject, Chart } from 'cdk8s';
import { Checks } from '../../model/checks';
import { DeclaredAddress, DeclaredStep } from '../../model/release';
import { ResolvedExposure } from '../../render/service-exposure';
import { ServiceType } from '../../render/workload';
import { ResolvedPort } from '../../render/pod-blueprint';
import { FlaggerAnalysis, FlaggerStep } from './analysis';
import { MetricTemplateSpec } from './metric-template';
import { FlaggerRouting } from './routing';

export const FLAGGER_API_VERSION = 'flagger.app/v1beta1';

/** What a Canary names besides its analysis. */
export interface CanaryObject {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  /** The Service Flagger writes (and names its routes after). */
  readonly serviceName: string;
  readonly ports: readonly ResolvedPort[];
  readonly routing: FlaggerRouting;
  readonly progressDeadlineSeconds?: number;
  /** The HorizontalPodAutoscaler of the target, which Flagger copies for the primary. @default - none */
  readonly autoscaler?: string;
}

/**
 * A `Canary` over the Deployment `<name>` (its `targetRef`), with the MetricTemplates its
 * metrics name: the first port is the Service's, the others get Service ports too.
 */
export function renderCanary(chart: Chart, c: CanaryObject, analysis: FlaggerAnalysis, templates: ReadonlyArray<{ name: string; spec: MetricTemplateSpec }>): void {
  const port = c.ports[0];
  new ApiObject(chart, 'canary', {
    apiVersion: FLAGGER_API_VERSION,
    kind: 'Canary',
    metadata: { name: c.name, namespace: c.namespace, labels: c.labels },
    spec: {
      provider: c.routing.provider,
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: c.name },
      ...(c.autoscaler ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: c.autoscaler } } : {}),
      ...(c.routing.ingressRef ? { ingressRef: c.routing.ingressRef } : {}),
      progressDeadlineSeconds: c.progressDeadlineSeconds,
      service: {
        name: c.serviceName,
        port: port.servicePort,
        targetPort: port.name,
        portName: port.name,
        ...(c.ports.length > 1 ? { portDiscovery: true } : {}),
        ...c.routing.service,
      },
      analysis,
    },
  });
  for (const t of templates) {
    new ApiObject(chart, `metric-template-${t.name}`, { apiVersion: FLAGGER_API_VERSION, kind: 'MetricTemplate', metadata: { name: t.name, namespace: c.namespace, labels: c.labels }, spec: t.spec });
  }
}

/**
 * The analysis with, when no step has a gate, a `confirm-promotion` webhook on the
 * loadtester's gate: a person (or the pipeline) approves the promotion.
 */
export function withPromotionGate(analysis: FlaggerAnalysis, steps: readonly FlaggerStep[], loadtester: () => string): { analysis: FlaggerAnalysis; confirm: boolean } {
  const confirm = steps.every((s) => !s.gates.length);
  const webhooks = [...(analysis.webhooks ?? []), ...(confirm ? [{ name: 'promotion', type: 'confirm-promotion' as const, url: `${loadtester().replace(/\/$/, '')}/gate/check` }] : [])];
  return { analysis: { ...analysis, ...(webhooks.length ? { webhooks } : {}) }, confirm };
}

/**
 * A step of release.json: where the requests go (`addresses`), then what ends it — the
 * checks of its gates, a person's approval (the last step without gates), or one interval.
 */
export function declaredStep(s: FlaggerStep, what: string, addresses: DeclaredAddress[], analysis: FlaggerAnalysis, confirmNow: boolean): DeclaredStep {
  const gated = s.gates.length > 0;
  return {
    name: s.name,
    description: `${what}; ${gated ? `then the checks ${s.gates.map((g) => g.gate.name).join(', ')} each ${analysis.interval}` : confirmNow ? 'then a person approves the promotion' : `then ${analysis.interval}`}`,
    addresses,
    ...(gated ? { gates: s.gates.map((g) => g.gate) } : { pause: confirmNow ? {} : { seconds: Number(analysis.interval.slice(0, -1)) } }),
  };
}

/**
 * Flagger writes the address Service itself, as a ClusterIP one without annotations:
 * another type or exposure would be dropped without a word, so it is refused.
 */
export function checkFlaggerService(check: Checks, type: ServiceType, exposure: ResolvedExposure | undefined, fields: { readonly type: string; readonly exposure: string }): void {
  if (type !== ServiceType.CLUSTER_IP) {
    check.fail(fields.type, type, "ServiceType.CLUSTER_IP (engine flagger, feature service type): Flagger writes the Service itself, as a ClusterIP one; expose the app through the provider's ingress");
  }
  if (exposure && Object.values(exposure).some((v) => v !== undefined)) {
    check.fail(fields.exposure, exposure, 'no annotations or load balancer fields (engine flagger, feature service exposure): Flagger writes the Service itself');
  }
}
