import type Database from 'better-sqlite3';

/** pino's numeric levels; the log stores the number so filters are one comparison. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export function levelName(level: number): LogLevelName {
  const names = Object.keys(LOG_LEVELS) as LogLevelName[];
  return names.reduce((found, name) => (LOG_LEVELS[name] <= level ? name : found), 'trace');
}

/** One line of an import's log as stored: `line` is the JSON line pino wrote. */
export interface StoredLogLine {
  seq: number;
  time: string;
  level: number;
  line: string;
}

/** A log line parsed for readers (the CLI's readable view, the app's log panel). */
export interface LogEntry {
  seq: number;
  time: string;
  level: LogLevelName;
  importId: number;
  stage: string;
  event: string;
  msg: string;
  /** Everything else the line carries (counters, options, timings): never row values. */
  fields: Record<string, unknown>;
}

export interface LogQuery {
  /** Lines after this sequence number (for --follow and live panels). */
  afterSeq?: number;
  minLevel?: number;
  limit?: number;
}

/**
 * `_sluice_log`: an import's structured log, one JSON line per row. Written by
 * the import thread only (the one writer of the store), read by anyone; the
 * rows go with the import (ON DELETE CASCADE). Statements prepared once.
 */
export class LogRecords {
  private readonly insertStatement: Database.Statement;
  private readonly nextSeqStatement: Database.Statement;
  private readonly usageStatement: Database.Statement;
  private readonly pageStatement: Database.Statement;

  constructor(db: Database.Database) {
    this.insertStatement = db.prepare('INSERT INTO _sluice_log (import_id, seq, time, level, line) VALUES (?, ?, ?, ?, ?)');
    this.nextSeqStatement = db.prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM _sluice_log WHERE import_id = ?');
    this.usageStatement = db.prepare('SELECT count(*) AS lines, coalesce(sum(length(line)), 0) AS bytes FROM _sluice_log WHERE import_id = ?');
    this.pageStatement = db.prepare(
      'SELECT seq, time, level, line FROM _sluice_log WHERE import_id = ? AND seq > ? AND level >= ? ORDER BY seq LIMIT ?',
    );
  }

  insert(importId: number, seq: number, time: string, level: number, line: string): void {
    this.insertStatement.run(importId, seq, time, level, line);
  }

  nextSeq(importId: number): number {
    return (this.nextSeqStatement.get(importId) as { next: number }).next;
  }

  usage(importId: number): { lines: number; bytes: number } {
    return this.usageStatement.get(importId) as { lines: number; bytes: number };
  }

  page(importId: number, query: LogQuery = {}): LogEntry[] {
    const rows = this.pageStatement.all(importId, query.afterSeq ?? 0, query.minLevel ?? 0, query.limit ?? 10_000) as StoredLogLine[];
    return rows.map(parseLogLine);
  }
}

export function parseLogLine(row: StoredLogLine): LogEntry {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(row.line) as Record<string, unknown>;
  } catch {
    // A line is written whole in one statement; an unparsable one is reported, not fatal.
    parsed = { msg: 'unreadable log line' };
  }
  const { level: _level, time: _time, importId, stage, event, msg, ...fields } = parsed;
  return {
    seq: row.seq,
    time: row.time,
    level: levelName(row.level),
    importId: Number(importId),
    stage: typeof stage === 'string' ? stage : '',
    event: typeof event === 'string' ? event : '',
    msg: typeof msg === 'string' ? msg : '',
    fields,
  };
}
