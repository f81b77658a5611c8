import { pruneAllowlistOf } from '../../lib/model/prune-allowlist';
import { DeclaredAddress, DeclaredRelease, TrafficProvider } from '../../lib/model/release';
import { Finding } from '../../lib/verify/finding';
import { isObject, LoadedPhase, LoadedRelease, loadRelease } from '../../lib/verify/loading/loader';
import { verifyRelease } from '../../lib/verify/verify';

/** Hand-written manifests for the verifier's tests: valid and restricted unless a test breaks them. */

export type Doc = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export const RELEASE = 'shop';
export const PRUNE = 'app.kubernetes.io/instance=shop,app.kubernetes.io/managed-by=cdk8s-canary';
export const RELEASE_LABELS = { 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/managed-by': 'cdk8s-canary' };

export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

export interface DeploymentOptions {
  readonly podLabels: { [key: string]: string };
  /** @default podLabels */
  readonly selector?: { [key: string]: string };
  readonly replicas?: number;
  readonly image?: string;
  readonly maxSurge?: number | string;
  readonly maxUnavailable?: number | string;
}

export function deployment(name: string, o: DeploymentOptions): Doc {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { ...RELEASE_LABELS } },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: o.selector ?? o.podLabels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? 1, maxUnavailable: o.maxUnavailable ?? 0 } },
      template: { metadata: { labels: { ...o.podLabels } }, spec: podSpec(o.image ?? 'registry.example.com/shop:1.0.0') },
    },
  };
}

export function podSpec(image: string): Doc {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'shop',
        image,
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
      },
    ],
  };
}

export function service(name: string, selector: { [key: string]: string }): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { ...RELEASE_LABELS } },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

export function destinationRule(name: string, host: string, subsets: { [name: string]: { [key: string]: string } }): Doc {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, labels: { ...RELEASE_LABELS } },
    spec: { host, subsets: Object.entries(subsets).map(([n, labels]) => ({ name: n, labels })) },
  };
}

export function virtualService(name: string, http: Doc[]): Doc {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, labels: { ...RELEASE_LABELS } }, spec: { hosts: [name], http } };
}

export function httpRoute(name: string, rules: Doc[]): Doc {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, labels: { ...RELEASE_LABELS } },
    spec: { parentRefs: [{ name: 'gateway' }], rules },
  };
}

export function ingress(name: string, serviceName: string, annotations: { [key: string]: string } = {}): Doc {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels: { ...RELEASE_LABELS }, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { number: 80 } } } }] } }],
    },
  };
}

export function phase(name: string, ...docs: Doc[]): LoadedPhase {
  const documents = docs.map((value, i) => ({ file: `${name}.yaml`, index: i + 1, value: clone(value) }));
  return { name, documents, objects: documents.map((d) => d.value).filter(isObject) };
}

/** A release with a declaration; phases follow one another in the given order. */
export function release(
  provider: TrafficProvider,
  phases: ReadonlyArray<readonly [LoadedPhase, readonly DeclaredAddress[]]>,
  transitions?: Array<[string, string]>,
  pruneAllowlist?: string[],
): LoadedRelease {
  const names = phases.map(([p]) => p.name);
  const declaration: DeclaredRelease = {
    apiVersion: 'cdk8s-canary/v1',
    release: RELEASE,
    strategy: 'canary',
    provider,
    pruneSelector: PRUNE,
    // As the writer computes it, unless a test declares another.
    pruneAllowlist: pruneAllowlist ?? pruneAllowlistOf(phases.flatMap(([p]) => p.objects)),
    phases: phases.map(([p, addresses]) => ({ name: p.name, description: p.name, addresses })),
    transitions: transitions ?? names.slice(1).map((n, i) => [names[i], n] as const),
  };
  return { name: RELEASE, path: '<memory>', declaration, phases: phases.map(([p]) => p), transitions: declaration.transitions };
}

/** A plain-YAML release: no declaration, consecutive phases. */
export function plain(...phases: LoadedPhase[]): LoadedRelease {
  return { name: 'plain', path: '<memory>', phases, transitions: phases.slice(1).map((p, i) => [phases[i].name, p.name] as const) };
}

export function findings(r: LoadedRelease, check?: Finding['check']): Finding[] {
  return verifyRelease(r).findings.filter((f) => check === undefined || f.check === check);
}

/** One finding, without the release name, as tests compare them. */
export function brief(f: Finding): Pick<Finding, 'check' | 'phase' | 'object' | 'field' | 'message'> {
  return { check: f.check, phase: f.phase, object: f.object, field: f.field, message: f.message };
}

// --- the synthesized examples, for tests that break one thing in real output ---

export function distRelease(name: string): LoadedRelease {
  return loadRelease(`${__dirname}/../../dist/${name}`);
}

/** A copy of the release where `edit` changed the object kind/name in the given phases. */
export function editObject(r: LoadedRelease, phases: readonly string[], kind: string, name: string, edit: (o: Doc) => void): LoadedRelease {
  let found = 0;
  const out = {
    ...r,
    phases: r.phases.map((p) => {
      if (!phases.includes(p.name)) return p;
      const docs = p.documents.map((d) => clone(d.value) as Doc);
      for (const d of docs) {
        if (d.kind === kind && d.metadata?.name === name) {
          edit(d);
          found++;
        }
      }
      return phase(p.name, ...docs);
    }),
  };
  if (found !== phases.length) throw new Error(`${kind}/${name} not found in every phase of ${phases.join(', ')}`);
  return out;
}
