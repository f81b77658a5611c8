import { Chart } from 'cdk8s';
import { CanaryPlan } from '../../model/canary-plan';
import { Checks } from '../../model/checks';
import { Labels } from '../../model/labels';
import { DeclaredAddress, DeclaredPhase, DeclaredStep } from '../../model/release';
import { renderDisruptionBudget } from '../../render/disruption-budget';
import { PhaseGateSet, servicesOf } from '../../render/phase-gates';
import { PodBlueprint, ResolvedPort } from '../../render/pod-blueprint';
import { renderConfigMaps, ResolvedConfig } from '../../render/released-config';
import { ResolvedExposure } from '../../render/service-exposure';
import { renderService, ResolvedRollingUpdate, ServiceType } from '../../render/workload';
import { ResolvedArgoRollouts } from '../engine';
import { renderAnalysisTemplate } from './analysis-template';
import { renderRollout } from './rollout';
import { weightsFor } from './basic-canary';

/** A CanaryApp, resolved, as the Argo Rollouts engine needs it. */
export interface CanaryRolloutInput {
  readonly check: Checks;
  readonly options: ResolvedArgoRollouts;
  /** The application name: the Rollout's name and its selector. */
  readonly name: string;
  readonly namespace?: string;
  readonly objectLabels: { [key: string]: string };
  readonly service: { readonly name: string; readonly type: ServiceType; readonly exposure?: ResolvedExposure };
  /** The canary's preview Service: Argo's `canaryService`. */
  readonly previewService: string;
  readonly ports: readonly ResolvedPort[];
  readonly replicas: number;
  readonly rollingUpdate: ResolvedRollingUpdate;
  readonly blueprint: PodBlueprint;
  readonly stable: { readonly image: string; readonly version: string; readonly config?: ResolvedConfig };
  readonly canary: { readonly image: string; readonly version: string; readonly config?: ResolvedConfig };
  readonly plan: CanaryPlan;
  readonly gates: PhaseGateSet;
  readonly minAvailable: number;
  /** The PodDisruptionBudget's fields, if the app has one. */
  readonly budget?: { maxUnavailable?: number | string; minAvailable?: number | string };
  /** Placeholders of the gates. */
  readonly placeholders: { readonly [name: string]: string };
}

/** What the engine declares in release.json besides the common fields. */
export interface EngineDeclaration {
  readonly phases: DeclaredPhase[];
  readonly steps: DeclaredStep[];
  readonly transitions: ReadonlyArray<readonly [string, string]>;
}

/** Phases of the phases engine that have no counterpart among a Rollout's steps, and why. */
const NO_STEP: { readonly [kind: string]: string } = {
  stable: 'Argo Rollouts runs no analysis when a Rollout is first created',
  dark: "Argo Rollouts' canary without traffic routing has no dark step: the canary's pods come with its first setWeight, when the production Service already sends them requests",
  promote: 'Argo Rollouts promotes by itself after the last step; gate the last canary step instead',
  rollback: 'Argo Rollouts aborts by itself when an analysis fails',
};

/**
 * A CanaryApp on Argo Rollouts, without a router: one `Rollout` whose canary steps give
 * the pod counts of the declared steps (Argo realises a weight by replica counts, so
 * each `setWeight` is the one that gives exactly those counts), an `analysis` step per
 * gated step and a `pause` for a person otherwise. Written as three folders: `stable`
 * (the Rollout running the stable image), `release` (the same with the canary image:
 * applying it starts the controller) and `rollback` (the stable image again: applied
 * during a rollout, Argo Rollouts goes back to the stable ReplicaSet at once, skipping
 * the steps, since its template is the stable ReplicaSet's; after a completed release
 * the stable ReplicaSet is the new version's, so it is a new rollout walking the steps).
 */
export function renderCanaryOnArgo(r: CanaryRolloutInput, addPhase: (name: string) => Chart): EngineDeclaration {
  const { check, plan } = r;
  for (const phase of r.gates.phases) {
    const kind = plan.phases.find((p) => p.name === phase)?.kind;
    if (kind && NO_STEP[kind]) check.fail(`gates.${phase}`, phase, `gates of canary steps only with Engine.argoRollouts(): ${NO_STEP[kind]}`);
  }
  const maxSurge = surgeCount(r.rollingUpdate.maxSurge, r.replicas);
  const appSelector = { [Labels.NAME]: r.name };
  const canaryPhases = plan.phases.filter((p) => p.kind === 'canary');
  const weights = canaryPhases.map((p) => {
    const canary = p.canary!.replicas;
    const stable = p.stable.replicas;
    const found = weightsFor(r.replicas, maxSurge, canary, stable);
    if (!found.length) {
      check.fail(
        'steps',
        p.name,
        `steps Argo Rollouts can run without a router: it realises a weight by replica counts, at most ${r.replicas + (maxSurge > 0 ? 1 : 0)} pods in all ` +
          `(replicas${maxSurge > 0 ? ' + 1 surge' : ''}), and no weight gives ${canary} canary and ${stable} stable pods (step "${p.name}"); ` +
          'use CapacityMode.CONSTANT, or a CanaryStep Argo can count',
      );
    }
    return found[0];
  });

  const rendered = (name: string, version: 'stable' | 'canary', configs: Array<ResolvedConfig | undefined>) => {
    const chart = addPhase(name);
    const run = r[version];
    // renderConfigMaps writes each ConfigMap once per folder, however many versions run it.
    for (const c of configs) renderConfigMaps(chart, c, { namespace: r.namespace, labels: r.objectLabels });
    renderService(chart, 'service', { name: r.service.name, namespace: r.namespace, labels: r.objectLabels, selector: appSelector, type: r.service.type, ports: r.ports, exposure: r.service.exposure });
    // Argo Rollouts adds the canary ReplicaSet's pod-template-hash to this selector during a rollout.
    renderService(chart, 'preview-service', { name: r.previewService, namespace: r.namespace, labels: r.objectLabels, selector: appSelector, type: ServiceType.CLUSTER_IP, ports: r.ports.map((p) => ({ ...p, nodePort: undefined })) });
    if (r.budget) renderDisruptionBudget(chart, 'disruption-budget', { name: r.name, namespace: r.namespace, labels: r.objectLabels, selector: appSelector, budget: r.budget });
    const steps: unknown[] = [];
    const declared: DeclaredStep[] = [];
    canaryPhases.forEach((p, i) => {
      steps.push({ setWeight: weights[i] });
      const gates = r.gates.resolve({
        release: r.objectLabels[Labels.INSTANCE],
        namespace: r.namespace,
        phase: p.name,
        prefix: r.name,
        versions: [{ version: r.canary.version }],
        placeholders: r.placeholders,
        services: servicesOf(chart),
        defaultServices: [r.previewService],
      });
      for (const g of gates) renderAnalysisTemplate(chart, `analysis-${g.declared.job}`, g, { name: g.declared.job, namespace: r.namespace, labels: r.objectLabels, release: r.objectLabels[Labels.INSTANCE] });
      steps.push(gates.length ? { analysis: { templates: gates.map((g) => ({ templateName: g.declared.job })) } } : { pause: {} });
      declared.push({
        name: p.name,
        description: `setWeight ${weights[i]}: ${p.description}; ${gates.length ? `then the analyses ${gates.map((g) => g.declared.job).join(', ')}` : 'then a pause until `kubectl argo rollouts promote`'}`,
        addresses: [address(r, [{ version: p.stable.version, weight: p.stable.replicas }, { version: p.canary!.version, weight: p.canary!.replicas }])],
        ...(gates.length ? { gates: gates.map((g) => g.declared) } : { pause: {} }),
      });
    });
    renderCanaryRollout(chart, r, run.image, run.version, run.config, steps);
    return declared;
  };

  const stableConfigs = [r.stable.config];
  const bothConfigs = [r.stable.config, r.canary.config];
  const steps = rendered('stable', 'stable', stableConfigs);
  rendered('release', 'canary', bothConfigs);
  rendered('rollback', 'stable', bothConfigs);
  const all = (version: string, what: string): DeclaredPhase => ({ name: '', description: what, addresses: [address(r, [{ version, weight: r.replicas }])] });
  return {
    phases: [
      { ...all(r.stable.version, `${r.replicas} pods of ${r.stable.version} (the Rollout's stable ReplicaSet)`), name: 'stable' },
      { ...all(r.canary.version, `the Rollout runs ${r.canary.version}: Argo Rollouts walks ${steps.length} steps, then promotes it to ${r.replicas} pods`), name: 'release' },
      { ...all(r.stable.version, `the Rollout runs ${r.stable.version} again: during a rollout Argo Rollouts returns to the stable ReplicaSet at once, skipping the remaining steps; after a completed release it walks the steps with ${r.stable.version} as the canary`), name: 'rollback' },
    ],
    steps,
    transitions: [
      ['stable', 'release'],
      ['release', 'rollback'],
    ],
  };
}

function address(r: CanaryRolloutInput, backends: DeclaredAddress['routes'][number]['backends']): DeclaredAddress {
  return { name: r.service.name, minAvailable: r.minAvailable, routes: [{ conditions: [], backends }] };
}

function renderCanaryRollout(chart: Chart, r: CanaryRolloutInput, image: string, version: string, config: ResolvedConfig | undefined, steps: unknown[]): void {
  const selector = { [Labels.NAME]: r.name };
  renderRollout(chart, {
    name: r.name,
    namespace: r.namespace,
    labels: r.objectLabels,
    options: r.options,
    replicas: r.replicas,
    minReadySeconds: r.rollingUpdate.minReadySeconds,
    selector,
    podLabels: { ...r.blueprint.podLabels, ...r.objectLabels, [Labels.VERSION]: version },
    podAnnotations: r.blueprint.podAnnotations,
    podSpec: r.blueprint.podSpec(image, selector, [], config),
    strategy: {
      canary: {
        canaryService: r.previewService,
        maxSurge: r.rollingUpdate.maxSurge,
        maxUnavailable: r.rollingUpdate.maxUnavailable,
        abortScaleDownDelaySeconds: r.options.abortScaleDownDelaySeconds,
        steps,
      },
    },
    overrides: r.blueprint.overrides.deployment,
  });
}

/** A maxSurge as a pod count, as Argo Rollouts resolves it: a percentage of the replicas, rounded up. */
function surgeCount(maxSurge: number | string, replicas: number): number {
  return typeof maxSurge === 'number' ? maxSurge : Math.ceil((Number(maxSurge.slice(0, -1)) * replicas) / 100);
}
