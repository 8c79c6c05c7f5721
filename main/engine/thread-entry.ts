import fs from 'node:fs';

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
