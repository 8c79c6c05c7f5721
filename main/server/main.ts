import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppService } from '../app/service.js';
import { startServer } from './http-server.js';

/** `npm start -- --browser [--port N] [--db FILE] [--allow DIR]…`: serves the UI on 127.0.0.1 and prints its URL. */
const here = path.dirname(fileURLToPath(import.meta.url));
const distRoot = path.resolve(here, '..', '..');
const repoRoot = path.resolve(distRoot, '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      db: { type: 'string' },
      browser: { type: 'boolean', default: false },
      // Folders besides the home folder that Sluice may read and write (repeatable).
      allow: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}".`);
  const staticDir = path.join(distRoot, 'renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error(`The UI is not built (${staticDir} is missing); run npm run build.`);
  const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const allow = values.allow.map((folder) => path.resolve(folder));
  for (const folder of allow) {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`--allow ${folder}: no such folder.`);
  }
  const service = new AppService({ mode: 'browser', version, allow, ...(values.db ? { dbPath: path.resolve(values.db) } : {}) });
  const token = randomBytes(24).toString('base64url');
  const server = await startServer({ service, token, staticDir, port });
  const folders = [`${os.homedir()} (your home folder, without hidden files)`, ...allow].join(', ');
  process.stdout.write(`Sluice is running at ${server.url}\nStore: ${service.dbPath}\nFiles it may read and write: ${folders} (add more with --allow DIR)\nPress Ctrl+C to stop.\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    void server.close().then(() => service.close()).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
