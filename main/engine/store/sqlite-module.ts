import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

let loaded: typeof BetterSqlite3 | null = null;

/**
 * better-sqlite3, loaded on first use, for code that also runs in chunk workers (scratch slots, slot layouts): a worker
 * on the direct write path never opens a database, and loading the module and its native addon cost each worker
 * about 40–60 ms of start-up (measured against the baseline, which had no scratch path).
 */
export function sqliteModule(): typeof BetterSqlite3 {
  loaded ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  return loaded;
}
