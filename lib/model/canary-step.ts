/**
 * How the canary share of a release grows: each step is one phase in which the
 * stable and the canary pods are served together by the production Service.
 */
export class CanaryStep {
  /**
   * A step given as the percentage of requests the canary receives. With a plain
   * Service the share is realised by replica counts, so it must be exact for the
   * release's replicas (10% of 3 pods is refused, with the counts that would work).
   */
  public static weight(percent: number): CanaryStep {
    return new CanaryStep('weight', percent);
  }

  /** A step given as the number of canary pods; its share follows from the capacity mode. */
  public static replicas(count: number): CanaryStep {
    return new CanaryStep('replicas', count);
  }

  private constructor(
    /** `weight` (a percentage) or `replicas` (a pod count). */
    public readonly unit: 'weight' | 'replicas',
    public readonly value: number,
  ) {}

  public toString(): string {
    return this.unit === 'weight' ? `CanaryStep.weight(${this.value})` : `CanaryStep.replicas(${this.value})`;
  }
}

/** How canary pods are added to the stable ones. */
export enum CapacityMode {
  /**
   * The total stays at the release's replicas: each canary pod replaces a stable
   * one (3 stable → 2 stable + 1 canary). Costs nothing extra; the canary share is
   * canary / replicas.
   */
  CONSTANT = 'constant',
  /**
   * The stable track keeps all its replicas and canary pods come on top
   * (3 stable + 1 canary): the canary share is canary / (replicas + canary).
   */
  SURGE = 'surge',
}
