import * as fs from 'fs';
import * as path from 'path';
import { REJECTED_INPUTS_PAGE, rejectedInputsPage } from './support/rejected-inputs';

test(`${REJECTED_INPUTS_PAGE} lists every rejected input with its message, as the property tests generate them`, () => {
  const page = fs.readFileSync(path.join(__dirname, '../..', REJECTED_INPUTS_PAGE), 'utf8');
  // Regenerate with: node tools/run.js scripts/rejected-inputs.ts --write
  expect(page).toBe(rejectedInputsPage());
});
