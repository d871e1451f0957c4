// The bins run the compiled JavaScript in dist/. A clone installed without dev dependencies, or a
// checkout where nobody has run `npm install`, has none: say so in one sentence instead of a stack trace.
'use strict';
const { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } = require('node:fs');
const { dirname, join } = require('node:path');

/** The absolute path of `path` (relative to bin/), or exit with what to run when it has not been built. */
function builtFile(tool, path) {
  const file = join(__dirname, path);
  if (!existsSync(file)) {
    console.error(`${tool}: ${file} is missing: run \`npm install\` (or \`npm run build\`) in ${join(__dirname, '..')}`);
    process.exit(1);
  }
  return file;
}

/**
 * Loads a CommonJS bundle (dist/bin/*.cjs, made by scripts/build.js) and returns `{ exports, saveCodeCache }`.
 *
 * Node 20 compiles a module from its source at every start (`module.enableCompileCache` is Node 22): for
 * smoltcp-dump's 300 KB bundle, scanning it and compiling what runs is a fifth of the process's start-up
 * (bench/README.md, issue 8 item 7). So the bundle is compiled with `vm.Script` from a V8 code cache when one
 * is beside it: `<bundle>.<key>.cache`, written by `npm run build` after a few representative runs, or by
 * `saveCodeCache()` after a run that found none. V8 checks its own version, flags and the source's length; the
 * key adds what it does not check: the bundle's build id (a hash of its text, which the build writes into its
 * last lines), the Node version and the command-line flags (each flag set keeps a cache of its own instead of
 * replacing another's). A cache that V8 rejects, is missing or cannot be read costs only the compile; one that
 * cannot be written (a read-only install) is not written.
 *
 * The code runs as Node runs a CommonJS file (the same wrapper's arguments, `require` relative to the bundle),
 * and its stack traces name the bundle with the right lines and columns. Under coverage (NODE_V8_COVERAGE),
 * with source maps enabled (--enable-source-maps) or without a build id, the bundle is simply required:
 * coverage and source-mapped traces work as for any module.
 */
function loadBundle(tool, path) {
  const file = builtFile(tool, path);
  const fallback = () => ({ exports: require(file), saveCodeCache() {} });
  if (process.env.NODE_V8_COVERAGE || process.sourceMapsEnabled) return fallback();
  const source = readFileSync(file, 'utf8');
  const id = /\n\/\/ build (\w+)\n/.exec(source.slice(-200));
  if (id === null) return fallback();
  const vm = require('node:vm');
  const cacheFile = `${file}.${fnv1a(`${id[1]} ${process.version} ${process.arch} ${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet, or not readable: compile from the source.
  }
  // The wrapper Node's CommonJS loader puts around a module, on a line of its own so that the bundle's lines
  // keep their numbers (lineOffset) and its first line its columns.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    cachedData,
  });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, require('node:module').createRequire(file), module, file, dirname(file));
  module.loaded = true;
  let stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    /**
     * Writes the code cache when there was none (or V8 rejected it), with every function compiled so far:
     * call it after a run, so that the functions the run needed are in it. `force` writes it anyway.
     */
    saveCodeCache(force = false) {
      if (!stale && !force) return;
      stale = false;
      // Written beside and renamed into place, so that a run at the same moment reads a whole cache or none.
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        const data = script.createCachedData();
        const fd = openSync(temporary, 'w');
        try {
          writeSync(fd, data);
        } finally {
          closeSync(fd);
        }
        renameSync(temporary, cacheFile);
      } catch {
        // A read-only install (or a full disk): run without a cache, as before it.
        try {
          unlinkSync(temporary);
        } catch {
          // never created
        }
      }
    },
  };
}

/** FNV-1a, 32 bits, as eight hex digits: a name for a cache file, not a check of its content. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

module.exports = { builtFile, loadBundle };
