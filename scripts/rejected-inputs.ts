/**
 * Prints the "Rejected input" page of the documentation, generated from the property
 * tests; with --write, writes it to docs/rejected-inputs.md.
 */
import * as fs from 'fs';
import { REJECTED_INPUTS_PAGE, rejectedInputsPage } from '../test/properties/support/rejected-inputs';

const page = rejectedInputsPage();
if (process.argv.includes('--write')) fs.writeFileSync(REJECTED_INPUTS_PAGE, page);
else process.stdout.write(page);
