import * as fs from 'fs';
import * as path from 'path';

// Every relative link of the README and the documentation pages leads somewhere: the file
// exists and, for a link to a heading, the page has that heading.

const repo = path.resolve(__dirname, '../..');
const docs = path.join(repo, 'docs');
const pages = ['README.md', ...fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The links of a Markdown text outside code blocks and code spans: `[text](target)`. */
export function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[^]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** The anchors GitHub gives the headings of a page: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, title] of markdown.replace(/^```[^]*?^```$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = title
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n ? `${slug}-${n}` : slug);
  }
  return anchors;
}

test('the README and the documentation pages exist, and the README lists every page', () => {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const listed = new Set(linksOf(readme.slice(readme.indexOf('\n## Documentation'))).map((l) => l.split('#')[0]));
  for (const page of pages.filter((p) => p !== 'README.md')) expect({ page, listed: listed.has(page) }).toEqual({ page, listed: true });
  expect(readme.split('\n').length).toBeLessThanOrEqual(250);
});

describe.each(pages)('%s', (page) => {
  const text = fs.readFileSync(path.join(repo, page), 'utf8');

  test('every relative link resolves: the file or folder exists, and the heading of an anchor', () => {
    const broken: string[] = [];
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:: not followed offline
      const [file, anchor] = link.split('#');
      const target = file ? path.resolve(path.dirname(path.join(repo, page)), decodeURIComponent(file)) : path.join(repo, page);
      // ../shared (the seed tutorials and CRDs beside the repository) is outside it: checked where it is present.
      if (!target.startsWith(repo + path.sep) && !fs.existsSync(target)) continue;
      if (!fs.existsSync(target)) broken.push(`${link}: no such file`);
      else if (anchor && !anchorsOf(fs.readFileSync(target, 'utf8')).has(anchor)) broken.push(`${link}: no heading with this anchor`);
    }
    expect(broken).toEqual([]);
  });
});

test('the checker finds broken links and anchors', () => {
  expect(linksOf('[a](x.md#b) `[c](d)`\n```\n[e](f)\n```\n[g](https://h) [i](#j "title")')).toEqual(['x.md#b', 'https://h', '#j']);
  expect([...anchorsOf('# Verify and plan\n## Output for CI: `--format github` and `--format json`\n## Limits\n## Limits\n```\n# not a heading\n```')]).toEqual([
    'verify-and-plan',
    'output-for-ci---format-github-and---format-json',
    'limits',
    'limits-1',
  ]);
});
