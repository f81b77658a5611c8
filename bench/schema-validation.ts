// Times validateSchema on 1,000 Deployments, 1,000 Services and 100
// VirtualServices (all valid, all different):
//
//   npx ts-node --transpile-only scripts/bench-schema.ts
import { performance } from 'perf_hooks';
import { validateSchema } from '../lib/verify/schema/schema';

function deployment(i: number): object {
  const labels = { 'app.kubernetes.io/name': `app-${i}`, track: i % 2 === 0 ? 'stable' : 'canary' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${i}`, namespace: 'bench', labels },
    spec: {
      replicas: 1 + (i % 5),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'app',
              image: `registry.example.com/app:${i}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

function service(i: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `app-${i}`, namespace: 'bench' },
    spec: { selector: { 'app.kubernetes.io/name': `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function virtualService(i: number): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: `app-${i}`, namespace: 'bench' },
    spec: {
      hosts: [`app-${i}`],
      http: [
        { match: [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }], route: [{ destination: { host: `app-${i}`, subset: 'canary' } }] },
        {
          route: [
            { destination: { host: `app-${i}`, subset: 'stable' }, weight: 100 - (i % 100) },
            { destination: { host: `app-${i}`, subset: 'canary' }, weight: i % 100 },
          ],
        },
      ],
    },
  };
}

const docs = [
  ...Array.from({ length: 1000 }, (_, i) => deployment(i)),
  ...Array.from({ length: 1000 }, (_, i) => service(i)),
  ...Array.from({ length: 100 }, (_, i) => virtualService(i)),
];

for (const round of ['first run (loads modules, compiles the CRD schema)', 'second run']) {
  const start = performance.now();
  let issues = 0;
  for (const doc of docs) issues += validateSchema(doc).length;
  const ms = performance.now() - start;
  console.log(`${round}: ${docs.length} documents in ${ms.toFixed(0)} ms (${issues} issues)`);
}
