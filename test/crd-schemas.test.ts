import * as fs from 'fs';
import * as path from 'path';

// The committed schemas/crd-schemas.json must be exactly what
// scripts/extract-crd-schemas.js produces from the CRD files in ../shared/crds,
// so that a CRD update without `npm run schemas` fails here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractCrdSchemas, CRD_FILES, OUTPUT } = require('../scripts/extract-crd-schemas.js') as {
  extractCrdSchemas(crdDir: string): string;
  CRD_FILES: string[];
  OUTPUT: string;
};

const crdDir = path.resolve(__dirname, '..', '..', 'shared', 'crds');
const haveCrds = CRD_FILES.every((file) => fs.existsSync(path.join(crdDir, file)));

describe('schemas/crd-schemas.json', () => {
  if (haveCrds) {
    test('is identical to a fresh extraction from ../shared/crds (run `npm run schemas` if not)', () => {
      const committed = fs.readFileSync(OUTPUT, 'utf8');
      expect(extractCrdSchemas(crdDir) === committed).toBe(true);
    });
  } else {
    test.skip(`freshness check skipped: the CRD files (${CRD_FILES.join(', ')}) were not found in ${crdDir}`, () => {});
  }

  test('maps every served Istio, Gateway API, Argo Rollouts and Flagger version to a schema', () => {
    const { kinds, schemas } = JSON.parse(fs.readFileSync(OUTPUT, 'utf8')) as {
      kinds: Record<string, string>;
      schemas: Record<string, unknown>;
    };
    expect(Object.keys(kinds)).toEqual([
      'argoproj.io/v1alpha1 AnalysisTemplate',
      'argoproj.io/v1alpha1 Rollout',
      'flagger.app/v1beta1 AlertProvider',
      'flagger.app/v1beta1 Canary',
      'flagger.app/v1beta1 MetricTemplate',
      'gateway.networking.k8s.io/v1 GRPCRoute',
      'gateway.networking.k8s.io/v1 Gateway',
      'gateway.networking.k8s.io/v1 GatewayClass',
      'gateway.networking.k8s.io/v1 HTTPRoute',
      'gateway.networking.k8s.io/v1 ReferenceGrant',
      'gateway.networking.k8s.io/v1beta1 Gateway',
      'gateway.networking.k8s.io/v1beta1 GatewayClass',
      'gateway.networking.k8s.io/v1beta1 HTTPRoute',
      'gateway.networking.k8s.io/v1beta1 ReferenceGrant',
      'networking.istio.io/v1 DestinationRule',
      'networking.istio.io/v1 Gateway',
      'networking.istio.io/v1 VirtualService',
      'networking.istio.io/v1alpha3 DestinationRule',
      'networking.istio.io/v1alpha3 Gateway',
      'networking.istio.io/v1alpha3 VirtualService',
      'networking.istio.io/v1beta1 DestinationRule',
      'networking.istio.io/v1beta1 Gateway',
      'networking.istio.io/v1beta1 VirtualService',
    ]);
    for (const schemaKey of Object.values(kinds)) {
      expect(schemas[schemaKey]).toEqual(expect.objectContaining({ type: 'object' }));
    }
  });
});
