import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { renderApp } from '../../lib';
import { SPECS } from './arbitraries';
import { memoryApp, SEED } from './support/properties';

describe.each(SPECS.map((s) => [s.name, s] as const))('%s output is deterministic', (_name, spec) => {
  test('the same input renders the same files, wherever the construct sits in the tree', () => {
    fc.assert(
      fc.property(spec.valid, (c) => {
        const render = (nest: boolean) => {
          const app = memoryApp();
          spec.build(nest ? new Construct(new Construct(app, 'team'), 'apps') : app, c);
          return renderApp(app);
        };
        const first = render(false);
        expect(render(false)).toEqual(first);
        expect(render(true)).toEqual(first);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});
