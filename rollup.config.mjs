// One factory, several outputs (the web-vitals layout): the drop-in IIFE, the ES module
// for bundlers, and the proxy for Node and other Fetch-API runtimes.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BUDGETS, sizes } from './scripts/size.mjs';

const ts = (target) =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    compilerOptions: { target, noEmit: false, declaration: false, sourceMap: false, allowJs: false },
    noEmitOnError: true,
  });

/** Prints the size of each emitted chunk, and fails the build when one breaks its budget. */
const sizeReport = () => ({
  name: 'size-report',
  generateBundle(_options, bundle) {
    for (const [file, chunk] of Object.entries(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const s = sizes(Buffer.from(chunk.code), file);
      const budget = BUDGETS[file];
      const limit = budget ? ` (budget ${budget.gzip}, goal ${budget.goal})` : '';
      console.log(`dist/${file}: ${s.raw} bytes, ${s.gzip} bytes gzip -9, ${s.brotli} bytes brotli${limit}`);
      if (budget && s.gzip > budget.gzip) {
        this.error(`dist/${file} is ${s.gzip} bytes gzip -9, over its budget of ${budget.gzip}`);
      }
    }
  },
});

/** `import source from './x.lua?raw'`: the file's text, inlined (as vitest does). */
const rawText = () => ({
  name: 'raw-text',
  resolveId: (source, importer) => (source.endsWith('?raw') && importer ? resolve(dirname(importer), source) : null),
  load: (id) => (id.endsWith('?raw') ? `export default ${JSON.stringify(readFileSync(id.slice(0, -4), 'utf8'))};` : null),
});

// The tracker promises ES2019 syntax (see README, browser support).
const TRACKER_TARGET = 'ES2019';

/** The drop-in's minifier, for each of the browser's builds. */
const minify = () =>
  terser({
    ecma: 2019,
    // `module`: minify as strict code in a scope of its own, as an ES module is. Terser then
    // drops the "use strict" line; nothing in the bundle behaves otherwise without it
    // (no `this` in plain calls, no writes to read-only properties, no block functions).
    // `unsafe_methods` writes `{ m: function () {} }` as `{ m() {} }` (js-cookie's, none of them
    // called with `new`); `hoist_vars` declares its `var`s once a function.
    compress: { passes: 5, module: true, unsafe_arrows: true, pure_getters: true, unsafe_methods: true, hoist_vars: true },
    // Private fields start with `_`; mangling them keeps them out of the bundle.
    // HubSpot's own `_hsenc` field and `_hsp` queue also start with `_`, so they are kept.
    mangle: { properties: { regex: /^_[a-z]/, reserved: ['_hsenc', '_hsp', '_hsq'] } },
    format: { comments: false },
  });

export default [
  {
    input: 'src/tracker/auto.ts',
    output: { file: 'dist/media-bridge-tracker.min.js', format: 'iife', strict: true },
    plugins: [
      nodeResolve({ browser: true }),
      ts(TRACKER_TARGET),
      minify(),
      sizeReport(),
    ],
  },
  {
    // The embeds build: loaded by the drop-in when an embed iframe is on the page.
    input: 'src/tracker/embeds/embeds.ts',
    output: { file: 'dist/media-bridge-tracker.embeds.min.js', format: 'iife', strict: true },
    plugins: [ts(TRACKER_TARGET), minify(), sizeReport()],
  },
  {
    input: 'src/index.ts',
    // `startTracking({ embeds: true })` imports the embeds chunk, dist/embeds.js.
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: 'index.js',
      chunkFileNames: '[name].js',
      // embeds/ is one chunk, dist/embeds.js, imported only when an embed is found.
      manualChunks: (id) => (id.includes('/src/tracker/embeds/') ? 'embeds' : undefined),
    },
    external: ['js-cookie'],
    plugins: [ts(TRACKER_TARGET), sizeReport()],
  },
  {
    input: {
      index: 'src/proxy/index.ts',
      'sqlite-outbox': 'src/proxy/sqlite.ts',
      'redis-outbox': 'src/proxy/redis.ts',
      cli: 'src/proxy/cli.ts',
    },
    output: {
      dir: 'dist/proxy',
      format: 'es',
      chunkFileNames: '[name].js',
      // Chunks named here, not after whichever module rollup meets first: what the entries
      // share is core.js, and each store's entry holds that store's own modules.
      manualChunks: (id) =>
        /\/src\/proxy\/(sqlite|store\/(sqlite-outbox|sqlite-portal|intake-journal|recent-ids))\.ts$/.test(id)
          ? 'sqlite-outbox'
          : /\/src\/proxy\/(redis\.ts$|store\/redis\/)/.test(id)
            ? 'redis-outbox'
            : /\/src\/proxy\/authorize\//.test(id)
              ? 'authorize' // the bin's install command, Node-only: kept out of core.js
              : /\/src\/(wire|proxy\/(?!index|cli))/.test(id)
                ? 'core'
                : undefined,
    },
    external: [/^node:/, 'better-sqlite3', 'bullmq', 'ioredis'],
    plugins: [rawText(), ts('ES2022')],
  },
];
