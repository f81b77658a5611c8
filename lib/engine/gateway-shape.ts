import { Checks } from '../model/checks';
import { GatewayPlan, routedVersions } from '../model/gateway-plan';

/** Why an engine needs each rule of a controller-walked Gateway, in its own words. */
export interface GatewayShapeWords {
  /** How errors name the engine, e.g. `with Engine.argoRollouts()`. */
  readonly engine: string;
  readonly twoVersions: string;
  readonly firstPhase: string;
  readonly secondVersion: string;
  readonly lastPhase: string;
}

/**
 * The shape every controller needs of a Gateway it walks: two versions, a first phase
 * that runs the stable one alone (what the controller starts from) and a last phase that
 * sends every request to the new one (the controller promotes after the last step).
 * Returns the stable and the new version.
 */
export function gatewayReleaseShape(check: Checks, plan: GatewayPlan, words: GatewayShapeWords): { stable: string; canary: string } {
  const phases = plan.phases;
  const first = phases[0];
  const last = phases[phases.length - 1];
  const versions = new Set(phases.flatMap((p) => p.deployed.map((d) => d.version)));
  if (versions.size > 2) check.fail('versions', [...versions], `at most two versions in the phases ${words.engine}: ${words.twoVersions}`);
  const firstRouted = [...routedVersions(first)];
  if (firstRouted.length !== 1 || first.routes.length || first.deployed.length !== 1) {
    check.fail(first.field, first.name, `a first phase that runs one version alone (Release.to(version)) ${words.engine}: ${words.firstPhase}`);
  }
  const stable = firstRouted[0];
  const canary = [...versions].find((v) => v !== stable);
  if (canary === undefined) check.fail('phases', phases.length, `a phase that releases a second version ${words.engine}: ${words.secondVersion}`);
  const lastRouted = [...routedVersions(last)];
  if (lastRouted.length !== 1 || lastRouted[0] !== canary || last.routes.length) {
    check.fail(
      last.field,
      last.name,
      `a last phase that sends every request to ${JSON.stringify(canary)} (Release.to(${JSON.stringify(canary)})) ${words.engine}: ${words.lastPhase}`,
    );
  }
  return { stable, canary: canary! };
}

/** A version's pods and autoscaler, as the one workload of a controller needs them. */
export interface ScaledVersion {
  readonly version: string;
  readonly replicas: number;
  readonly autoscaling?: unknown;
}

/**
 * The two versions run as one workload (a Rollout, a Canary's Deployment), which has one
 * replica count and one autoscaler: they must agree.
 */
export function checkOneWorkload(check: Checks, stable: ScaledVersion, canary: ScaledVersion, expected: (stable: string) => string): void {
  if (stable.replicas !== canary.replicas || JSON.stringify(stable.autoscaling) !== JSON.stringify(canary.autoscaling)) {
    check.fail(`versions.${canary.version}`, canary.version, expected(stable.version));
  }
}
