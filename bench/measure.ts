/**
 * Runs one command as a child process tree and measures its wall time and
 * peak resident memory.
 *
 * Peak RSS comes from two sources, and the larger wins:
 * - GNU time's %M (when /usr/bin/time exists): the kernel's own high-water
 *   mark from wait4(), exact, with no sampling gap and including the last
 *   instant before exit. It is the peak of the largest single process in the
 *   tree, which is the whole story for Sluice (worker *threads* share one RSS).
 * - /proc polling every 50 ms: the sum of VmRSS over the child and all its
 *   descendants, which catches a tool that fans out into several processes at
 *   once, plus each process's VmHWM. Sampling can miss a short spike, so it is
 *   a lower bound, as is %M for a multi-process tree; the larger of the two
 *   lower bounds is the best estimate either gives alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sampleTree } from './proc-tree.js';

const GNU_TIME = '/usr/bin/time';
const RSS_POLL_INTERVAL_MS = 50;
/** Enough to hold the last lines of a chatty tool; the rest is dropped. */
const MAX_CAPTURED_CHARS = 256 * 1024;

export interface MeasuredRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallMs: number;
  /** Null when neither source gave a number (no GNU time and no /proc). */
  peakRssKiB: number | null;
  rssSource: string;
  /** Every source's peak in KiB, so a surprising number can be checked. */
  rssByMethodKiB: Record<string, number>;
  stdout: string;
  stderr: string;
  /** CPU (user + system, ms) of the whole child tree, every thread included, from GNU time; null without it. */
  processCpuMs: number | null;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const hasGnuTime = ((): boolean => {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

export function rssMethod(): string {
  return hasGnuTime ? 'max(GNU time %M, /proc tree poll)' : '/proc tree poll (no /usr/bin/time)';
}

/** The child of the current run, so Ctrl-C can stop it along with the bench. */
let runningGroupId: number | null = null;
process.once('SIGINT', () => {
  if (runningGroupId !== null) killGroup(runningGroupId);
  process.exit(130);
});

function killGroup(groupId: number): void {
  try {
    process.kill(-groupId, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function appendCapped(current: string, chunk: Buffer): string {
  const next = current + chunk.toString('utf8');
  return next.length > MAX_CAPTURED_CHARS ? next.slice(next.length - MAX_CAPTURED_CHARS) : next;
}

/**
 * GNU time writes "Command exited with non-zero status N" before the format line; the last line is
 * "%M %U %S": peak RSS in KiB, then user and system CPU seconds of the child and its waited-for children.
 */
function readGnuTime(outputPath: string): { peakKiB: number | null; cpuMs: number | null } {
  try {
    const lines = fs.readFileSync(outputPath, 'utf8').trim().split('\n');
    const [rss, user, system] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
    const cpu = (user ?? Number.NaN) + (system ?? Number.NaN);
    return {
      peakKiB: rss !== undefined && Number.isFinite(rss) && rss > 0 ? rss : null,
      cpuMs: Number.isFinite(cpu) ? Math.round(cpu * 1000) : null,
    };
  } catch {
    return { peakKiB: null, cpuMs: null };
  }
}

export function runMeasured(command: string, args: readonly string[], options: RunOptions): Promise<MeasuredRun> {
  const timeOutputPath = path.join(os.tmpdir(), `sluice-bench-time-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeOutputPath, '--', command, ...args]]
    : [command, [...args]];

  return new Promise((resolve, reject) => {
    const startedMs = performance.now();
    // Its own process group, so a timeout or Ctrl-C ends the whole tree and nothing else.
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let polledTreeKiB = 0;
    let polledHwmKiB = 0;
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout = appendCapped(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = appendCapped(stderr, chunk)));

    const poll = (): void => {
      if (child.pid === undefined) return;
      const sample = sampleTree(child.pid, hasGnuTime);
      polledTreeKiB = Math.max(polledTreeKiB, sample.treeRssKiB);
      polledHwmKiB = Math.max(polledHwmKiB, sample.maxProcessHwmKiB);
    };
    const poller = setInterval(poll, RSS_POLL_INTERVAL_MS);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, options.timeoutMs);
    if (child.pid !== undefined) runningGroupId = child.pid;

    child.once('error', (error) => {
      clearInterval(poller);
      clearTimeout(timer);
      runningGroupId = null;
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      const wallMs = performance.now() - startedMs;
      clearInterval(poller);
      clearTimeout(timer);
      runningGroupId = null;
      const gnuTime = hasGnuTime ? readGnuTime(timeOutputPath) : { peakKiB: null, cpuMs: null };
      const gnuTimeKiB = gnuTime.peakKiB;
      fs.rmSync(timeOutputPath, { force: true });
      const candidates: [string, number][] = [
        ['GNU time %M', gnuTimeKiB ?? 0],
        ['/proc tree sum', polledTreeKiB],
        ['/proc VmHWM', polledHwmKiB],
      ];
      const best = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
      resolve({
        exitCode,
        signal,
        timedOut,
        wallMs,
        peakRssKiB: best[1] > 0 ? best[1] : null,
        rssSource: best[1] > 0 ? best[0] : 'none',
        rssByMethodKiB: Object.fromEntries(candidates),
        stdout,
        stderr,
        processCpuMs: gnuTime.cpuMs,
      });
    });
  });
}

/** The last non-empty line of a stream, for error notes and `--json` summaries. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}
