import { isPlainObject } from './checks';
import { Match } from './route-match';

/** A route of a phase taken by the requests that meet all of its conditions. */
export interface ConditionalRoute {
  /** All must hold. */
  readonly matches: readonly Match[];
  /** The version that receives these requests. */
  readonly version: string;
}

/**
 * One phase of a Gateway release: which versions are deployed and how requests reach
 * them. Built with `Release.to` or `Release.split` and refined with the methods below;
 * each method returns a new phase, so phases can be derived from one another.
 *
 * The versions a phase deploys are those it routes to (by weight or condition) and
 * those added with `withDark`; the others are absent from the phase and pruned.
 */
export class GatewayPhase {
  /** @internal */
  constructor(
    /** Weights of the default route, by version: the requests no condition took. */
    public readonly weights: { readonly [version: string]: number },
    public readonly routes: readonly ConditionalRoute[] = [],
    public readonly dark: readonly string[] = [],
    public readonly name?: string,
    public readonly description?: string,
    /** @internal Every argument of `withReplicas`, as given: the Gateway checks them. */
    public readonly _replicasGiven: readonly unknown[] = [],
  ) {}

  /** Pods of some versions in this phase, as the `withReplicas` calls leave them (later ones win). */
  public get replicas(): { readonly [version: string]: number } {
    const merged: { [version: string]: number } = {};
    // Anything but an object of counts is kept in _replicasGiven, for the Gateway to refuse with its name.
    for (const arg of this._replicasGiven) {
      if (isPlainObject(arg)) for (const [v, n] of Object.entries(arg)) if (n === undefined) delete merged[v]; else merged[v] = n as number;
    }
    return merged;
  }

  /** Also deploys these versions, without sending them any request. */
  public withDark(...versions: string[]): GatewayPhase {
    return new GatewayPhase(this.weights, this.routes, [...this.dark, ...versions], this.name, this.description, this._replicasGiven);
  }

  /**
   * Sends the requests that meet every condition to `version`, before the weights
   * apply. Routes are tried in the order of the `when` calls; the first match wins.
   */
  public when(conditions: Match | Match[], version: string): GatewayPhase {
    const matches = Array.isArray(conditions) ? conditions : [conditions];
    return new GatewayPhase(this.weights, [...this.routes, { matches, version }], this.dark, this.name, this.description, this._replicasGiven);
  }

  /** Pods of some versions in this phase, instead of their `replicas`. A version set to undefined keeps its `replicas`. */
  public withReplicas(replicas: { [version: string]: number }): GatewayPhase {
    return new GatewayPhase(this.weights, this.routes, this.dark, this.name, this.description, [...this._replicasGiven, replicas]);
  }

  /**
   * Name of the phase: its output folder, a DNS label.
   * @default - derived from the routes: `1-0-3`, `split-90-10`, `v1-when-v2`, `v1-dark-v2`
   */
  public named(name: string): GatewayPhase {
    return new GatewayPhase(this.weights, this.routes, this.dark, name, this.description, this._replicasGiven);
  }

  /** A sentence for release.json. @default - derived from the routes */
  public describedAs(description: string): GatewayPhase {
    return new GatewayPhase(this.weights, this.routes, this.dark, this.name, description, this._replicasGiven);
  }
}

/** Factories of Gateway phases. */
export class Release {
  /** Every request (that no condition takes) goes to `version`. */
  public static to(version: string): GatewayPhase {
    return new GatewayPhase({ [version]: 100 });
  }

  /**
   * Requests are split by weight, e.g. `{ v1: 90, v2: 10 }`. A version with weight 0 is
   * deployed but receives no request. Istio and ingress-nginx need weights that sum to
   * 100; the Gateway API and the plain Service take them as ratios.
   */
  public static split(weights: { [version: string]: number }): GatewayPhase {
    return new GatewayPhase(weights);
  }

  private constructor() {}
}
