import fs from 'node:fs';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import type { ImportStatus } from '../types.js';

/**
 * Which process runs an import. A pid alone is not enough (pids are reused
 * after a crash), so on Linux the process's start time from /proc/<pid>/stat
 * is recorded too: a pid whose start time differs is another process. Where
 * /proc is missing, liveness falls back to "a process with this pid exists".
 */
export interface ImportOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot), or null off Linux. */
  startTicks: number | null;
  host: string;
}

/** An import that says it is running but whose process is gone: resumable, not running. */
export type DisplayStatus = ImportStatus | 'interrupted';

export function currentOwner(): ImportOwner {
  return { pid: process.pid, startTicks: processStartTicks(process.pid), host: os.hostname() };
}

/** Start time of a process from /proc, or null when it does not exist (or there is no /proc). */
export function processStartTicks(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** Whether the recorded owner still runs. An owner on another host cannot be checked and counts as alive. */
export function isOwnerAlive(owner: ImportOwner | null): boolean {
  if (!owner) return false;
  if (owner.host !== os.hostname()) return true;
  if (owner.startTicks !== null && fs.existsSync('/proc/self/stat')) return processStartTicks(owner.pid) === owner.startTicks;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function parseOwner(text: string | null | undefined): ImportOwner | null {
  if (!text) return null;
  try {
    const owner = JSON.parse(text) as ImportOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null;
  }
}

/** The status to show: 'running'/'paused' with a dead owner is 'interrupted'. */
export function displayStatus(status: ImportStatus, owner: ImportOwner | null): DisplayStatus {
  if ((status === 'running' || status === 'paused') && !isOwnerAlive(owner)) return 'interrupted';
  return status;
}

/** `_sluice_imports.owner`, read and written apart from ImportRecords so the record shape stays as it is. */
export class ImportOwners {
  private readonly claimStatement: Database.Statement;
  private readonly readStatement: Database.Statement;

  constructor(db: Database.Database) {
    this.claimStatement = db.prepare('UPDATE _sluice_imports SET owner = ? WHERE id = ?');
    this.readStatement = db.prepare('SELECT owner FROM _sluice_imports WHERE id = ?');
  }

  claim(importId: number, owner: ImportOwner = currentOwner()): void {
    this.claimStatement.run(JSON.stringify(owner), importId);
  }

  get(importId: number): ImportOwner | null {
    const row = this.readStatement.get(importId) as { owner: string | null } | undefined;
    return parseOwner(row?.owner);
  }

  /** Whether another live process is running this import right now. */
  runningElsewhere(importId: number, status: ImportStatus): boolean {
    if (status !== 'running' && status !== 'paused') return false;
    const owner = this.get(importId);
    if (!owner) return false;
    const self = currentOwner();
    if (owner.pid === self.pid && owner.startTicks === self.startTicks && owner.host === self.host) return false;
    return isOwnerAlive(owner);
  }

  displayStatus(importId: number, status: ImportStatus): DisplayStatus {
    return displayStatus(status, this.get(importId));
  }
}

/** Resume and restart guard: an import that a live process is still running is neither resumed nor replaced. */
export function refuseIfRunningElsewhere(store: { db: Database.Database }, record: { id: number; status: ImportStatus }): void {
  const owners = new ImportOwners(store.db);
  if (!owners.runningElsewhere(record.id, record.status)) return;
  const owner = owners.get(record.id);
  throw new SluiceError(
    'IMPORT_RUNNING',
    `Import #${record.id} is still running (process ${owner?.pid ?? '?'}${owner && owner.host !== os.hostname() ? ` on ${owner.host}` : ''}); wait for it to finish or cancel it there.`,
  );
}
