#!/usr/bin/env node
// `npm start`: the desktop app where an Electron binary is installed, otherwise
// (or with --browser) the same UI served on 127.0.0.1 for your browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const root = fileURLToPath(new URL('..', import.meta.url));
const built = (relative) => existsSync(fileURLToPath(new URL(`../dist/${relative}`, import.meta.url)));

if (!built('main/server/main.js') || !built('renderer/index.html')) {
  process.stderr.write('sluice: not built yet; run `npm run build` first.\n');
  process.exit(1);
}

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the download was skipped.
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = args.includes('--browser') ? null : electronBinary();
if (binary) {
  const child = spawn(binary, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  if (!args.includes('--browser')) process.stdout.write('Electron is not installed; serving the app for your browser instead.\n');
  process.argv = [process.argv[0], fileURLToPath(new URL('../dist/main/server/main.js', import.meta.url)), ...args.filter((a) => a !== '--browser')];
  await import(new URL('../dist/main/server/main.js', import.meta.url).href);
}
