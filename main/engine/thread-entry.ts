import fs from 'node:fs';

/** The chunk workers' compiled entry (dist/worker/chunk-worker.js). */
const COMPILED_CHUNK_WORKER = new URL('../../worker/chunk-worker.js', import.meta.url);

/** Where `npm run build` puts the one-file bundles of the thread entries (see rolldown.config.js). */
const BUNDLE_DIR = new URL('../../threads/', import.meta.url);

/**
 * The file a thread should start from: its bundle, which loads in one read
 * instead of ~60 module resolutions, when it exists and is not older than the
 * compiled entry; the compiled entry otherwise (a tsc-only build, or a bundle
 * left over from an earlier build).
 */
export function threadEntry(name: 'chunk-worker' | 'import-host' | 'import-thread', compiled: URL): URL {
  const bundle = new URL(`${name}.js`, BUNDLE_DIR);
  try {
    return fs.statSync(bundle).mtimeMs >= fs.statSync(compiled).mtimeMs ? bundle : compiled;
  } catch {
    return compiled;
  }
}

/** The chunk workers' entry, as every thread that launches a pool is told it. */
export function chunkWorkerEntry(): URL {
  return threadEntry('chunk-worker', COMPILED_CHUNK_WORKER);
}
