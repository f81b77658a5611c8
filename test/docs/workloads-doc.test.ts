import * as fs from 'fs';
import * as path from 'path';
import { CONTAINER_OPTION_KEYS } from '../../lib/render/pod-blueprint';

const repo = path.join(__dirname, '../..');
const page = fs.readFileSync(path.join(repo, 'docs/workloads.md'), 'utf8');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');

test('docs/workloads.md is linked from the README and documents every pod option the README does not', () => {
  expect(readme).toContain('(docs/workloads.md)');
  const documented = (key: string) => page.includes(`\`${key}\``) || page.includes(`${key}:`) || readme.includes(`\`${key}\``) || readme.includes(`${key}:`);
  expect(CONTAINER_OPTION_KEYS.filter((k) => !documented(k))).toEqual([]);
});
