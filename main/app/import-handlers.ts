import type { ImportOptions } from '../engine/pipeline/import-options.js';
import { describeFingerprintChange, fingerprintSource } from '../engine/source/fingerprint.js';
import { isResumable, type ImportRecord } from '../engine/store/import-records.js';
import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import { isSpooledSource, spooledSourceChange } from './spooled-source.js';
import type { ImportListItem } from './contract.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';
import type { ImportRunner } from './import-runner.js';

/** Starting, resuming and steering imports; the work itself runs in ImportRunner's threads. */
export function importHandlers(
  store: Store,
  dbPath: string,
  files: FileAccess,
  runner: ImportRunner,
): Pick<Handlers, 'import/start' | 'import/resume' | 'import/control' | 'import/state' | 'imports/list'> {
  function requireIdle(): void {
    // One writer at a time: a second import into the same store would only wait on the first one's lock.
    if (runner.liveCount > 0) throw new AppFailure('IMPORT_RUNNING', 'Another import is running; wait for it to finish, or cancel it first.');
  }

  function requireRecord(importId: number): ImportRecord {
    const record = store.imports.get(importId);
    if (!record) throw new AppFailure('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
    return record;
  }

  async function toItem(record: ImportRecord): Promise<ImportListItem> {
    const live = runner.isLive(record.id);
    const resumable = !live && isResumable(record);
    let sourceChange: string | null = null;
    if (resumable && isSpooledSource(record.sourcePath)) {
      sourceChange = spooledSourceChange(dbPath, record);
    } else if (resumable) {
      const now = await fingerprintSource(record.sourcePath).catch(() => null);
      sourceChange = now ? describeFingerprintChange(record.fingerprint, now) : 'the file was deleted or cannot be read';
    }
    return {
      id: record.id,
      sourcePath: record.sourcePath,
      table: record.table,
      status: record.status,
      counters: record.counters,
      startedAt: record.startedAt,
      updatedAt: record.updatedAt,
      errorMessage: record.errorMessage,
      live,
      resumable,
      sourceChange,
      totalBytes: record.fingerprint.size - record.layout.dataStartOffset,
    };
  }

  return {
    'import/start': (request) => {
      requireIdle();
      const sourcePath = files.authorizeRead(request.path);
      const overrides = request.overrides ?? {};
      const options: ImportOptions = {
        sourcePath,
        dbPath,
        ...(request.table ? { table: request.table } : {}),
        ...(request.ruleFile !== undefined ? { schema: request.ruleFile } : {}),
        ...(overrides.format ? { format: overrides.format } : {}),
        ...(overrides.delimiter !== undefined ? { delimiter: overrides.delimiter } : {}),
        ...(overrides.hasHeader !== undefined ? { hasHeader: overrides.hasHeader } : {}),
        ...(overrides.encoding ? { encoding: overrides.encoding } : {}),
        failure: request.failure ?? { mode: 'soft', maxErrors: null },
        restart: request.restart ?? false,
        append: request.append ?? false,
        replace: request.replace ?? false,
      };
      return runner.start(options);
    },

    'import/resume': async (request) => {
      requireIdle();
      const record = requireRecord(request.importId);
      if (!isResumable(record)) throw new AppFailure('NOTHING_TO_RESUME', `Import #${record.id} is ${record.status}; there is nothing to resume.`);
      return runner.start({ sourcePath: record.sourcePath, dbPath, table: record.table, resume: true });
    },

    'import/control': (request) => {
      runner.control(request.importId, request.action);
      return null;
    },

    'import/state': async (request) => {
      const record = requireRecord(request.importId);
      const live = runner.get(request.importId);
      return { item: await toItem(record), progress: live?.progress ?? null, summary: live?.summary ?? null };
    },

    'imports/list': async () => Promise.all(store.imports.list().map(toItem)),
  };
}
