import type Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import { LOG_LEVELS, LogRecords, type LogLevelName } from './log-records.js';

/**
 * Caps per import (all its runs together): a log is for reading, and an import
 * that fails row after row must not fill the store with its story. Past a cap
 * only status changes, the finish line and errors are kept, after one line
 * that says the log was cut.
 */
export const MAX_LOG_LINES_PER_IMPORT = 2000;
export const MAX_LOG_BYTES_PER_IMPORT = 1024 * 1024;
const ALWAYS_KEPT_EVENTS = new Set(['status', 'finish']);

/**
 * Paths pino censors, defence in depth: no caller logs row values (the
 * canary tests check it), but a failure object that carries one must not
 * leak it by accident.
 */
const REDACT_PATHS = ['value', 'values', 'raw', 'row', '*.value', '*.raw', '*.row', 'errors[*].value', 'warnings[*].value'];

export type LogFields = Record<string, string | number | boolean | null | undefined | Record<string, unknown> | unknown[]>;

/**
 * An import's structured log: pino JSON lines (time, level, importId, stage,
 * event, msg, fields) written synchronously into `_sluice_log` of the store by
 * the import thread. Lines logged before the import has an id (sniffing,
 * retries of a source) are kept and written once `attach` names the import.
 * Logging never throws: a store that cannot take a line loses the line, not
 * the import.
 */
export class ImportLog {
  private readonly logger: Logger;
  private records: LogRecords | null = null;
  private importId: number | null = null;
  private nextSeq = 1;
  private lines = 0;
  private bytes = 0;
  private truncated = false;
  private readonly pending: string[] = [];

  constructor() {
    this.logger = pino(
      {
        level: 'debug',
        base: null,
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => ({ importId: this.importId }),
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      },
      { write: (line: string) => this.write(line) },
    );
  }

  /** Names the import and writes what was logged before it had an id. */
  attach(db: Database.Database, importId: number): void {
    try {
      this.records = new LogRecords(db);
      this.importId = importId;
      this.nextSeq = this.records.nextSeq(importId);
      const usage = this.records.usage(importId);
      this.lines = usage.lines;
      this.bytes = usage.bytes;
    } catch {
      this.records = null;
      return;
    }
    for (const line of this.pending.splice(0)) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      parsed.importId = importId;
      this.write(`${JSON.stringify(parsed)}\n`);
    }
  }

  /** Stops writing (the store is about to close). */
  detach(): void {
    this.records = null;
  }

  debug(stage: string, event: string, msg: string, fields: LogFields = {}): void {
    this.logger.debug({ stage, event, ...fields }, msg);
  }

  info(stage: string, event: string, msg: string, fields: LogFields = {}): void {
    this.logger.info({ stage, event, ...fields }, msg);
  }

  warn(stage: string, event: string, msg: string, fields: LogFields = {}): void {
    this.logger.warn({ stage, event, ...fields }, msg);
  }

  error(stage: string, event: string, msg: string, fields: LogFields = {}): void {
    this.logger.error({ stage, event, ...fields }, msg);
  }

  private write(line: string): void {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (!this.records || this.importId === null) {
      if (this.pending.length < MAX_LOG_LINES_PER_IMPORT) this.pending.push(text);
      return;
    }
    try {
      const parsed = JSON.parse(text) as { level: LogLevelName; time: string; event?: string };
      const level = LOG_LEVELS[parsed.level] ?? LOG_LEVELS.info;
      const overCap = this.lines >= MAX_LOG_LINES_PER_IMPORT || this.bytes + text.length > MAX_LOG_BYTES_PER_IMPORT;
      if (overCap && level < LOG_LEVELS.error && !ALWAYS_KEPT_EVENTS.has(parsed.event ?? '')) {
        if (!this.truncated) {
          this.truncated = true;
          const marker = JSON.stringify({
            level: 'warn',
            time: parsed.time,
            importId: this.importId,
            stage: 'log',
            event: 'truncated',
            msg: `the log reached its cap (${MAX_LOG_LINES_PER_IMPORT} lines or ${MAX_LOG_BYTES_PER_IMPORT} bytes); only status changes, errors and the finish are kept from here on`,
          });
          this.insert(parsed.time, LOG_LEVELS.warn, marker);
        }
        return;
      }
      this.insert(parsed.time, level, text);
    } catch {
      // The log is an aid: a full or broken store must not fail the import because of it.
    }
  }

  private insert(time: string, level: number, text: string): void {
    this.records!.insert(this.importId!, this.nextSeq++, time, level, text);
    this.lines++;
    this.bytes += text.length;
  }
}
