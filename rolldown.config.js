// Bundles the code of each thread that `sluice import` starts (after tsc has compiled it), one
// self-contained file per entry in dist/threads/. A thread then loads one file instead of resolving and
// linking ~60 modules: measured, that took 150–280 ms per import on the 2-core machine, with the import
// thread and its workers all loading at once. main/engine/thread-entry.ts picks these files when present
// and current, the compiled modules otherwise.
import { defineConfig } from 'rolldown';

const entries = {
  'chunk-worker': 'dist/worker/chunk-worker.js',
  'import-host': 'dist/worker/import-host.js',
  'import-thread': 'dist/main/app/import-thread.js',
};

export default defineConfig(
  Object.entries(entries).map(([name, input]) => ({
    input,
    platform: 'node',
    // The native SQLite binding loads its .node file from node_modules.
    external: [/^node:/, 'better-sqlite3'],
    output: { file: `dist/threads/${name}.js`, format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  })),
);
