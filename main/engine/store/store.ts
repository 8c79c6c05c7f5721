import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SluiceError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { mapSqliteError } from './sqlite-errors.js';
import { ImportRecords } from './import-records.js';
import { isBookkeepingColumn } from './bookkeeping-columns.js';
import { QuarantineRecords } from './quarantine-records.js';

export interface StoreOptions {
  readonly?: boolean;
  /** How long to wait for another writer before giving up with STORE_BUSY. */
  busyTimeoutMs?: number;
  /** Refuse to create a new store file (commands that only read). */
  mustExist?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** A Sluice store: one SQLite file holding imported tables and Sluice's own bookkeeping. */
export class Store {
  readonly imports: ImportRecords;
  readonly quarantine: QuarantineRecords;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {
    this.imports = new ImportRecords(db);
    this.quarantine = new QuarantineRecords(db);
  }

  static open(dbPath: string, options: StoreOptions = {}): Store {
    const resolved = path.resolve(dbPath);
    if ((options.mustExist || options.readonly) && !fs.existsSync(resolved)) {
      throw new SluiceError('FILE_NOT_FOUND', `${dbPath}: no such store.`);
    }
    if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
      throw new SluiceError('NOT_A_FILE', `${dbPath} is a directory, not a store file.`);
    }
    checkStoreFolder(dbPath, path.dirname(resolved));
    let db: Database.Database | null = null;
    try {
      db = new Database(resolved, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false });
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
      // Before any pragma that writes: a store from a newer Sluice, or a database that is not a store, is left exactly as it is.
      checkStoreFormat(db, dbPath, options.mustExist === true || options.readonly === true);
      if (!options.readonly) {
        // 16 KiB pages: about 20% faster bulk loads than the 4 KiB default, measured
        // here with 10-column rows. Only takes effect while the file is still empty.
        db.pragma('page_size = 16384');
        // WAL lets the UI read while an import writes; NORMAL sync is durable
        // across application crashes, and checkpoints ride in the same transactions.
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        // Fewer, larger checkpoints: each one syncs, and bulk loads write many pages.
        db.pragma('wal_autocheckpoint = 2048');
      }
      // 16 MB of page cache: enough for index and B-tree interior pages while loading.
      db.pragma('cache_size = -16384');
      db.pragma('temp_store = MEMORY');
      if (!options.readonly) migrate(db);
      else if ((db.pragma('user_version', { simple: true }) as number) < MIGRATIONS.length) {
        // A read-only connection cannot migrate, and Sluice's statements need the current format.
        throw new SluiceError('STORE_ERROR', `${dbPath} was written by an older Sluice; open it once for writing (e.g. sluice status --db ${dbPath}) to upgrade it.`);
      }
      return new Store(db, resolved);
    } catch (error) {
      db?.close();
      throw mapSqliteError(error, dbPath);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** User tables (Sluice's own tables excluded). */
  listTables(): string[] {
    const rows = this.db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_sluice\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
      .all() as { name: string }[];
    return rows.map((row) => row.name);
  }

  tableExists(table: string): boolean {
    return this.db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`).get(table) !== undefined;
  }

  /** The user's columns: Sluice's bookkeeping (bookkeeping-columns.ts) never shows in exports, the Data screen or `infer`. */
  tableColumns(table: string): string[] {
    return this.rawTableColumns(table).filter((name) => !isBookkeepingColumn(name));
  }

  /** Every column, bookkeeping included. */
  rawTableColumns(table: string): string[] {
    const rows = this.db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
    return rows.map((row) => row.name);
  }

  /** The table's name as stored, for a name given in any case (SQLite matches table names case-insensitively). */
  canonicalTableName(table: string): string | null {
    const row = this.db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`)
      .get(table) as { name: string } | undefined;
    return row?.name ?? null;
  }
}

/** better-sqlite3 reports a missing and an inaccessible folder alike ("directory does not exist"); tell them apart. */
function checkStoreFolder(dbPath: string, folder: string): void {
  try {
    fs.statSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SluiceError('FILE_NOT_FOUND', `${dbPath}: the folder ${folder} does not exist.`, { cause: error });
    throw new SluiceError('STORE_READONLY', `${dbPath} cannot be written (no permission to reach its folder).`, { cause: error });
  }
}

/**
 * Refuses a store written by a newer Sluice (its format is unknown here), and, for commands
 * that only use an existing store, an SQLite file that is not one (empty, or another program's
 * database): `status` must not turn it into a store.
 */
function checkStoreFormat(db: Database.Database, dbPath: string, existingOnly: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new SluiceError(
      'STORE_ERROR',
      `${dbPath} was written by a newer version of Sluice (store format ${version}; this version knows formats up to ${MIGRATIONS.length}); upgrade Sluice to open it. Nothing was changed.`,
    );
  }
  if (!existingOnly || version > 0) return;
  const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  if (objects === 0) throw new SluiceError('STORE_ERROR', `${dbPath} is empty, not a Sluice store yet; import a file into it first (sluice import <file> --db ${dbPath}).`);
  throw new SluiceError(
    'STORE_ERROR',
    `${dbPath} is an SQLite database but not a Sluice store (it has none of Sluice's tables); it was left as it is. Import into it to make it one, or name another store.`,
  );
}

function migrate(db: Database.Database): void {
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;
  if (readVersion() > MIGRATIONS.length) {
    throw new SluiceError('STORE_ERROR', 'This store was written by a newer version of Sluice; upgrade Sluice to open it.');
  }
  if (readVersion() === MIGRATIONS.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated this store meanwhile.
    for (let i = readVersion(); i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
