'use strict';
/**
 * Runs TypeScript without type checking: `node -r ./tools/ts-register.js main.ts`.
 * The runner of `npm run synth` and `npm run bench`; type checking is the job of
 * `npm run build` and `npm test`.
 *
 * sucrase strips the types (keeping line numbers, so stack traces point at the source),
 * and its output is kept under node_modules/.cache/ts-register, one file per source file
 * of this repository, valid while the source is unchanged: a synth after no edit loads
 * no compiler at all, and a synth after an edit compiles the edited files only.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const Module = require('module');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');
const OPTIONS = { transforms: ['typescript', 'imports'], disableESTransforms: true };
let sucrase;
let salt;

function hash(...parts) {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function compiled(filename, source) {
  if (!filename.startsWith(ROOT + path.sep)) return transform(filename, source);
  salt ??= `${require('sucrase/package.json').version} ${JSON.stringify(OPTIONS)}`;
  const header = `//${hash(salt, filename, source)}\n`;
  const file = path.join(CACHE, `${hash(filename)}.js`);
  try {
    const cached = fs.readFileSync(file, 'utf8');
    if (cached.startsWith(header)) return cached.slice(header.length);
  } catch {
    // not cached yet
  }
  const code = transform(filename, source);
  try {
    // Written aside and renamed, so that concurrent runs never read half a file.
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, header + code);
    fs.renameSync(tmp, file);
  } catch {
    // A read-only tree only loses the cache.
  }
  return code;
}

function transform(filename, source) {
  sucrase ??= require('sucrase');
  return sucrase.transform(source, { ...OPTIONS, filePath: filename }).code;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compiled(filename, fs.readFileSync(filename, 'utf8')), filename);
};
