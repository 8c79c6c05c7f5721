import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, SAMPLES } from '../helpers/paths.js';

/** A browser-mode server started the way `npm start -- --browser` starts it, in its own SLUICE_HOME. */
export interface AppServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** The server's stdout and stderr so far (its last 64 KiB), for failure messages. */
  output(): string;
  /** Sends `signal`, escalates to SIGKILL when the server has not exited within STOP_GRACE_MS; never hangs. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A cold start on a loaded 2-core CI machine (module loading, SQLite migrations) can take several seconds. */
const START_TIMEOUT_MS = 45_000;
/** How long a SIGTERM'd server may finish in-flight batches before it is SIGKILLed. */
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 64 * 1024;

/**
 * Every server this test process started and has not yet seen exit. A failed or
 * timed-out test must never leave one behind: CI waits for the test process, and
 * a live child (or its pipes) would keep it from ending.
 */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

/** Stops a child for sure: the signal, a grace period, then SIGKILL. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!hasExited(child)) child.kill(signal);
  if (signal !== 'SIGKILL' && (await Promise.race([exitOf(child), sleep(STOP_GRACE_MS)])) === 'timeout') child.kill('SIGKILL');
  // SIGKILL cannot be refused; the bound only guards against a zombie the OS never reports.
  await Promise.race([exitOf(child), sleep(STOP_GRACE_MS)]);
  liveChildren.delete(child);
}

/** Stops every server still running; for `after` hooks, so a failed test cannot leak one. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...liveChildren].map((child) => stopChild(child, 'SIGKILL')));
}

/**
 * Tests keep their files in temporary folders under /tmp, outside the home
 * folder, so the server is started with `--allow` for them: by default the
 * store's folder (each test's temp dir) and the shipped samples.
 */
export function startAppServer(options: { home: string; db: string; port?: number; allow?: string[]; uid?: number }): Promise<AppServer> {
  fs.mkdirSync(options.home, { recursive: true });
  const allow = options.allow ?? [path.dirname(options.db), SAMPLES];
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'start.js'), '--browser', '--port', String(options.port ?? 0), '--db', options.db, ...allow.flatMap((folder) => ['--allow', folder])],
    // `uid`: run as that user (root ignores file permissions, so a permission case needs an ordinary user).
    { env: { ...process.env, SLUICE_HOME: options.home }, stdio: ['ignore', 'pipe', 'pipe'], ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}) },
  );
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  let output = '';
  // Both pipes are read for the server's whole life: a full pipe would block its writes.
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, 'SIGKILL');
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([\w-]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        url: match[0],
        origin: match[1]!,
        port: Number(match[2]),
        token: match[3]!,
        child,
        output: () => output,
        stop: (signal = 'SIGTERM') => stopChild(child, signal),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it started:\n${output}`));
    });
  });
}
