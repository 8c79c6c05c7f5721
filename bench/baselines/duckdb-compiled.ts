/**
 * DuckDB peers of the bench, through @duckdb/node-api (all cores). Prints one JSON line: the counts and the
 * time DuckDB took alone.
 *
 *   node dist/bench/baselines/duckdb-compiled.js <file.sql> [db.duckdb]
 *       runs the SQL that `sluice rules compile --to duckdb` wrote for the bench file (the same checks as
 *       Sluice's); with a database file, the accepted rows and the quarantine are then stored in it as two
 *       tables, as Sluice stores its table and its quarantine. The compiled SQL reads the whole file as one
 *       text value (to number records exactly as Sluice does, multi-line records included), so it is not
 *       streamed: DuckDB's streaming `read_csv` would number and split malformed rows differently.
 *   node dist/bench/baselines/duckdb-compiled.js --read-csv <file.csv> <db.duckdb>
 *       what a DuckDB user types to load the file, no checks: CREATE TABLE … AS SELECT * FROM read_csv(…).
 *   node dist/bench/baselines/duckdb-compiled.js --remove <db.duckdb>
 *       removes a database file and its WAL (the untimed setup before each run).
 */
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [first, second, third] = process.argv.slice(2);
if (first === undefined) {
  console.error('usage: duckdb-compiled.js <file.sql> [db.duckdb] | --read-csv <file.csv> <db.duckdb> | --remove <db.duckdb>');
  process.exit(2);
}
if (first === '--remove') {
  for (const suffix of ['', '.wal']) fs.rmSync(`${second}${suffix}`, { force: true });
  process.exit(0);
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const startedMs = performance.now();
const dbPath = first === '--read-csv' ? third : second;
const instance = await DuckDBInstance.create(dbPath ?? ':memory:');
const db = await instance.connect();
const count = async (relation: string): Promise<number> => Number((await db.runAndReadAll(`SELECT count(*) FROM ${relation}`)).getRows()[0]?.[0] ?? 0);
let summary: Record<string, unknown>;
if (first === '--read-csv') {
  await db.run(`CREATE TABLE customers AS SELECT * FROM read_csv(${sqlString(second ?? '')})`);
  await db.run('CHECKPOINT');
  const rows = await count('customers');
  summary = { rows, note: `DuckDB read_csv into a table: ${rows} rows` };
} else {
  await db.run(fs.readFileSync(first, 'utf8'));
  let accepted = 'accepted';
  let quarantined = 'quarantined';
  if (dbPath !== undefined) {
    await db.run('CREATE TABLE customers AS SELECT * FROM accepted');
    await db.run('CREATE TABLE customers_quarantine AS SELECT * FROM quarantined');
    await db.run('CHECKPOINT');
    [accepted, quarantined] = ['customers', 'customers_quarantine'];
  }
  const acceptedRows = await count(accepted);
  const quarantinedRows = await count(quarantined);
  summary = {
    accepted: acceptedRows,
    quarantined: quarantinedRows,
    note: `DuckDB on the compiled rules: ${acceptedRows} accepted, ${quarantinedRows} quarantined${dbPath === undefined ? ' (in memory)' : ', both stored'}`,
  };
}
const innerMs = performance.now() - startedMs;
db.closeSync();
instance.closeSync();
console.log(JSON.stringify({ ...summary, innerMs, note: `${String(summary['note'])} (DuckDB alone ${innerMs.toFixed(0)} ms)` }));
