/**
 * Order of kinds inside a phase's manifest: what others depend on comes first, as
 * Helm installs them, so a single `kubectl apply -f` never meets a missing namespace.
 */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PodDisruptionBudget',
  'Service',
  'Deployment',
  'StatefulSet',
  'Job',
  'HorizontalPodAutoscaler',
  'DestinationRule',
  'Gateway',
  'VirtualService',
  'HTTPRoute',
  'Ingress',
];

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function compareManifests(a: Manifest, b: Manifest): number {
  return (
    rank(a.kind) - rank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.apiVersion, b.apiVersion) ||
    cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    cmp(a.metadata.name, b.metadata.name)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
