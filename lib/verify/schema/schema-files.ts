import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads a JSON file that the package ships in its `schemas/` folder. The
 * folder sits at the package root, three levels above this file when it runs
 * from the sources (lib/verify/schema/) and four when it runs compiled
 * (build/lib/verify/schema/). Files are read on first use only and kept.
 */
export function readSchemaFile(fileName: string): unknown {
  let content = cache.get(fileName);
  if (content === undefined) {
    const candidates = [path.join(__dirname, '..', '..', '..', 'schemas', fileName), path.join(__dirname, '..', '..', '..', '..', 'schemas', fileName)];
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (found === undefined) throw new Error(`schemas/${fileName} not found (looked at ${candidates.join(', ')})`);
    content = JSON.parse(fs.readFileSync(found, 'utf8')) as unknown;
    cache.set(fileName, content);
  }
  return content;
}

const cache = new Map<string, unknown>();
