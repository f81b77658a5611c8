import { Chart } from 'cdk8s';
import { Checks } from '../../model/checks';
import { GatewayPlan, GatewayPlanPhase } from '../../model/gateway-plan';
import { DeclaredStep } from '../../model/release';
import { ResolvedAutoscaling } from '../../render/autoscaling';
import { ResolvedGate } from '../../render/gate-job';
import { PhaseGateSet, servicesOf } from '../../render/phase-gates';
import { PodBlueprint } from '../../render/pod-blueprint';
import { ResolvedRollingUpdate } from '../../render/workload';
import { TrafficTarget } from '../../traffic/provider';
import { Traffic } from '../../traffic/traffic';
import { ResolvedArgoRollouts } from '../engine';
import { renderAnalysisTemplate } from './analysis-template';

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

/** The two versions a Gateway's Rollout runs, checked: the stable one (first phase) and the new one. */
export interface RolloutPair {
  readonly stable: RolloutVersion;
  readonly canary: RolloutVersion;
}

/** How a Gateway's Rollout replaces one version with the other. */
export interface GatewayStrategy {
  /** Blue-green: the router objects lead to the active Service alone. */
  readonly blueGreen: boolean;
  /**
   * `spec.strategy` and the steps release.json declares; the AnalysisTemplates of the gates
   * go into `chart`. `walked` is true in the folder whose version the controller rolls out
   * with the steps (`release`), false in those that return to the stable version.
   */
  render(chart: Chart, walked: boolean): { readonly strategy: { [key: string]: unknown }; readonly steps: DeclaredStep[] };
  /** What the `release` folder does, for release.json. */
  describeRelease(steps: readonly DeclaredStep[]): string;
}

export const ENGINE = 'Engine.argoRollouts()';

/** The gates of a phase as AnalysisTemplates in `chart`, testing the new version; `services` are those an HTTP gate requests by default. */
export function analysesOf(g: GatewayRolloutInput, chart: Chart, phase: string, canary: string, defaultServices: string[]): readonly ResolvedGate[] {
  const { target } = g;
  const gates = g.gates.resolve({
    release: g.release,
    namespace: target.namespace,
    phase,
    prefix: target.name,
    versions: [{ version: canary }],
    placeholders: { app: target.name, service: target.name },
    services: servicesOf(chart),
    defaultServices,
  });
  for (const gate of gates) renderAnalysisTemplate(chart, `analysis-${gate.declared.job}`, gate, { name: gate.declared.job, namespace: target.namespace, labels: target.labels, release: g.release });
  return gates;
}

/**
 * Refuses a phase that gives `version` other pods than the Rollout's replicas; `why` says
 * which ReplicaSet keeps them, `by` names the engine (and feature).
 */
export function checkPods(g: GatewayRolloutInput, p: GatewayPlanPhase, version: string, replicas: number, why: string, by = `with ${ENGINE}`): void {
  const pods = p.deployed.find((d) => d.version === version)?.replicas ?? 0;
  if (pods !== replicas) g.check.fail(`${p.field}.replicas.${version}`, pods, `${replicas} pods of ${JSON.stringify(version)} ${by}: ${why}`);
}
