import { Chart } from 'cdk8s';
import { Checks } from '../../model/checks';
import { GatewayPlan, GatewayPlanPhase, routedVersions } from '../../model/gateway-plan';
import { Labels } from '../../model/labels';
import { DeclaredAddress, DeclaredPhase, DeclaredRoute, DeclaredStep, RouteCondition } from '../../model/release';
import { anchoredCondition, ResolvedMatch } from '../../model/route-match';
import { renderAutoscaler, ResolvedAutoscaling } from '../../render/autoscaling';
import { PhaseGateSet, servicesOf } from '../../render/phase-gates';
import { PodBlueprint } from '../../render/pod-blueprint';
import { renderConfigMaps } from '../../render/released-config';
import { ResolvedRollingUpdate } from '../../render/workload';
import { TrafficTarget } from '../../traffic/provider';
import { Traffic } from '../../traffic/traffic';
import { ResolvedArgoRollouts } from '../engine';
import { ARGO_API_VERSION, renderAnalysisTemplate } from './analysis-template';
import { EngineDeclaration } from './canary-rollout';
import { renderRollout } from './rollout';
import { argoRouting, ArgoRouting } from './traffic-routing';

/** A version of a Gateway, resolved. */
export interface RolloutVersion {
  readonly version: string;
  readonly replicas: number;
  readonly image: string;
  readonly blueprint: PodBlueprint;
  readonly autoscaling?: ResolvedAutoscaling;
}

/** A Gateway, resolved, as the Argo Rollouts engine needs it. */
export interface GatewayRolloutInput {
  readonly check: Checks;
  readonly options: ResolvedArgoRollouts;
  /** The release: `app.kubernetes.io/instance`. */
  readonly release: string;
  readonly target: TrafficTarget;
  readonly provider: Traffic;
  readonly plan: GatewayPlan;
  readonly versions: readonly RolloutVersion[];
  readonly rollingUpdate: ResolvedRollingUpdate;
  readonly gates: PhaseGateSet;
  readonly minAvailable: number;
}

const ENGINE = 'Engine.argoRollouts()';

/** A header route the controller adds to the router (`setHeaderRoute`), by its managed-route name. */
interface HeaderRoute {
  readonly name: string;
  readonly conditions: readonly RouteCondition[];
}

/** Where a step leaves the router and the canary ReplicaSet. */
interface StepState {
  readonly weight: number;
  readonly canaryPods: number;
  readonly headerRoutes: readonly HeaderRoute[];
}

/**
 * A Gateway on Argo Rollouts: one Rollout whose template is the stable version (folders
 * `stable`, `rollback`) or the new one (`release`), and whose canary steps are the phases
 * between the first and the last. Each step sets, in this order, the canary's pods
 * (`setCanaryScale`, the pods the phase gives the new version, so that capacity is what
 * the phases declare), removes the header routes the phase drops, sets the weight of the
 * default route (`setWeight`), adds the phase's header routes (`setHeaderRoute`), then
 * waits for the phase's analyses or for a person (`pause: {}`). A dark phase is a step
 * with canary pods and weight 0: its analyses reach the canary through `canaryService`.
 *
 * What a Rollout cannot be is refused: more than two versions, a first phase other than
 * one version alone, a last phase other than the new version alone (the controller
 * promotes after the last step), conditions that lead to the stable version, a share
 * that is no integer percentage.
 */
export function renderGatewayOnArgo(g: GatewayRolloutInput, addPhase: (name: string) => Chart): EngineDeclaration {
  const { check, plan, target } = g;
  const routing = argoRouting(check, target, g.provider);
  const phases = plan.phases;
  const first = phases[0];
  const last = phases[phases.length - 1];
  const versions = new Set(phases.flatMap((p) => p.deployed.map((d) => d.version)));
  if (versions.size > 2) {
    check.fail('versions', [...versions], `at most two versions in the phases with ${ENGINE}: a Rollout runs a stable and a canary ReplicaSet, never a third version at once`);
  }
  const firstRouted = [...routedVersions(first)];
  if (firstRouted.length !== 1 || first.routes.length || first.deployed.length !== 1) {
    check.fail(first.field, first.name, `a first phase that runs one version alone (Release.to(version)) with ${ENGINE}: it is the Rollout's stable ReplicaSet`);
  }
  const stable = firstRouted[0];
  const canary = [...versions].find((v) => v !== stable);
  if (canary === undefined) check.fail('phases', phases.length, `a phase that releases a second version with ${ENGINE}: a Rollout with one version has nothing to walk`);
  const lastRouted = [...routedVersions(last)];
  if (lastRouted.length !== 1 || lastRouted[0] !== canary || last.routes.length) {
    check.fail(last.field, last.name, `a last phase that sends every request to ${JSON.stringify(canary)} (Release.to(${JSON.stringify(canary)})) with ${ENGINE}: the controller promotes the new version after the last step, and a release that ends elsewhere is an abort (apply the rollback folder)`);
  }
  for (const [phase, what] of [
    [first, 'Argo Rollouts runs no analysis when a Rollout is first created'],
    [last, 'Argo Rollouts promotes by itself after the last step; gate the phase before it'],
  ] as const) {
    if (g.gates.phases.includes(phase.name)) check.fail(`gates.${phase.name}`, phase.name, `gates of the phases between the first and the last with ${ENGINE}: ${what}`);
  }
  const byVersion = new Map(g.versions.map((v) => [v.version, v]));
  const stableV = byVersion.get(stable)!;
  const canaryV = byVersion.get(canary!)!;
  if (stableV.replicas !== canaryV.replicas || JSON.stringify(stableV.autoscaling) !== JSON.stringify(canaryV.autoscaling)) {
    check.fail(
      `versions.${canary}`,
      canary,
      `the replicas and autoscaling of ${JSON.stringify(stable)} with ${ENGINE}: one Rollout runs both versions and has one replica count (and one autoscaler)`,
    );
  }
  const states = phases.slice(1, -1).map((p) => stepState(g, routing, p, stable, canary!, stableV.replicas));
  const managedRoutes = [...new Set(states.flatMap((s) => s.headerRoutes.map((h) => h.name)))];

  const rendered = (folder: string, run: RolloutVersion, configsOf: readonly RolloutVersion[]): DeclaredStep[] => {
    const chart = addPhase(folder);
    for (const v of new Set(configsOf)) renderConfigMaps(chart, v.blueprint.config, { namespace: target.namespace, labels: target.labels });
    routing.render(chart);
    const steps: unknown[] = [];
    const declared: DeclaredStep[] = [];
    let before: StepState = { weight: 0, canaryPods: 0, headerRoutes: [] };
    phases.slice(1, -1).forEach((p, i) => {
      const s = states[i];
      const actions: Array<{ [key: string]: unknown }> = [];
      if (s.canaryPods !== before.canaryPods) actions.push({ setCanaryScale: { replicas: s.canaryPods } });
      for (const h of before.headerRoutes) if (!s.headerRoutes.some((x) => x.name === h.name)) actions.push({ setHeaderRoute: { name: h.name } });
      if (s.weight !== before.weight) actions.push({ setWeight: s.weight });
      for (const h of s.headerRoutes) if (!before.headerRoutes.some((x) => x.name === h.name)) actions.push({ setHeaderRoute: { name: h.name, match: h.conditions.map(headerMatch) } });
      const gates = g.gates.resolve({
        release: g.release,
        namespace: target.namespace,
        phase: p.name,
        prefix: target.name,
        versions: [{ version: canary! }],
        placeholders: { app: target.name, service: target.name },
        services: servicesOf(chart),
        defaultServices: [routing.canaryService, target.name],
      });
      for (const gate of gates) renderAnalysisTemplate(chart, `analysis-${gate.declared.job}`, gate, { name: gate.declared.job, namespace: target.namespace, labels: target.labels, release: g.release });
      steps.push(...actions, gates.length ? { analysis: { templates: gates.map((x) => ({ templateName: x.declared.job })) } } : { pause: {} });
      declared.push({
        name: p.name,
        description: `${actions.map(describeAction).join(', ') || 'no change'} (pods: ${stable} ${stableV.replicas}, ${canary} ${s.canaryPods}): ${p.description}; ${gates.length ? `then the analyses ${gates.map((x) => x.declared.job).join(', ')}` : 'then a pause until `kubectl argo rollouts promote`'}`,
        addresses: [address(g, routing, stable, canary!, s)],
        ...(gates.length ? { gates: gates.map((x) => x.declared) } : { pause: {} }),
      });
      before = s;
    });
    renderRollout(chart, {
      name: target.name,
      namespace: target.namespace,
      labels: target.labels,
      options: g.options,
      replicas: run.autoscaling ? undefined : run.replicas,
      minReadySeconds: g.rollingUpdate.minReadySeconds,
      selector: { ...target.appSelector },
      podLabels: { ...run.blueprint.podLabels, ...target.labels, [Labels.VERSION]: run.version, [target.versionLabel]: run.version },
      podAnnotations: run.blueprint.podAnnotations,
      podSpec: run.blueprint.podSpec(run.image, { ...target.appSelector }),
      strategy: {
        canary: {
          stableService: routing.stableService,
          canaryService: routing.canaryService,
          abortScaleDownDelaySeconds: g.options.abortScaleDownDelaySeconds,
          trafficRouting: routing.trafficRouting(managedRoutes),
          steps,
        },
      },
      overrides: run.blueprint.overrides.deployment,
    });
    if (run.autoscaling) {
      renderAutoscaler(chart, 'autoscaler', {
        name: target.name,
        namespace: target.namespace,
        labels: target.labels,
        target: { apiVersion: ARGO_API_VERSION, kind: 'Rollout', name: target.name },
        minReplicas: run.autoscaling.minReplicas ?? run.replicas,
        autoscaling: run.autoscaling,
      });
    }
    return declared;
  };

  const steps = rendered('stable', stableV, [stableV]);
  rendered('release', canaryV, [stableV, canaryV]);
  rendered('rollback', stableV, [stableV, canaryV]);
  const all = (name: string, version: string, description: string): DeclaredPhase => ({
    name,
    description,
    addresses: [{ name: routing.address, minAvailable: g.minAvailable, routes: [{ conditions: [], backends: [{ version, weight: 100 }] }] }],
  });
  return {
    phases: [
      all('stable', stable, `every request to ${stable} (the Rollout's stable ReplicaSet)`),
      all('release', canary!, `the Rollout runs ${canary}: Argo Rollouts walks ${steps.length} steps, then promotes it and sends it every request`),
      all('rollback', stable, `the Rollout runs ${stable} again: during a rollout Argo Rollouts sends every request back to the stable ReplicaSet at once, skipping the remaining steps; after a completed release it walks the steps with ${stable} as the canary`),
    ],
    steps,
    transitions: [
      ['stable', 'release'],
      ['release', 'rollback'],
    ],
  };
}

/** What a phase between the first and the last asks of the controller, refused when a Rollout cannot do it. */
function stepState(g: GatewayRolloutInput, routing: ArgoRouting, p: GatewayPlanPhase, stable: string, canary: string, replicas: number): StepState {
  const { check } = g;
  const total = p.weights.reduce((n, w) => n + w.weight, 0);
  const canaryWeight = p.weights.find((w) => w.version === canary)?.weight ?? 0;
  const share = (canaryWeight * 100) / total;
  if (!Number.isInteger(share)) {
    check.fail(`${p.field}.weights`, `${canaryWeight}/${total}`, `weights whose share of ${JSON.stringify(canary)} is a whole percentage with ${ENGINE} (setWeight takes an integer percent; this one is ${share.toFixed(2)}%)`);
  }
  const stablePods = p.deployed.find((d) => d.version === stable)?.replicas ?? 0;
  if (stablePods !== replicas) {
    check.fail(`${p.field}.replicas.${stable}`, stablePods, `${replicas} pods of ${JSON.stringify(stable)} with ${ENGINE}: the stable ReplicaSet keeps the Rollout's replicas through every step`);
  }
  const headerRoutes = p.routes.map((r, j) => {
    if (!routing.headerRoutes) check.fail(`${r.field}`, g.provider.kind, `no conditional route with ${ENGINE} and Traffic.${g.provider.kind === 'nginx' ? 'nginx' : g.provider.kind}(): its controller has no setHeaderRoute for this router (use Traffic.istio() or Traffic.gatewayApi())`);
    if (r.version !== canary) check.fail(`${r.field}.version`, r.version, `${JSON.stringify(canary)}, the canary, with ${ENGINE}: setHeaderRoute sends the requests that match to the canary ReplicaSet only`);
    const conditions = r.conditions.map((c: ResolvedMatch) => (g.provider.kind === 'gateway-api' ? anchoredCondition(c) : { header: c.header, match: c.match, value: c.value }));
    return { name: `${p.name}-${j}`, conditions };
  });
  return { weight: share, canaryPods: p.deployed.find((d) => d.version === canary)?.replicas ?? 0, headerRoutes };
}

/** A condition as Argo's `setHeaderRoute.match` item. */
function headerMatch(c: RouteCondition): { [key: string]: unknown } {
  return { headerName: c.header, headerValue: { [c.match]: c.value } };
}

function describeAction(a: { [key: string]: unknown }): string {
  const [[key, value]] = Object.entries(a) as Array<[string, any]>;
  if (key === 'setCanaryScale') return `setCanaryScale ${value.replicas}`;
  if (key === 'setWeight') return `setWeight ${value}`;
  return value.match ? `setHeaderRoute ${value.name}` : `setHeaderRoute ${value.name} removed`;
}

/** How requests reach the two versions during a step. */
function address(g: GatewayRolloutInput, routing: ArgoRouting, stable: string, canary: string, s: StepState): DeclaredAddress {
  const routes: DeclaredRoute[] = [
    ...s.headerRoutes.map((h) => ({ conditions: h.conditions, backends: [{ version: canary, weight: 100 }] })),
    {
      conditions: [],
      backends: [
        { version: stable, weight: 100 - s.weight },
        { version: canary, weight: s.weight },
      ].filter((b) => b.weight > 0),
    },
  ];
  return { name: routing.address, minAvailable: g.minAvailable, routes };
}
