/**
 * Prints the README's "Rejected input" section, generated from the property tests;
 * with --write, replaces the section in README.md.
 */
import * as fs from 'fs';
import { rejectedInputsSection } from '../test/properties/support/rejected-inputs';

const section = rejectedInputsSection();
if (process.argv.includes('--write')) {
  const readme = fs.readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Rejected input');
  const end = start < 0 ? -1 : readme.indexOf('\n## ', start + 1);
  const next = start < 0 ? `${readme.trimEnd()}\n\n${section}` : readme.slice(0, start) + section + (end < 0 ? '' : readme.slice(end + 1));
  fs.writeFileSync('README.md', next);
} else {
  process.stdout.write(section);
}
