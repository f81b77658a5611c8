import { GatewayPlanPhase } from '../../model/gateway-plan';
import { DeclaredAddress, DeclaredRoute, DeclaredStep, RouteCondition } from '../../model/release';
import { anchoredCondition, ResolvedMatch } from '../../model/route-match';
import { analysesOf, checkPods, ENGINE, GatewayRolloutInput, GatewayStrategy, RolloutPair } from './gateway-input';
import { ArgoRouting } from './traffic-routing';

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
 * The canary strategy of a Gateway's Rollout: the phases between the first and the last
 * are its steps. Each step sets, in this order, the canary's pods (`setCanaryScale`, the
 * pods the phase gives the new version, so that capacity is what the phases declare),
 * removes the header routes the phase drops, sets the weight of the default route
 * (`setWeight`), adds the phase's header routes (`setHeaderRoute`), then waits for the
 * phase's analyses or for a person (`pause: {}`). A dark phase is a step with canary pods
 * and weight 0: its analyses reach the canary through `canaryService`.
 */
export function canaryStrategy(g: GatewayRolloutInput, routing: ArgoRouting, pair: RolloutPair): GatewayStrategy {
  const { plan } = g;
  const stable = pair.stable.version;
  const canary = pair.canary.version;
  const last = plan.phases[plan.phases.length - 1];
  if (g.gates.phases.includes(last.name)) {
    refuseGates(g, last.name, 'Argo Rollouts promotes by itself after the last step; gate the phase before it');
  }
  const middle = plan.phases.slice(1, -1);
  const states = middle.map((p) => stepState(g, routing, p, pair));
  const managedRoutes = [...new Set(states.flatMap((s) => s.headerRoutes.map((h) => h.name)))];
  return {
    blueGreen: false,
    render(chart) {
      // The same steps in every folder: the controller skips them when the template returns to the stable ReplicaSet.
      const steps: unknown[] = [];
      const declared: DeclaredStep[] = [];
      let before: StepState = { weight: 0, canaryPods: 0, headerRoutes: [] };
      middle.forEach((p, i) => {
        const s = states[i];
        const actions: Array<{ [key: string]: unknown }> = [];
        if (s.canaryPods !== before.canaryPods) actions.push({ setCanaryScale: { replicas: s.canaryPods } });
        for (const h of before.headerRoutes) if (!s.headerRoutes.some((x) => x.name === h.name)) actions.push({ setHeaderRoute: { name: h.name } });
        if (s.weight !== before.weight) actions.push({ setWeight: s.weight });
        for (const h of s.headerRoutes) if (!before.headerRoutes.some((x) => x.name === h.name)) actions.push({ setHeaderRoute: { name: h.name, match: h.conditions.map(headerMatch) } });
        const gates = analysesOf(g, chart, p.name, canary, [routing.canaryService, g.target.name]);
        steps.push(...actions, gates.length ? { analysis: { templates: gates.map((x) => ({ templateName: x.declared.job })) } } : { pause: {} });
        declared.push({
          name: p.name,
          description: `${actions.map(describeAction).join(', ') || 'no change'} (pods: ${stable} ${pair.stable.replicas}, ${canary} ${s.canaryPods}): ${p.description}; ${gates.length ? `then the analyses ${gates.map((x) => x.declared.job).join(', ')}` : 'then a pause until `kubectl argo rollouts promote`'}`,
          addresses: [address(g, routing, stable, canary, s)],
          ...(gates.length ? { gates: gates.map((x) => x.declared) } : { pause: {} }),
        });
        before = s;
      });
      const strategy = {
        canary: {
          stableService: routing.stableService,
          canaryService: routing.canaryService,
          abortScaleDownDelaySeconds: g.options.abortScaleDownDelaySeconds,
          trafficRouting: routing.trafficRouting(managedRoutes),
          steps,
        },
      };
      return { strategy, steps: declared };
    },
    describeRelease: (steps) => `the Rollout runs ${canary}: Argo Rollouts walks ${steps.length} steps, then promotes it and sends it every request`,
  };
}

/** Refuses the gates of a phase that has no step. */
export function refuseGates(g: GatewayRolloutInput, phase: string, why: string): never {
  return g.check.fail(`gates.${phase}`, phase, `gates of the phases between the first and the last with ${ENGINE}: ${why}`);
}

/** What a phase between the first and the last asks of the controller, refused when a Rollout cannot do it. */
function stepState(g: GatewayRolloutInput, routing: ArgoRouting, p: GatewayPlanPhase, pair: RolloutPair): StepState {
  const { check: checks } = g;
  const canary = pair.canary.version;
  const total = p.weights.reduce((n, w) => n + w.weight, 0);
  const canaryWeight = p.weights.find((w) => w.version === canary)?.weight ?? 0;
  const share = (canaryWeight * 100) / total;
  if (!Number.isInteger(share)) {
    checks.fail(`${p.field}.weights`, `${canaryWeight}/${total}`, `weights whose share of ${JSON.stringify(canary)} is a whole percentage with ${ENGINE} (setWeight takes an integer percent; this one is ${share.toFixed(2)}%)`);
  }
  checkPods(g, p, pair.stable.version, pair.stable.replicas, 'the stable ReplicaSet keeps the Rollout\'s replicas through every step');
  const headerRoutes = p.routes.map((r, j) => {
    if (!routing.headerRoutes) checks.fail(`${r.field}`, g.provider.kind, `no conditional route with ${ENGINE} and Traffic.${g.provider.kind === 'nginx' ? 'nginx' : g.provider.kind}(): its controller has no setHeaderRoute for this router (use Traffic.istio() or Traffic.gatewayApi())`);
    if (r.version !== canary) checks.fail(`${r.field}.version`, r.version, `${JSON.stringify(canary)}, the canary, with ${ENGINE}: setHeaderRoute sends the requests that match to the canary ReplicaSet only`);
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
