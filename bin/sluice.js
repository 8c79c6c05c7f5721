#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main/cli/sluice.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sluice: not built yet; run `npm run build` first.\n');
  process.exit(1);
}
await import(entry.href);
