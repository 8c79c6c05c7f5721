/**
 * Numbered migrations of Sluice's own tables; PRAGMA user_version records how
 * many have run. Append only: never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE _sluice_imports (
    id INTEGER PRIMARY KEY,
    source_path TEXT NOT NULL,
    source_size INTEGER NOT NULL,
    source_mtime_ms REAL NOT NULL,
    source_hash TEXT NOT NULL,
    table_name TEXT NOT NULL,
    created_table INTEGER NOT NULL DEFAULT 0,
    layout TEXT NOT NULL,
    schema TEXT,
    options TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    next_byte_offset INTEGER NOT NULL,
    next_row_number INTEGER NOT NULL,
    next_line INTEGER NOT NULL,
    next_chunk_seq INTEGER NOT NULL DEFAULT 0,
    counters TEXT NOT NULL,
    active_ms INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX _sluice_imports_by_source ON _sluice_imports (source_path, table_name, id);
  CREATE TABLE _sluice_quarantine (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES _sluice_imports (id) ON DELETE CASCADE,
    row_number INTEGER NOT NULL,
    line INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    raw TEXT NOT NULL,
    errors TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    resolved_at TEXT,
    UNIQUE (import_id, row_number)
  );
  CREATE TABLE _sluice_warnings (
    import_id INTEGER NOT NULL REFERENCES _sluice_imports (id) ON DELETE CASCADE,
    row_number INTEGER NOT NULL,
    line INTEGER NOT NULL,
    warnings TEXT NOT NULL,
    PRIMARY KEY (import_id, row_number)
  );
  `,
  /**
   * Provenance (issue 11). Rows of Sluice tables carry `_sluice_import_id` (added
   * to each table by the first import that writes it after this migration; rows
   * written before it keep NULL: they have no provenance). `_sluice_preimages`
   * holds, per import, the previous values of every row it changed (`row_values`
   * NULL: the row was matched but left unchanged), written in the same transaction.
   */
  /* 2 */ `
    ALTER TABLE _sluice_imports ADD COLUMN parent_import_id INTEGER;
    ALTER TABLE _sluice_imports ADD COLUMN provenance INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE _sluice_imports ADD COLUMN content_hash TEXT;
    ALTER TABLE _sluice_imports ADD COLUMN added_columns TEXT;
    ALTER TABLE _sluice_imports ADD COLUMN written_columns TEXT;
    ALTER TABLE _sluice_imports ADD COLUMN undone_at TEXT;
    ALTER TABLE _sluice_quarantine ADD COLUMN fixed_by_import_id INTEGER;
    UPDATE _sluice_quarantine SET status = 'dismissed' WHERE status = 'discarded';
    CREATE TABLE _sluice_preimages (
      id INTEGER PRIMARY KEY,
      import_id INTEGER NOT NULL,
      row_id INTEGER NOT NULL,
      prev_import_id INTEGER,
      row_values TEXT
    );
    CREATE INDEX _sluice_preimages_by_import ON _sluice_preimages (import_id, row_id);
    CREATE INDEX _sluice_preimages_by_prev ON _sluice_preimages (prev_import_id);
    `,
  /* 3 (faith): the Table Schema each table was imported with (store/table-schemas.ts) */ `
  CREATE TABLE _sluice_tables (
    table_name TEXT PRIMARY KEY,
    schema TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
];
