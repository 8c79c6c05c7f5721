import { LOG_LEVELS, LogRecords } from '../engine/observe/log-records.js';
import { TraceRecords } from '../engine/observe/trace-records.js';
import { WarningRecords } from '../engine/observe/warning-records.js';
import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './handlers.js';

/** Lines per call: a log is capped per import, so one call normally returns all of it. */
const LOG_PAGE_LINES = 5000;

/** An import's detail page: its log, its trace and its warnings. Read-only. */
export function detailHandlers(store: Store): Pick<Handlers, 'imports/log' | 'imports/trace' | 'imports/warnings'> {
  const logs = new LogRecords(store.db);
  const traces = new TraceRecords(store.db);
  const warnings = new WarningRecords(store.db);
  const requireImport = (importId: number) => {
    if (!store.imports.get(importId)) throw new AppFailure('IMPORT_NOT_FOUND', `There is no import #${importId}.`);
  };
  return {
    'imports/log': (request) => {
      requireImport(request.importId);
      return logs.page(request.importId, {
        afterSeq: request.afterSeq ?? 0,
        minLevel: LOG_LEVELS[request.minLevel ?? 'debug'],
        limit: LOG_PAGE_LINES,
      });
    },
    'imports/trace': (request) => {
      requireImport(request.importId);
      return traces.list(request.importId);
    },
    'imports/warnings': (request) => {
      requireImport(request.importId);
      return warnings.summary(request.importId);
    },
  };
}
