/**
 * The bench's rows that are not Sluice: the I/O floor, sqlite3's `.import` (the reference), the naive loop, the
 * peers (sqlite-utils, csvkit) and DuckDB with and without the same checks.
 */
import path from 'node:path';
import type { BenchCase, CaseContext, CaseKind, InputKind, Step } from './cases.js';
import { childScript, rulesFileFor, SLUICE_CLI } from './repo-paths.js';

export const TABLE = 'customers';

export function dbFor(context: CaseContext, name: string): string {
  return path.join(context.workDir, `${name}.sqlite`);
}

export function node(script: string, args: string[]): Step {
  return { command: process.execPath, args: [script, ...args] };
}

interface CommandSteps {
  setup?: Step[];
  timed: Step;
}

/**
 * A case that runs one timed command (after untimed `setup` ones). With `writes: 'sqlite'` it writes its own
 * SQLite file, whose rows are counted afterwards; a case writing elsewhere (DuckDB, nothing) names no database.
 */
export function commandCase(
  name: string,
  kind: CaseKind,
  input: InputKind,
  writes: 'sqlite' | 'other',
  steps: (context: CaseContext, dbPath: string) => CommandSteps | { skip: string },
  readsSluiceSummary = false,
): BenchCase {
  return {
    name,
    kind,
    input,
    plan(context) {
      const dbPath = dbFor(context, name);
      const planned = steps(context, dbPath);
      if ('skip' in planned) return planned;
      return { setup: planned.setup ?? [], timed: planned.timed, dbPath: writes === 'sqlite' ? dbPath : null, readsSluiceSummary };
    },
  };
}

/** The peer's executable, or why its row is skipped. */
function peerTool(context: CaseContext, tool: string | null, debianPackage: string): string | { skip: string } {
  if (context.options.skipPeers) return { skip: '--skip-peers' };
  return tool ?? { skip: `not installed (apt-get install ${debianPackage})` };
}

/** sqlite3's own `.import` of the CSV file, the reference every rows/s is divided by. */
export function sqlite3ImportCase(name: string, input: InputKind): BenchCase {
  return commandCase(name, 'reference', input, 'sqlite', (context, dbPath) => {
    if (context.tools.sqlite3 === null) return { skip: 'sqlite3 not installed (apt-get install sqlite3)' };
    const quotedPath = `"${context.input.path.replaceAll('"', '\\"')}"`;
    return { timed: { command: context.tools.sqlite3, args: [dbPath, `.import --csv ${quotedPath} ${TABLE}`] } };
  });
}

/** The same rules compiled to SQL (`sluice rules compile --to duckdb`) and run by DuckDB: the compile is untimed setup. */
export function duckdbCompiledCase(name: string, input: InputKind): BenchCase {
  return commandCase(name, 'reference', input, 'other', (context) => {
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
    };
  });
}

/** What a DuckDB user types to load the file, no checks: `CREATE TABLE … AS SELECT * FROM read_csv(…)` into a database file. */
export const DUCKDB_READ_CSV_CASE = commandCase('duckdb-read-csv', 'reference', 'csv', 'other', (context) => {
  const duckPath = path.join(context.workDir, 'duckdb-read-csv.duckdb');
  return {
    setup: [node(childScript('baselines/duckdb-compiled.js'), ['--remove', duckPath])],
    timed: node(childScript('baselines/duckdb-compiled.js'), ['--read-csv', context.input.path, duckPath]),
  };
});

export const FLOOR_CASES: readonly BenchCase[] = (['csv', 'jsonl'] as const).map((input) =>
  commandCase(`io-floor-${input}`, 'floor', input, 'other', (context) => ({
    timed: node(childScript('baselines/io-floor.js'), [context.input.path]),
  })));

export const PEER_CASES: readonly BenchCase[] = [
  commandCase('naive-papaparse', 'naive', 'csv', 'sqlite', (context, dbPath) => ({
    timed: node(childScript('baselines/naive-papaparse.js'), [context.input.path, dbPath]),
  })),
  commandCase('sqlite-utils-insert', 'peer', 'csv', 'sqlite', (context, dbPath) => {
    const tool = peerTool(context, context.tools.sqliteUtils, 'sqlite-utils');
    if (typeof tool !== 'string') return tool;
    return { timed: { command: tool, args: ['insert', dbPath, TABLE, context.input.path, '--csv'] } };
  }),
  commandCase('sqlite-utils-upsert', 'peer', 'csv', 'sqlite', (context, dbPath) => {
    const tool = peerTool(context, context.tools.sqliteUtils, 'sqlite-utils');
    if (typeof tool !== 'string') return tool;
    // Same shape as sluice-upsert: load the table once, then time upserting the same rows into it.
    return {
      setup: [{ command: tool, args: ['insert', dbPath, TABLE, context.input.path, '--csv', '--pk', 'id'] }],
      timed: { command: tool, args: ['upsert', dbPath, TABLE, context.input.path, '--csv', '--pk', 'id'] },
    };
  }),
  commandCase('csvsql-insert', 'peer', 'csv-small', 'sqlite', (context, dbPath) => {
    const tool = peerTool(context, context.tools.csvsql, 'csvkit');
    if (typeof tool !== 'string') return tool;
    return { timed: { command: tool, args: ['--db', `sqlite:///${dbPath}`, '--insert', '--tables', TABLE, context.input.path] } };
  }),
];
