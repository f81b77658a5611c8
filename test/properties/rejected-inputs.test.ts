import * as fs from 'fs';
import * as path from 'path';
import { rejectedInputsSection } from './support/rejected-inputs';

test('the README lists every rejected input with its message, as the property tests generate them', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('## Rejected input');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end + 1);
  // Regenerate with: npx ts-node --transpile-only scripts/rejected-inputs.ts --write
  expect(section).toBe(rejectedInputsSection());
});
