/**
 * Runs the SQL that `sluice rules compile --to duckdb` wrote for the bench
 * file in DuckDB (through @duckdb/node-api, all cores), so the bench shows the
 * same rules on another engine beside Sluice's own import. Prints one JSON
 * line: accepted and quarantined counts, and the time DuckDB took alone.
 *
 *   node dist/bench/baselines/duckdb-compiled.js <file.sql>
 */
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const sqlPath = process.argv[2];
if (sqlPath === undefined) {
  console.error('usage: duckdb-compiled.js <file.sql>');
  process.exit(2);
}

const startedMs = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(fs.readFileSync(sqlPath, 'utf8'));
const count = async (relation: string): Promise<number> => Number((await db.runAndReadAll(`SELECT count(*) FROM ${relation}`)).getRows()[0]?.[0] ?? 0);
const accepted = await count('accepted');
const quarantined = await count('quarantined');
const innerMs = performance.now() - startedMs;
db.closeSync();
console.log(JSON.stringify({ accepted, quarantined, innerMs, note: `DuckDB on the compiled rules: ${accepted} accepted, ${quarantined} quarantined (DuckDB alone ${innerMs.toFixed(0)} ms)` }));
