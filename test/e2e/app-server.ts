import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

/** A browser-mode server started the way `npm start -- --browser` starts it, in its own SLUICE_HOME. */
export interface AppServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export function startAppServer(options: { home: string; db: string; port?: number }): Promise<AppServer> {
  fs.mkdirSync(options.home, { recursive: true });
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'start.js'), '--browser', '--port', String(options.port ?? 0), '--db', options.db],
    { env: { ...process.env, SLUICE_HOME: options.home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:(\d+))\/\?token=([\w-]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve({
        url: match[0],
        origin: match[1]!,
        port: Number(match[2]),
        token: match[3]!,
        child,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it started:\n${output}`));
    });
  });
}
