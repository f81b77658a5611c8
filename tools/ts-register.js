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
 *
 * Every module of the repository, its dependencies included, is also compiled with V8's
 * code cache (node_modules/.cache/ts-register-v8), written when the process ends so that
 * it holds the functions the run compiled too: a cold synth then neither parses the
 * 2.5 MB of cdk8s-plus-27's k8s classes nor compiles the functions it calls. This is
 * what `node --experimental-compile-cache` does from Node 22 on.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');
const CODE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register-v8');
const OPTIONS = { transforms: ['typescript', 'imports'], disableESTransforms: true };
let sucrase;
let salt;

function hash(...parts) {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** Writes `content` to `file` aside and renames it, so that concurrent runs never read half a file. */
function writeAtomically(file, content) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch {
    // A read-only tree only loses the cache.
  }
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
  writeAtomically(file, header + code);
  return code;
}

function transform(filename, source) {
  sucrase ??= require('sucrase');
  return sucrase.transform(source, { ...OPTIONS, filePath: filename }).code;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compiled(filename, fs.readFileSync(filename, 'utf8')), filename);
};

// ── V8 code cache ─────────────────────────────────────────────────────────────
const HASH_BYTES = 20;
/** Scripts compiled without a usable cache, whose cache is written at exit. */
const uncached = [];
const compile = Module.prototype._compile;

Module.prototype._compile = function compileWithCodeCache(content, filename) {
  // A hashbang line is valid only at the very start of a script, not inside the wrapper.
  if (!filename.startsWith(ROOT + path.sep) || content.startsWith('#!')) return compile.call(this, content, filename);
  const file = path.join(CODE_CACHE, `${hash(filename)}.bin`);
  const key = crypto.createHash('sha1').update(process.version).update('\0').update(process.arch).update('\0').update(content).digest();
  let cachedData;
  try {
    const data = fs.readFileSync(file);
    if (data.subarray(0, HASH_BYTES).equals(key)) cachedData = data.subarray(HASH_BYTES);
  } catch {
    // not cached yet
  }
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    // import() from a module works as without the cache (Node ≥ 20.12).
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, file, key });
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
};

/** The `require` of a module, as Node makes it. */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

process.once('exit', () => {
  for (const { script, file, key } of uncached) writeAtomically(file, Buffer.concat([key, script.createCachedData()]));
});
