import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { writePhaseCharts, Written } from '../output';
import { AppSpec, TrackPlan } from '../workload';

/**
 * (b) the same Deployments and Services hand-written with cdk8s-plus-27 L2
 * constructs, one chart per application and phase (under one construct per
 * application, as in (a) and (c)), as a user of cdk8s-plus would; the
 * PodDisruptionBudget with its L1 class, cdk8s-plus-27 having no L2 one.
 */
export function runCdk8sPlus(specs: readonly AppSpec[], outdir: string): Written {
  return writePhaseCharts(specs, outdir, (chart, spec, phase) => {
    const pinned = phase.canary && !phase.canaryReleased;
    disruptionBudget(chart, spec);
    service(chart, 'service', spec, spec.name, spec.serviceType, appLabels(spec), pinned ? { 'app.kubernetes.io/name': spec.name, track: 'stable' } : { 'app.kubernetes.io/name': spec.name });
    deployment(chart, spec, 'stable', phase.stable);
    if (phase.canary) {
      deployment(chart, spec, 'canary', phase.canary);
      service(chart, 'preview-service', spec, `${spec.name}-canary`, 'ClusterIP', { ...appLabels(spec), track: 'canary' }, { 'app.kubernetes.io/name': spec.name, track: 'canary' });
    }
  });
}

function appLabels(spec: AppSpec): Record<string, string> {
  return { 'app.kubernetes.io/instance': spec.name, 'app.kubernetes.io/managed-by': 'cdk8s-canary', 'app.kubernetes.io/name': spec.name };
}

function disruptionBudget(scope: Construct, spec: AppSpec): kplus.k8s.KubePodDisruptionBudget {
  return new kplus.k8s.KubePodDisruptionBudget(scope, 'stable-disruption-budget', {
    metadata: { name: `${spec.name}-stable`, labels: { ...appLabels(spec), track: 'stable' } },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: { 'app.kubernetes.io/name': spec.name, track: 'stable' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

function service(scope: Construct, id: string, spec: AppSpec, name: string, type: string, labels: Record<string, string>, selector: Record<string, string>): kplus.Service {
  const s = new kplus.Service(scope, id, {
    metadata: { name, labels },
    type: type === 'NodePort' ? kplus.ServiceType.NODE_PORT : kplus.ServiceType.CLUSTER_IP,
    ports: spec.ports.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.containerPort, protocol: kplus.Protocol.TCP })),
  });
  for (const [k, v] of Object.entries(selector)) s.selectLabel(k, v);
  return s;
}

function deployment(scope: Construct, spec: AppSpec, track: 'stable' | 'canary', state: TrackPlan): kplus.Deployment {
  const labels = { ...appLabels(spec), 'app.kubernetes.io/version': state.version, track };
  const d = new kplus.Deployment(scope, `${track}-deployment`, {
    metadata: { name: `${spec.name}-${track}`, labels },
    podMetadata: { labels, annotations: { ...spec.podAnnotations } },
    select: false,
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(scope, `${track}-account`, spec.serviceAccount),
    dockerRegistryAuth: kplus.Secret.fromSecretName(scope, `${track}-pull-secret`, spec.pullSecret),
    replicas: state.replicas,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true },
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    containers: [
      {
        name: spec.name,
        image: state.image,
        ports: spec.ports.map((p) => ({ name: p.name, number: p.containerPort, protocol: kplus.Protocol.TCP })),
        envVariables: Object.fromEntries(
          spec.env.map((e) => [
            e.name,
            e.secret
              ? kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(scope, `${track}-${e.name}`, e.secret.name), key: e.secret.key })
              : kplus.EnvValue.fromValue(e.value!),
          ]),
        ),
        readiness: kplus.Probe.fromHttpGet(spec.readinessPath, { port: spec.ports[0].containerPort }),
        resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
        securityContext: { ensureNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: false },
        // cdk8s-plus-27 has no sleep action: the drain runs `sleep` in the container.
        lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', String(spec.drainSeconds)]) },
        volumeMounts: [{ path: `/var/cache/${spec.name}`, volume: kplus.Volume.fromEmptyDir(scope, `${track}-cache`, 'cache', { sizeLimit: Size.mebibytes(parseInt(spec.cacheSize, 10)) }) }],
      },
    ],
  });
  // The spread of (a): one constraint per node and per zone, selecting the track's pods.
  d.scheduling.spread({ topology: kplus.Topology.HOSTNAME });
  d.scheduling.spread({ topology: kplus.Topology.ZONE });
  d.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': spec.name, track } }));
  return d;
}
