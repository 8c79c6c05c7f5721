/**
 * The bench's rows that are not Sluice: the I/O floor, sqlite3's `.import` (the reference), the naive loop, the
 * peers (sqlite-utils, csvkit) and DuckDB with and without the same checks.
 */
import path from 'node:path';
import type { BenchCase, CaseContext, InputKind, Step } from './cases.js';
import { childScript, rulesFileFor, SLUICE_CLI } from './repo-paths.js';

export const TABLE = 'customers';

export function dbFor(context: CaseContext, name: string): string {
  return path.join(context.workDir, `${name}.sqlite`);
}

export function node(script: string, args: string[]): Step {
  return { command: process.execPath, args: [script, ...args] };
}

/** sqlite3's own `.import` of the CSV file, the reference every rows/s is divided by. */
export function sqlite3ImportCase(name: string, input: InputKind): BenchCase {
  return {
    name,
    kind: 'reference',
    input,
    plan(context) {
      if (context.tools.sqlite3 === null) return { skip: 'sqlite3 not installed (apt-get install sqlite3)' };
      const dbPath = dbFor(context, name);
      const quotedPath = `"${context.input.path.replaceAll('"', '\\"')}"`;
      return {
        setup: [],
        timed: { command: context.tools.sqlite3, args: [dbPath, `.import --csv ${quotedPath} ${TABLE}`] },
        dbPath,
        readsSluiceSummary: false,
      };
    },
  };
}

/** The same rules compiled to SQL (`sluice rules compile --to duckdb`) and run by DuckDB: the compile is untimed setup. */
export function duckdbCompiledCase(name: string, input: InputKind): BenchCase {
  return {
    name,
    kind: 'reference',
    input,
    plan(context) {
      const cli = context.tools.sluiceCli;
      if (cli === null) throw new Error(`${SLUICE_CLI} not found (the CLI is not there yet)`);
      const sqlPath = path.join(context.workDir, `${name}.sql`);
      // Like Sluice, it ends with the accepted rows and the quarantine as tables in a database file.
      const duckPath = path.join(context.workDir, `${name}.duckdb`);
      return {
        setup: [
          node(cli, ['rules', 'compile', rulesFileFor(input), '--to', 'duckdb', '--source', context.input.path, '--out', sqlPath, '--force']),
          node(childScript('baselines/duckdb-compiled.js'), ['--remove', duckPath]),
        ],
        timed: node(childScript('baselines/duckdb-compiled.js'), [sqlPath, duckPath]),
        dbPath: null,
        readsSluiceSummary: false,
      };
    },
  };
}

/** The peer's executable, or why its row is skipped. */
function peerTool(context: CaseContext, tool: string | null, debianPackage: string): string | { skip: string } {
  if (context.options.skipPeers) return { skip: '--skip-peers' };
  return tool ?? { skip: `not installed (apt-get install ${debianPackage})` };
}

export const FLOOR_CASES: readonly BenchCase[] = [
  {
    name: 'io-floor-csv',
    kind: 'floor',
    input: 'csv',
    plan: (context) => ({
      setup: [],
      timed: node(childScript('baselines/io-floor.js'), [context.input.path]),
      dbPath: null,
      readsSluiceSummary: false,
    }),
  },
  {
    name: 'io-floor-jsonl',
    kind: 'floor',
    input: 'jsonl',
    plan: (context) => ({
      setup: [],
      timed: node(childScript('baselines/io-floor.js'), [context.input.path]),
      dbPath: null,
      readsSluiceSummary: false,
    }),
  },
];

export const PEER_CASES: readonly BenchCase[] = [
  {
    name: 'naive-papaparse',
    kind: 'naive',
    input: 'csv',
    plan(context) {
      const dbPath = dbFor(context, 'naive-papaparse');
      return {
        setup: [],
        timed: node(childScript('baselines/naive-papaparse.js'), [context.input.path, dbPath]),
        dbPath,
        readsSluiceSummary: false,
      };
    },
  },
  {
    name: 'sqlite-utils-insert',
    kind: 'peer',
    input: 'csv',
    plan(context) {
      const tool = peerTool(context, context.tools.sqliteUtils, 'sqlite-utils');
      if (typeof tool !== 'string') return tool;
      const dbPath = dbFor(context, 'sqlite-utils-insert');
      return {
        setup: [],
        timed: { command: tool, args: ['insert', dbPath, TABLE, context.input.path, '--csv'] },
        dbPath,
        readsSluiceSummary: false,
      };
    },
  },
  {
    name: 'sqlite-utils-upsert',
    kind: 'peer',
    input: 'csv',
    plan(context) {
      const tool = peerTool(context, context.tools.sqliteUtils, 'sqlite-utils');
      if (typeof tool !== 'string') return tool;
      const dbPath = dbFor(context, 'sqlite-utils-upsert');
      // Same shape as sluice-upsert: load the table once, then time upserting the same rows into it.
      return {
        setup: [{ command: tool, args: ['insert', dbPath, TABLE, context.input.path, '--csv', '--pk', 'id'] }],
        timed: { command: tool, args: ['upsert', dbPath, TABLE, context.input.path, '--csv', '--pk', 'id'] },
        dbPath,
        readsSluiceSummary: false,
      };
    },
  },
  {
    name: 'csvsql-insert',
    kind: 'peer',
    input: 'csv-small',
    plan(context) {
      const tool = peerTool(context, context.tools.csvsql, 'csvkit');
      if (typeof tool !== 'string') return tool;
      const dbPath = dbFor(context, 'csvsql-insert');
      return {
        setup: [],
        timed: { command: tool, args: ['--db', `sqlite:///${dbPath}`, '--insert', '--tables', TABLE, context.input.path] },
        dbPath,
        readsSluiceSummary: false,
      };
    },
  },
];

/** What a DuckDB user types to load the file, no checks: `CREATE TABLE … AS SELECT * FROM read_csv(…)` into a database file. */
export const DUCKDB_READ_CSV_CASE: BenchCase = {
    // What a DuckDB user types to load the file, no checks: `CREATE TABLE … AS SELECT * FROM read_csv(…)` into a database file.
    name: 'duckdb-read-csv',
    kind: 'reference',
    input: 'csv',
    plan(context) {
      const duckPath = path.join(context.workDir, 'duckdb-read-csv.duckdb');
      return {
        setup: [node(childScript('baselines/duckdb-compiled.js'), ['--remove', duckPath])],
        timed: node(childScript('baselines/duckdb-compiled.js'), ['--read-csv', context.input.path, duckPath]),
        dbPath: null,
        readsSluiceSummary: false,
      };
    },
  };
