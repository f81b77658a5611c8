import { Chart } from 'cdk8s';
import { Labels } from '../../model/labels';
import { DeclaredAddress, DeclaredPhase, DeclaredRoute, DeclaredStep } from '../../model/release';
import { renderAutoscaler } from '../../render/autoscaling';
import { GateService } from '../../render/gate-job';
import { renderConfigMaps } from '../../render/released-config';
import { renderDeployment } from '../../render/workload';
import { EngineDeclaration } from '../argo-rollouts/canary-rollout';
import { GatewayRolloutInput, RolloutVersion } from '../argo-rollouts/gateway-input';
import { checkOneWorkload, gatewayReleaseShape } from '../gateway-shape';
import { buildAnalysis } from './analysis';
import { FieldGate } from './analysis-timing';
import { checkFlaggerService, declaredStep, renderCanary, withPromotionGate } from './canary';
import { gatewayFlaggerSteps } from './gateway-steps';
import { ResolvedFlagger } from './options';
import { flaggerRouting } from './routing';
import { loadtesterUrl } from './webhook';

/** A Gateway, resolved, as the Flagger engine needs it. */
export type FlaggerGatewayInput = Omit<GatewayRolloutInput, 'options'> & {
  readonly options: ResolvedFlagger;
  /** How the provider routes each phase, as the phases engine declares it: the requests of each step. */
  readonly routesOf: (phase: string) => DeclaredRoute[];
};

const ENGINE = '(engine flagger, feature Gateway phases)';

/**
 * A Gateway on Flagger: one Deployment `<name>` (the Canary's `targetRef`) whose pod
 * template is the stable version (folders `stable`, `rollback`) or the new one
 * (`release`), its HorizontalPodAutoscaler when the Gateway autoscales (`autoscalerRef`),
 * and a `Canary` behind the Gateway's router that walks the phases between the first and
 * the last: weights (`stepWeights`) or one A/B test (`match`, `iterations`), with the
 * phases' gates as metrics and webhooks. Flagger writes the rest: `<name>-primary` (and
 * its autoscaler), the Services and the routes.
 */
export function renderGatewayOnFlagger(g: FlaggerGatewayInput, addPhase: (name: string) => Chart): EngineDeclaration {
  const { check, plan, target, options } = g;
  const phases = plan.phases;
  const { stable, canary } = gatewayReleaseShape(check, plan, {
    engine: ENGINE,
    twoVersions: 'a Canary runs its Deployment and the primary copy of it, never a third version at once',
    firstPhase: 'it is what Flagger copies to the primary on the first apply',
    secondVersion: 'a Canary with one version has nothing to analyse',
    lastPhase: 'Flagger promotes the new version after the last step, and a release that ends elsewhere is a rollback (apply the rollback folder)',
  });
  for (const [phase, what] of [
    [phases[0], 'Flagger runs no analysis when a Canary is first created'],
    [phases[phases.length - 1], 'Flagger promotes by itself after the last step; gate the phase before it'],
  ] as const) {
    if (g.gates.phases.includes(phase.name)) check.fail(`gates.${phase.name}`, phase.name, `gates of the phases between the first and the last (engine flagger, feature analysis): ${what}`);
  }
  const byVersion = new Map(g.versions.map((v) => [v.version, v]));
  const stableV = byVersion.get(stable)!;
  const canaryV = byVersion.get(canary)!;
  checkOneWorkload(check, stableV, canaryV, (v) => `the replicas and autoscaling of ${JSON.stringify(v)} (engine flagger, feature replicas): one Deployment runs both versions, and Flagger copies its replicas and autoscaler to the primary`);
  const replicas = stableV.autoscaling?.minReplicas ?? stableV.replicas;

  checkFlaggerService(check, target.serviceType, target.exposure, { type: 'serviceType', exposure: 'addressService' });
  const name = target.name;
  const routing = flaggerRouting(check, options.provider, target);
  const port = target.port;
  const ports = [port, ...stableV.blueprint.ports.slice(1)];
  // The Services Flagger writes; the smoke tests of the new version go to `<name>-canary`.
  const services: GateService[] = [name, `${name}-canary`, `${name}-primary`].map((n) => ({ name: n, ports: ports.map((p) => ({ name: p.name, port: p.servicePort })) }));
  const gatesOf = (phase: string): FieldGate[] =>
    g.gates
      .resolve({
        release: g.release,
        namespace: target.namespace,
        phase,
        prefix: name,
        versions: [{ version: canary }],
        placeholders: { app: name, service: name },
        services,
        defaultServices: [`${name}-canary`],
      })
      .map((x, i) => ({ field: `gates.${phase}[${i}]`, gate: x.declared }));
  const walked = gatewayFlaggerSteps(check, plan, { stable, canary, replicas }, gatesOf);
  const loadtester = () => loadtesterUrl(check, 'engine.loadtesterUrl', options.loadtesterUrl, target.namespace);
  const built = buildAnalysis(check, {
    app: name,
    release: g.release,
    namespace: target.namespace,
    provider: routing.provider,
    before: walked.before,
    steps: walked.steps,
    optionsField: 'phases',
    loadtester,
    defaultInterval: options.intervalSeconds,
  });
  const { analysis, confirm } = withPromotionGate(built.analysis, walked.steps, loadtester);
  const autoscaler = stableV.autoscaling ? name : undefined;

  const rendered = (folder: string, run: RolloutVersion, configsOf: readonly RolloutVersion[]) => {
    const chart = addPhase(folder);
    for (const v of new Set(configsOf)) renderConfigMaps(chart, v.blueprint.config, { namespace: target.namespace, labels: target.labels });
    routing.render(chart);
    const versionLabels = { [Labels.VERSION]: run.version, [target.versionLabel]: run.version };
    renderDeployment(chart, 'deployment', {
      name,
      namespace: target.namespace,
      labels: { ...target.labels, ...versionLabels },
      // Without the version label: the same Deployment runs one version after the other.
      selector: { ...target.appSelector },
      podLabels: { ...run.blueprint.podLabels, ...target.labels, ...versionLabels },
      podAnnotations: run.blueprint.podAnnotations,
      specOverrides: run.blueprint.overrides.deployment,
      // An autoscaler sets the count: a replicas field would reset it on every apply.
      replicas: run.autoscaling ? undefined : run.replicas,
      rollingUpdate: g.rollingUpdate,
      podSpec: run.blueprint.podSpec(run.image, { ...target.appSelector }),
    });
    if (run.autoscaling) {
      renderAutoscaler(chart, 'autoscaler', { name, namespace: target.namespace, labels: target.labels, deployment: name, minReplicas: replicas, autoscaling: run.autoscaling });
    }
    renderCanary(chart, { name, namespace: target.namespace, labels: target.labels, serviceName: name, ports, routing, progressDeadlineSeconds: options.progressDeadlineSeconds, autoscaler }, analysis, built.templates);
  };
  rendered('stable', stableV, [stableV]);
  rendered('release', canaryV, [stableV, canaryV]);
  rendered('rollback', stableV, [stableV, canaryV]);

  const address = (routes: DeclaredRoute[]): DeclaredAddress => ({ name, minAvailable: g.minAvailable, routes });
  const steps: DeclaredStep[] = walked.steps.map((s, i) => {
    const p = walked.phases[i];
    const how = s.conditions?.length ? `an A/B test (iterations ${analysis.iterations}): ${p.description}` : `weight ${s.weight}%: ${p.description}`;
    const what = `${how} (pods: ${replicas} of ${stable} as ${name}-primary, ${replicas} of ${canary})`;
    return declaredStep(s, what, [address(g.routesOf(p.name))], analysis, confirm && i === walked.steps.length - 1);
  });
  const all = (folder: string, version: string, description: string): DeclaredPhase => ({ name: folder, description, addresses: [address([{ conditions: [], backends: [{ version, weight: 100 }] }])] });
  return {
    phases: [
      all('stable', stable, `every request to ${stable} (Flagger's ${name}-primary)`),
      all('release', canary, `the Deployment runs ${canary}: Flagger walks ${steps.length} steps, then promotes it to ${name}-primary`),
      all('rollback', stable, `the Deployment runs ${stable} again: Flagger routes every request back to ${name}-primary at once`),
    ],
    steps,
    transitions: [
      ['stable', 'release'],
      ['release', 'rollback'],
    ],
  };
}
