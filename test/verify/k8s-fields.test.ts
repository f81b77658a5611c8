import * as fs from 'fs';
import { CORE_KINDS } from '../../lib/verify/schema/core-kinds';

// schemas/k8s-fields.json must be what scripts/extract-k8s-fields.js reads
// from the installed kubernetes-models, so that upgrading kubernetes-models
// without `npm run k8s-fields` fails here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractK8sFields, KINDS, OUTPUT } = require('../../scripts/extract-k8s-fields.js') as {
  extractK8sFields(): string;
  KINDS: Record<string, string>;
  OUTPUT: string;
};

describe('schemas/k8s-fields.json', () => {
  test('is identical to a fresh extraction from kubernetes-models (run `npm run k8s-fields` if not)', () => {
    expect(extractK8sFields() === fs.readFileSync(OUTPUT, 'utf8')).toBe(true);
  });

  test('covers exactly the core kinds the validator loads', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...CORE_KINDS].sort());
  });

  test('knows the fields of a container', () => {
    const { types } = JSON.parse(fs.readFileSync(OUTPUT, 'utf8')) as { types: Record<string, Record<string, unknown>> };
    expect(types['v1/Container']).toMatchObject({ image: 0, ports: '[]v1/ContainerPort', securityContext: 'v1/SecurityContext' });
    expect(types['v1/Container']).not.toHaveProperty('imagePullPolcy');
  });
});
