import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KeyFactsSpec } from './key-facts.js';
import type { SlotLayout } from './slot-layout.js';

/** Where an import's workers keep their scratch files: one directory per import run, named for the process. */
const SCRATCH_PREFIX = 'sluice-scratch-';

/**
 * What a worker needs to write its batches into its own scratch file: the
 * run's directory, and the shared watermark (the seq of the last chunk whose
 * commit on the store went through) that tells it which slots it may reuse.
 */
export interface ScratchConfig {
  dir: string;
  /** One Float64: the seq of the last committed chunk (every earlier one is committed too); -1 before the first. */
  committed: SharedArrayBuffer;
  /** Upserts: the key checks each worker makes for the writer (key-facts.ts). */
  keys?: KeyFactsSpec | null;
  /** Where the target table allows it: slots declared as the table, copied whole by the writer (slot-layout.ts). */
  layout?: SlotLayout | null;
}

/**
 * The scratch directory of one import run. The files in it are throwaway:
 * every batch's rows, quarantine and checkpoint still commit in one
 * transaction on the store; a scratch file only carries a batch's values from
 * a worker to the writer. Removed when the run ends; a run that crashed
 * leaves one behind, removed by the next run that starts (its process is gone).
 */
export class ScratchArea {
  readonly config: ScratchConfig;
  private readonly committed: Float64Array;

  private constructor(readonly dir: string) {
    const committed = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
    this.committed = new Float64Array(committed);
    this.committed[0] = -1;
    this.config = { dir, committed };
  }

  static create(baseDir: string = os.tmpdir()): ScratchArea {
    removeStaleScratch(baseDir);
    const dir = path.join(baseDir, `${SCRATCH_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.mkdirSync(dir, { mode: 0o700 });
    return new ScratchArea(dir);
  }

  /** Null when the directory cannot be made: the import then takes the direct path. */
  static tryCreate(baseDir?: string): ScratchArea | null {
    try {
      return ScratchArea.create(baseDir);
    } catch {
      return null;
    }
  }

  /** Called after each commit on the store went through: slots holding chunks up to `seq` may be overwritten. */
  committedThrough(seq: number): void {
    if (seq > this.committed[0]!) this.committed[0] = seq;
  }

  /** Call once the workers and the writer's connection have let go of the files. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Scratch directories whose process is gone (a crash, a kill): nothing will read them again. */
export function removeStaleScratch(baseDir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(baseDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const pid = Number(name.slice(SCRATCH_PREFIX.length).split('-')[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      fs.rmSync(path.join(baseDir, name), { recursive: true, force: true });
    } catch {
      // Another user's, or already gone: not ours to insist on.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
