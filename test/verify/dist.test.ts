import * as fs from 'fs';
import * as path from 'path';
import { formatFinding } from '../../lib/verify/finding';
import { verifyPath } from '../../lib/verify/verify';

// Every release the examples synthesize must be safe to apply: the CI test run verifies all of dist/.
const dist = path.join(__dirname, '..', '..', 'dist');
const releases = fs.readdirSync(dist, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

test('dist/ holds releases', () => {
  expect(releases.length).toBeGreaterThan(0);
});

test.each(releases)('dist/%s verifies with no findings', (name) => {
  const result = verifyPath(path.join(dist, name));
  expect(result.findings.map(formatFinding)).toEqual([]);
  expect(result.phases.length).toBeGreaterThan(1);
  expect(result.transitions.length).toBeGreaterThan(0);
});
