/**
 * The naive loop a developer writes first: papaparse streaming from
 * fs.createReadStream with header:true, one prepared INSERT, 10k-row
 * transactions, WAL and synchronous=NORMAL. No validation, one thread. Run as
 * its own process so its RSS is measured apart from the bench's.
 *
 *   node dist/bench/baselines/naive-papaparse.js <file.csv> <db.sqlite>
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import Papa from 'papaparse';

const ROWS_PER_TRANSACTION = 10_000;
const TABLE = 'customers';

const [filePath, dbPath] = process.argv.slice(2);
if (filePath === undefined || dbPath === undefined) {
  console.error('usage: naive-papaparse.js <file.csv> <db.sqlite>');
  process.exit(2);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const startedMs = performance.now();
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

let columns: string[] | undefined;
let insert: Database.Statement | null = null;
let batch: string[][] = [];
let rowsInserted = 0;

const insertBatch = db.transaction((rows: string[][]) => {
  for (const row of rows) insert?.run(row);
});

function prepareTable(fields: string[]): string[] {
  // TEXT columns, as sqlite3's .import creates them, so both store the same thing.
  const columnList = fields.map((field) => `${quoteIdentifier(field)} TEXT`).join(', ');
  db.exec(`CREATE TABLE ${quoteIdentifier(TABLE)} (${columnList})`);
  const placeholders = fields.map(() => '?').join(', ');
  insert = db.prepare(`INSERT INTO ${quoteIdentifier(TABLE)} VALUES (${placeholders})`);
  return fields;
}

const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: true, skipEmptyLines: true });
fs.createReadStream(filePath).pipe(parser);

for await (const record of parser as AsyncIterable<Record<string, string>>) {
  columns ??= prepareTable(Object.keys(record));
  batch.push(columns.map((column) => record[column] ?? ''));
  if (batch.length >= ROWS_PER_TRANSACTION) {
    insertBatch(batch);
    rowsInserted += batch.length;
    batch = [];
  }
}
if (batch.length > 0) {
  insertBatch(batch);
  rowsInserted += batch.length;
}
db.close();
console.log(JSON.stringify({ rowsInserted, innerMs: performance.now() - startedMs }));
