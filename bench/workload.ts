/**
 * The generated workload of the benchmark: N applications, each released as a canary
 * with every phase. The spec is plain data, so that each variant (this library,
 * cdk8s-plus, raw ApiObjects, plain YAML) builds the very same objects from it.
 */

export interface PortSpec {
  readonly name: string;
  readonly containerPort: number;
  readonly servicePort: number;
}

export interface EnvSpec {
  readonly name: string;
  /** A literal value, or a key of a Secret. */
  readonly value?: string;
  readonly secret?: { readonly name: string; readonly key: string };
}

export interface AppSpec {
  readonly name: string;
  readonly stableImage: string;
  readonly canaryImage: string;
  readonly stableVersion: string;
  readonly canaryVersion: string;
  readonly replicas: number;
  readonly capacity: 'constant' | 'surge';
  /** Canary pods of each step, growing. */
  readonly steps: readonly number[];
  readonly ports: readonly PortSpec[];
  readonly serviceType: 'ClusterIP' | 'NodePort';
  readonly readinessPath: string;
  readonly env: readonly EnvSpec[];
  /** Service account of the pods (an IAM role's). */
  readonly serviceAccount: string;
  /** Secret for pulling from the private registry. */
  readonly pullSecret: string;
  /** Annotations of the pods (Prometheus scraping). */
  readonly podAnnotations: { readonly [key: string]: string };
  /** Seconds of the preStop drain. */
  readonly drainSeconds: number;
  /** Scratch space, mounted at /var/cache/<name>. */
  readonly cacheSize: string;
}

/**
 * N applications, varied but deterministic: 2-5 replicas, 1-2 steps, both capacity modes, 1-2 ports;
 * each with what a production pod sets: service account, pull secret, annotations, drain,
 * spread over nodes and zones, a scratch volume.
 */
export function appSpecs(n: number): AppSpec[] {
  const specs: AppSpec[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const replicas = 2 + (i % 4);
    const capacity = i % 2 === 0 ? 'constant' : 'surge';
    const steps = capacity === 'constant' ? (replicas >= 4 ? [1, 2] : [1]) : i % 3 === 0 ? [1, 2] : [1];
    const minor = i % 10;
    specs.push({
      name,
      stableImage: `registry.example.com/team-${i % 17}/${name}:1.${minor}.0`,
      canaryImage: `registry.example.com/team-${i % 17}/${name}:1.${minor + 1}.0`,
      stableVersion: `1.${minor}.0`,
      canaryVersion: `1.${minor + 1}.0`,
      replicas,
      capacity,
      steps,
      ports:
        i % 5 === 0
          ? [
              { name: 'http', containerPort: 8080, servicePort: 80 },
              { name: 'metrics', containerPort: 9090, servicePort: 9090 },
            ]
          : [{ name: 'http', containerPort: 8080, servicePort: 80 }],
      serviceType: i % 7 === 0 ? 'NodePort' : 'ClusterIP',
      readinessPath: '/healthz',
      env: [
        { name: 'LOG_LEVEL', value: i % 3 === 0 ? 'debug' : 'info' },
        { name: 'DB_HOST', secret: { name: `${name}-db`, key: 'host' } },
        { name: 'DB_PASSWORD', secret: { name: `${name}-db`, key: 'password' } },
      ],
      serviceAccount: name,
      pullSecret: 'registry-credentials',
      podAnnotations: { 'prometheus.io/port': '9090', 'prometheus.io/scrape': 'true' },
      drainSeconds: 5 + (i % 3) * 5,
      cacheSize: `${64 * (1 + (i % 4))}Mi`,
    });
  }
  return specs;
}

/** What one track runs in a phase. */
export interface TrackPlan {
  readonly replicas: number;
  readonly image: string;
  readonly version: string;
}

/** One phase of a canary release, planned by hand as a user of plain cdk8s would. */
export interface PhasePlan {
  readonly name: string;
  readonly stable: TrackPlan;
  readonly canary?: TrackPlan;
  /** Whether the production Service selects the canary pods too. */
  readonly canaryReleased: boolean;
}

/** stable → dark → each step → promote, and rollback. */
export function phasesOf(spec: AppSpec): PhasePlan[] {
  const n = spec.replicas;
  const stable = (replicas: number): TrackPlan => ({ replicas, image: spec.stableImage, version: spec.stableVersion });
  const canary = (replicas: number): TrackPlan => ({ replicas, image: spec.canaryImage, version: spec.canaryVersion });
  const phases: PhasePlan[] = [
    { name: 'stable', stable: stable(n), canaryReleased: false },
    { name: 'dark', stable: stable(n), canary: canary(spec.steps[0]), canaryReleased: false },
  ];
  for (const c of spec.steps) {
    const s = spec.capacity === 'constant' ? n - c : n;
    phases.push({ name: `canary-${Math.round((100 * c) / (s + c))}`, stable: stable(s), canary: canary(c), canaryReleased: true });
  }
  phases.push(
    { name: 'promote', stable: { replicas: n, image: spec.canaryImage, version: spec.canaryVersion }, canaryReleased: false },
    { name: 'rollback', stable: stable(n), canaryReleased: false },
  );
  return phases;
}

/** Number of phase manifests the workload of N apps produces. */
export function phaseCount(specs: readonly AppSpec[]): number {
  return specs.reduce((sum, s) => sum + phasesOf(s).length, 0);
}
