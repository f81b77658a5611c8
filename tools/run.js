#!/usr/bin/env node
'use strict';
/**
 * Runs a TypeScript entry point without type checking: `node tools/run.js main.ts [args...]`
 * (`node tools/run.js --build main.ts` only bundles it).
 * The runner of `npm run synth`, `npm run verify` and `npm run bench`; type checking is the
 * job of `npm run build` and `npm test`.
 *
 * A cold synth is mostly module loading: Node resolves, reads and compiles each of the
 * ~190 modules main.ts needs (72 of them the `yaml` copy inside cdk8s). So the entry point
 * is bundled once with esbuild into node_modules/.cache/run/, and later runs load that one
 * file with V8's code cache (written at exit, so it holds the functions the run compiled).
 * The bundle is rebuilt when any file it was built from changed (size or modification
 * time), when a file was removed, or when tsconfig.json, esbuild, Node or this runner
 * changed; `npm ci` makes it (`prepare`: --build). Entry points
 * outside the repository (scratch files) are bundled in memory and not cached.
 *
 * Differences from running the modules one by one, and how they are kept away:
 * - `__dirname` / `__filename` of every bundled file are its own, not the bundle's;
 * - a package the repository's code loads on demand (`require('package')` in a function) is
 *   loaded by Node when the code runs, not bundled;
 * - a module is found by its imports and literal `require('...')` calls, as esbuild sees them:
 *   a TypeScript file required by a computed path at run time is not found, and import()
 *   is a require() (so an ES-module-only package cannot be imported);
 * - `require.main === module` holds in the entry point only (written so, or reversed);
 * - stack traces point into the bundle unless CDK8S_CANARY_DEBUG is set, which turns on
 *   its source map.
 */
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'run');

function main(argv) {
  if (argv[0] === '--build' && argv.length === 2) return prebuild(path.resolve(argv[1]));
  const [entryArg, ...args] = argv;
  if (!entryArg || entryArg.startsWith('--')) {
    process.stderr.write('usage: node tools/run.js <entry.ts> [args...] | node tools/run.js --build <entry.ts>\n');
    process.exitCode = 2;
    return;
  }
  const entry = path.resolve(entryArg);
  process.argv = [process.argv[0], entry, ...args];
  const debug = Boolean(process.env.CDK8S_CANARY_DEBUG);
  if (debug) process.setSourceMapsEnabled(true);
  const files = entry.startsWith(ROOT + path.sep) && !entry.includes(`${path.sep}node_modules${path.sep}`) ? cacheFiles(entry) : undefined;
  if (files) {
    const built = upToDate(files, debug);
    if (built) return execute(readBundle(files, built.bundle), entry);
  }
  build(entry, files, debug).then(
    (bundle) => execute(bundle, entry),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 2;
    },
  );
}

/**
 * `--build`: bundles `entry` into the cache without running it, unless it is up to date
 * (`npm ci` does it through the `prepare` script, so that the first synth of a fresh clone
 * finds it). Never fails: a failure is reported again by the run that needs the bundle.
 */
function prebuild(entry) {
  const files = cacheFiles(entry);
  if (upToDate(files, false)) return;
  build(entry, files, false).catch((e) => process.stderr.write(`tools/run.js --build ${path.relative(ROOT, entry)}: not bundled now, will be on the first run:\n${e.message}\n`));
}

/** Where the bundle of `entry`, its list of inputs and its code cache are kept. */
function cacheFiles(entry) {
  // One name per path: any other character, `_` included, is written as its code.
  const name = path.relative(ROOT, entry).replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
  return {
    bundle: path.join(CACHE, `${name}.js`),
    sourceMap: path.join(CACHE, `${name}.js.map`),
    inputs: path.join(CACHE, `${name}.inputs.json`),
    codeCache: path.join(CACHE, `${name}.v8`),
  };
}

/**
 * The stamp of a file: a change of content changes its size or its modification time. A file
 * modified since `buildStarted` may have been read before the change: stamped so, the next
 * run builds again (a second of margin: some file systems round modification times).
 */
function stamp(file, buildStarted = Infinity) {
  const s = fs.statSync(file, { throwIfNoEntry: false });
  if (!s) return 'missing';
  return s.mtimeMs >= buildStarted - 1000 ? 'modified during the build' : `${s.size}:${s.mtimeMs}`;
}

/** The recorded build when no input changed since, else undefined. */
function upToDate(files, debug) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(files.inputs, 'utf8'));
  } catch {
    return undefined;
  }
  if (recorded.node !== process.version || recorded.runner !== stamp(__filename) || (debug && !recorded.sourceMap)) return undefined;
  if (recorded.bundle !== stamp(files.bundle)) return undefined;
  for (const [file, s] of recorded.files) if (stamp(file) !== s) return undefined;
  return recorded;
}

/**
 * Bundles `entry`; with `files`, writes the bundle, its source map and the list of its
 * inputs to the cache, else keeps it in memory (source map inline when debugging).
 */
async function build(entry, files, debug) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    throw new Error('tools/run.js needs esbuild: run `npm ci` first');
  }
  const started = Date.now();
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node}`,
      // import() becomes require(): a script compiled with a code cache has no import() of its own in Node 20.
      supported: { 'dynamic-import': false },
      write: false,
      metafile: true,
      // A source map doubles the build time: made when debugging only.
      sourcemap: debug ? (files ? 'linked' : 'inline') : false,
      outfile: files ? files.bundle : path.join(path.dirname(entry), `${path.basename(entry)}.bundle.js`),
      logLevel: 'silent',
      plugins: [modulesAsThemselves(entry), onDemandPackagesOutside],
    });
  } catch (e) {
    // esbuild reports syntax errors and unresolved imports with file and line: keep only those lines.
    const errors = (e.errors ?? []).map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text));
    throw new Error(errors.length ? `error: ${errors.join('\nerror: ')}` : `error: ${e.message}`);
  }
  const code = result.outputFiles.find((o) => o.path.endsWith('.js'));
  if (!files) return { source: code.text, filename: code.path };
  for (const out of result.outputFiles) writeAtomically(out.path, out.contents);
  // Besides the modules: the compiler options and esbuild itself, which change the bundle too.
  const inputs = [...Object.keys(result.metafile.inputs).map((f) => path.resolve(f)), path.join(ROOT, 'tsconfig.json'), require.resolve('esbuild/package.json')];
  const record = {
    node: process.version,
    sourceMap: debug,
    runner: stamp(__filename),
    bundle: stamp(files.bundle),
    files: inputs.map((f) => [f, stamp(f, started)]),
  };
  writeAtomically(files.inputs, JSON.stringify(record));
  return { source: code.text, filename: files.bundle, codeCache: files.codeCache, key: codeCacheKey(record.bundle) };
}

/** The code cache is valid for one bundle (its stamp) and one Node. */
function codeCacheKey(bundleStamp) {
  return Buffer.from(`${bundleStamp}\0${process.version}\0`);
}

/** The cached bundle, with its code cache when that was made for this build. */
function readBundle(files, bundleStamp) {
  const key = codeCacheKey(bundleStamp);
  let cachedData;
  try {
    const data = fs.readFileSync(files.codeCache);
    if (data.subarray(0, key.length).equals(key)) cachedData = data.subarray(key.length);
  } catch {
    // not cached yet
  }
  return { source: fs.readFileSync(files.bundle, 'utf8'), filename: files.bundle, codeCache: files.codeCache, key, cachedData };
}

/**
 * Keeps what a module knows of itself as without the bundle: every bundled file that reads
 * `__dirname` or `__filename` gets its own values (so files next to a module, schemas/ for
 * one, are found), and `require.main === module` is false in every module but the entry
 * point (in the bundle they all share the entry point's `module`).
 */
function modulesAsThemselves(entry) {
  return {
    name: 'modules-as-themselves',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const source = fs.readFileSync(args.path, 'utf8');
        const paths = /\b__(dirname|filename)\b/.test(source);
        const notMain = args.path !== entry && /\brequire\.main\b/.test(source);
        if (!paths && !notMain) return undefined;
        let body = source;
        // The shebang line becomes a comment and the prelude stays on the first line, so line numbers hold.
        if (body.startsWith('#!')) body = `//${body.slice(2)}`;
        if (notMain) body = body.replace(/\brequire\.main\s*===\s*module\b|\bmodule\s*===\s*require\.main\b/g, 'false');
        const prelude = paths ? `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};` : '';
        return { contents: `${prelude}${body}`, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * Leaves out of the bundle the packages the repository's code loads on demand, by a
 * `require('package')` (the verifier's schema validators: two thirds of what the bundle
 * would hold, and of the time to build it), for Node to load if and when the code runs.
 * Named by their resolved path, so that they are found from wherever the bundle runs.
 */
const onDemandPackagesOutside = {
  name: 'on-demand-packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'require-call' || args.importer.includes(`${path.sep}node_modules${path.sep}`) || Module.isBuiltin(args.path)) return undefined;
      try {
        return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
      } catch {
        // Not installed: fails as without the bundle, when the code runs.
        return { path: args.path, external: true };
      }
    });
  },
};

/** Runs the bundle as the main module; a cached one from V8's code cache, written at exit when missing. */
function execute({ source, filename, codeCache, key, cachedData }, entry) {
  // esbuild keeps the entry point's hashbang line, valid only at the very start of a file.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  // The bundle is the main module, named after the entry point: runtime requires resolve from there.
  const mod = new Module(entry, null);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(path.dirname(entry));
  process.mainModule = mod;
  Module._cache[entry] = mod;
  if (process.env.CDK8S_CANARY_DEBUG) {
    // Node maps stack traces only for modules it compiles itself, and finds a map file only by
    // a path relative to the module: the module is named after the entry point, not the bundle.
    const mapped = source.replace(/\/\/# sourceMappingURL=(?!data:)(\S+)\s*$/, (_, url) => {
      const map = path.resolve(path.dirname(filename), url);
      return `//# sourceMappingURL=${path.relative(path.dirname(entry), map).split(path.sep).join('/')}`;
    });
    mod._compile(mapped, entry);
  } else {
    const script = new vm.Script(Module.wrap(source), {
      filename,
      cachedData,
    });
    if (codeCache && (cachedData === undefined || script.cachedDataRejected)) {
      process.once('exit', () => writeAtomically(codeCache, Buffer.concat([key, script.createCachedData()])));
    }
    script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, requireOf(mod), mod, entry, path.dirname(entry));
  }
  mod.loaded = true;
}

/** The `require` of a module, as Node makes it. */
function requireOf(mod) {
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  req.main = process.mainModule;
  req.extensions = Module._extensions;
  req.cache = Module._cache;
  return req;
}

/** Writes aside and renames, so that concurrent runs never read half a file. */
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

module.exports = { cacheFiles };
if (require.main === module) main(process.argv.slice(2));
