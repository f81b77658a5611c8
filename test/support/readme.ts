import * as fs from 'fs';
import * as path from 'path';

const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** The fenced code blocks of the README in order, with their language. */
export function readmeBlocks(): Array<{ lang: string; code: string }> {
  return [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

/** The README's first TypeScript block: a complete main.ts. */
export function readmeMainTs(): string {
  const block = readmeBlocks().find((b) => b.lang === 'ts');
  if (!block) throw new Error('README.md has no ```ts block');
  return block.code;
}

/** The first shell block that contains `text`. */
export function readmeShellBlock(text: string): string {
  const block = readmeBlocks().find((b) => b.lang === 'sh' && b.code.includes(text));
  if (!block) throw new Error(`README.md has no \`\`\`sh block with ${text}`);
  return block.code;
}

/** Release names the block declares: the ids of `new Xxx(app, '<id>', ...)`. */
export function declaredReleases(code: string): string[] {
  return [...code.matchAll(/new \w+\(app, '([a-z0-9-]+)'/g)].map((m) => m[1]);
}
