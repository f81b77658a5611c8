import { AppSpec, PhasePlan, TrackPlan } from './workload';

/**
 * The objects of one phase as hand-written plain data: what a team templating YAML
 * from JavaScript would write. Keys are in the order cdk8s emits them (sorted), and
 * the documents in the order of the library's manifests, so the YAML is byte for
 * byte the library's: the benchmark checks it.
 */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels: Record<string, string> }; spec: any };

export function phaseManifests(spec: AppSpec, phase: PhasePlan): Manifest[] {
  const services = [productionService(spec, phase)];
  const deployments = [];
  if (phase.canary) {
    services.push(previewService(spec));
    deployments.push(deployment(spec, 'canary', phase.canary));
  }
  deployments.push(deployment(spec, 'stable', phase.stable));
  return [disruptionBudget(spec), ...services, ...deployments];
}

function appLabels(spec: AppSpec): Record<string, string> {
  return { 'app.kubernetes.io/instance': spec.name, 'app.kubernetes.io/managed-by': 'cdk8s-canary', 'app.kubernetes.io/name': spec.name };
}

/** The stable track's PodDisruptionBudget: the same in every phase. */
function disruptionBudget(spec: AppSpec): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { labels: { ...appLabels(spec), track: 'stable' }, name: `${spec.name}-stable` },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': spec.name, track: 'stable' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  };
}

function servicePorts(spec: AppSpec) {
  return spec.ports.map((p) => ({ name: p.name, port: p.servicePort, protocol: 'TCP', targetPort: p.name }));
}

function productionService(spec: AppSpec, phase: PhasePlan): Manifest {
  const pinned = phase.canary && !phase.canaryReleased;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { labels: appLabels(spec), name: spec.name },
    spec: {
      ports: servicePorts(spec),
      selector: pinned ? { 'app.kubernetes.io/name': spec.name, track: 'stable' } : { 'app.kubernetes.io/name': spec.name },
      type: spec.serviceType,
    },
  } as Manifest;
}

function previewService(spec: AppSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { labels: { ...appLabels(spec), track: 'canary' }, name: `${spec.name}-canary` },
    spec: { ports: servicePorts(spec), selector: { 'app.kubernetes.io/name': spec.name, track: 'canary' }, type: 'ClusterIP' },
  } as Manifest;
}

function deployment(spec: AppSpec, track: 'stable' | 'canary', state: TrackPlan): Manifest {
  const labels = { ...appLabels(spec), 'app.kubernetes.io/version': state.version, track };
  const selector = { 'app.kubernetes.io/name': spec.name, track };
  const spread = (topologyKey: string) => ({ labelSelector: { matchLabels: { ...selector } }, maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway' });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { labels, name: `${spec.name}-${track}` },
    spec: {
      replicas: state.replicas,
      selector: { matchLabels: { ...selector } },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
      template: {
        metadata: { annotations: { ...spec.podAnnotations }, labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              env: spec.env.map((e) => (e.secret ? { name: e.name, valueFrom: { secretKeyRef: { key: e.secret.key, name: e.secret.name } } } : { name: e.name, value: e.value })),
              image: state.image,
              lifecycle: { preStop: { sleep: { seconds: spec.drainSeconds } } },
              name: spec.name,
              ports: spec.ports.map((p) => ({ containerPort: p.containerPort, name: p.name, protocol: 'TCP' })),
              readinessProbe: { httpGet: { path: spec.readinessPath, port: spec.ports[0].name } },
              resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: false, runAsNonRoot: true },
              volumeMounts: [{ mountPath: `/var/cache/${spec.name}`, name: 'cache' }],
            },
          ],
          imagePullSecrets: [{ name: spec.pullSecret }],
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          serviceAccountName: spec.serviceAccount,
          topologySpreadConstraints: [spread('kubernetes.io/hostname'), spread('topology.kubernetes.io/zone')],
          volumes: [{ emptyDir: { sizeLimit: spec.cacheSize }, name: 'cache' }],
        },
      },
    },
  };
}
