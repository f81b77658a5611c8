import { Chart } from 'cdk8s';
import { Labels } from '../../model/labels';
import { DeclaredAddress, DeclaredPhase, DeclaredStep, TrafficProvider } from '../../model/release';
import { renderDisruptionBudget } from '../../render/disruption-budget';
import { GateService } from '../../render/gate-job';
import { renderConfigMaps, ResolvedConfig } from '../../render/released-config';
import { renderDeployment, ServiceType } from '../../render/workload';
import { CanaryRolloutInput, EngineDeclaration } from '../argo-rollouts/canary-rollout';
import { buildAnalysis, FlaggerStep } from './analysis';
import { FieldGate } from './analysis-timing';
import { flaggerRouting } from './routing';
import { checkFlaggerService, declaredStep, renderCanary, withPromotionGate } from './canary';
import { ResolvedFlagger } from './options';
import { loadtesterUrl } from './webhook';

/** A CanaryApp, resolved, as the Flagger engine needs it: what Argo Rollouts needs, with Flagger's options. */
export type FlaggerCanaryInput = Omit<CanaryRolloutInput, 'options'> & { readonly options: ResolvedFlagger };

/** Phases of the phases engine whose gates have no place in a Canary's analysis, and why. */
const NO_CHECK: { readonly [kind: string]: string } = {
  stable: 'Flagger runs no analysis when a Canary is first created',
  promote: 'Flagger promotes by itself after the last weight; gate the canary steps instead',
  rollback: 'Flagger rolls back by itself when failed checks reach the threshold',
};

/**
 * A CanaryApp on Flagger: the Deployment `<name>` (the Canary's `targetRef`, whose pod
 * template is the version to run), a `Canary` whose `stepWeights` are the shares of the
 * declared steps, behind the router of `provider`, and MetricTemplates and webhooks from
 * the gates. Flagger creates the rest: the Deployment `<name>-primary` that serves, the
 * Services `<service>`, `<service>-primary` and `<service>-canary`, and the routes. Written
 * as three folders: `stable` (the stable version), `release` (the new one: applying it
 * starts the analysis) and `rollback` (the stable version again).
 */
export function renderCanaryOnFlagger(r: FlaggerCanaryInput, addPhase: (name: string) => Chart): EngineDeclaration & { readonly provider: TrafficProvider } {
  const { check, plan, options } = r;
  const apex = r.service.name;
  checkFlaggerService(check, r.service.type, r.service.exposure, { type: 'service.type', exposure: 'service' });
  for (const phase of r.gates.phases) {
    const kind = plan.phases.find((p) => p.name === phase)?.kind;
    if (kind && NO_CHECK[kind]) check.fail(`gates.${phase}`, phase, `gates of the dark phase and the canary steps only with Engine.flagger(): ${NO_CHECK[kind]}`);
  }
  const port = r.ports[0];
  const routing = flaggerRouting(check, options.provider, {
    check,
    name: apex,
    namespace: r.namespace,
    labels: r.objectLabels,
    appSelector: { [Labels.NAME]: r.name },
    versionLabel: Labels.VERSION,
    port,
    serviceType: ServiceType.CLUSTER_IP,
  });
  // The Services Flagger writes, for the HTTP gates: the preview is `<service>-canary`.
  const services: GateService[] = [apex, `${apex}-canary`, `${apex}-primary`].map((name) => ({ name, ports: r.ports.map((p) => ({ name: p.name, port: p.servicePort })) }));
  const resolve = (phase: string): FieldGate[] =>
    r.gates
      .resolve({
        release: r.objectLabels[Labels.INSTANCE],
        namespace: r.namespace,
        phase,
        prefix: r.name,
        versions: [{ version: r.canary.version }],
        placeholders: { ...r.placeholders, previewService: `${apex}-canary` },
        services,
        defaultServices: [`${apex}-canary`],
      })
      .map((g, i) => ({ field: `gates.${phase}[${i}]`, gate: g.declared }));

  const canaryPhases = plan.phases.filter((p) => p.kind === 'canary');
  const steps: FlaggerStep[] = canaryPhases.map((p, i) => ({
    name: p.name,
    field: `steps[${i}]`,
    weight: (100 * p.canary!.replicas) / (p.canary!.replicas + p.stable.replicas),
    gates: resolve(p.name),
  }));
  const before = resolve('dark');
  const loadtester = () => loadtesterUrl(check, 'engine.loadtesterUrl', options.loadtesterUrl, r.namespace);
  const { analysis, templates } = buildAnalysis(check, {
    app: r.name,
    release: r.objectLabels[Labels.INSTANCE],
    namespace: r.namespace,
    provider: routing.provider,
    before,
    steps,
    optionsField: 'engine',
    loadtester,
    defaultInterval: options.intervalSeconds,
  });
  // No gate at any weight: a person approves the promotion through the loadtester's gate.
  const { analysis: full, confirm } = withPromotionGate(analysis, steps, loadtester);
  const canary = { name: r.name, namespace: r.namespace, labels: r.objectLabels, serviceName: apex, ports: r.ports, routing, progressDeadlineSeconds: options.progressDeadlineSeconds };

  const rendered = (name: string, version: 'stable' | 'canary', configs: Array<ResolvedConfig | undefined>) => {
    const chart = addPhase(name);
    const run = r[version];
    // renderConfigMaps writes each ConfigMap once per folder, however many versions run it.
    for (const c of configs) renderConfigMaps(chart, c, { namespace: r.namespace, labels: r.objectLabels });
    routing.render(chart);
    // Flagger's primary pods carry the name label `<name>-primary`: they are the ones serving.
    if (r.budget) renderDisruptionBudget(chart, 'disruption-budget', { name: r.name, namespace: r.namespace, labels: r.objectLabels, selector: { [Labels.NAME]: `${r.name}-primary` }, budget: r.budget });
    const selector = { [Labels.NAME]: r.name };
    renderDeployment(chart, 'deployment', {
      name: r.name,
      namespace: r.namespace,
      labels: { ...r.objectLabels, [Labels.VERSION]: run.version },
      selector,
      podLabels: { ...r.blueprint.podLabels, ...r.objectLabels, [Labels.VERSION]: run.version },
      podAnnotations: r.blueprint.podAnnotations,
      specOverrides: r.blueprint.overrides.deployment,
      replicas: r.replicas,
      rollingUpdate: r.rollingUpdate,
      podSpec: r.blueprint.podSpec(run.image, selector, [], run.config),
    });
    renderCanary(chart, canary, full, templates);
  };
  rendered('stable', 'stable', [r.stable.config]);
  rendered('release', 'canary', [r.stable.config, r.canary.config]);
  rendered('rollback', 'stable', [r.stable.config, r.canary.config]);

  const address = (backends: DeclaredAddress['routes'][number]['backends']): DeclaredAddress => ({ name: apex, minAvailable: r.minAvailable, routes: [{ conditions: [], backends }] });
  const declaredSteps: DeclaredStep[] = steps.map((s, i) => {
    const p = canaryPhases[i];
    const what = `weight ${s.weight}%: ${r.replicas} pods of ${r.canary.version} beside ${r.replicas} of ${r.stable.version}`;
    return declaredStep(s, what, [address([{ version: p.stable.version, weight: 100 - s.weight }, { version: p.canary!.version, weight: s.weight }])], full, confirm && i === steps.length - 1);
  });
  const all = (name: string, version: string, what: string): DeclaredPhase => ({ name, description: what, addresses: [address([{ version, weight: 100 }])] });
  return {
    provider: options.provider.kind,
    phases: [
      all('stable', r.stable.version, `${r.replicas} pods of ${r.stable.version} (Flagger's ${r.name}-primary)`),
      all('release', r.canary.version, `the Deployment runs ${r.canary.version}: Flagger walks ${steps.length} weights, then promotes it to ${r.name}-primary`),
      all('rollback', r.stable.version, `the Deployment runs ${r.stable.version} again: Flagger routes every request back to ${r.name}-primary at once`),
    ],
    steps: declaredSteps,
    transitions: [
      ['stable', 'release'],
      ['release', 'rollback'],
    ],
  };
}
