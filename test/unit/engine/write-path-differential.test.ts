import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import type { ImportOptions } from '../../../main/engine/pipeline/import-options.js';
import { Store } from '../../../main/engine/store/store.js';
import { undoImport } from '../../../main/engine/history/undo.js';
import type { ImportSummary } from '../../../main/engine/types.js';
import { tempDir } from '../../helpers/paths.js';
import { prng } from '../../helpers/generate.js';

/**
 * The scratch write path (workers write their batches into scratch files, the
 * writer copies them with INSERT … SELECT) must give exactly what the direct
 * path (the writer binds every value) gives: the same table (rowids, values,
 * SQLite types), quarantine, warnings, pre-images, counters, and the same
 * state after an undo. Each scenario runs on both paths and the dumps are compared.
 */
const dir = tempDir();
// Files of several batches: a chunk holds at least 32 KiB.
const ROWS = 3000;

type Step = Omit<ImportOptions, 'dbPath'>;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Ids repeat within and across batches; some values are invalid; some e-mails repeat (a UNIQUE rule refuses them). */
function customers(name: string, seed: number, rows = ROWS, idRange = ROWS, firstAscendingId: number | null = null): string {
  const random = prng(seed);
  const lines = ['id,name,email,score,note'];
  for (let i = 0; i < rows; i++) {
    const id = random() < 0.02 ? 'x' : String(firstAscendingId === null ? 1 + Math.floor(random() * idRange) : firstAscendingId + i);
    const who = ['Ann', 'Bob', 'Zoë', 'Łukasz', '"Quoted, name"'][Math.floor(random() * 5)];
    const email = random() < 0.01 ? 'dup@example.com' : `u${i}-${seed}@example.com`;
    const score = random() < 0.03 ? 'n/a' : random() < 0.5 ? String(Math.floor(random() * 100)) : (random() * 100).toFixed(2);
    lines.push([id, who, email, score, random() < 0.1 ? '' : `note ${i}`].join(','));
  }
  return write(name, `${lines.join('\n')}\n`);
}

const rulesFile = write(
  'rules.json',
  JSON.stringify({
    fields: [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string', constraints: { required: true } },
      { name: 'email', type: 'string', constraints: { unique: true } },
      { name: 'score', type: 'number', constraints: { minimum: 0 } },
      { name: 'note', type: 'string' },
    ],
  }),
);

/** The same rules without UNIQUE: no index on the table, so the scratch path's slots can be declared as the table. */
const noIndexRulesFile = write(
  'rules-no-index.json',
  JSON.stringify({ fields: (JSON.parse(fs.readFileSync(rulesFile, 'utf8')) as { fields: { constraints?: object }[] }).fields.map(({ constraints, ...field }) => ({ ...field, ...(constraints && !('unique' in constraints) ? { constraints } : {}) })) }),
);

function jsonl(name: string, seed: number): string {
  const random = prng(seed);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const id = 1 + Math.floor(random() * ROWS);
    const pick = Math.floor(random() * 6);
    const value = [12, 12.5, '12', true, null, { nested: [1, 2] }][pick];
    const big = random() < 0.3 ? `${9007199254740993n + BigInt(i)}` : String(i);
    // Some records lack keys: the absent-keys marker they carry must come out the same on both paths.
    const valuePart = random() < 0.1 ? '' : `,"value":${JSON.stringify(value)}`;
    const textPart = random() < 0.1 ? '' : `,"text":${JSON.stringify(`t${i} é`)}`;
    lines.push(`{"id":${id}${valuePart},"big":${big}${textPart}}`);
  }
  return write(name, `${lines.join('\n')}\n`);
}

function summaryOf(summary: ImportSummary): unknown {
  const { status, rowsRead, rowsInserted, rowsUpdated, rowsUnchanged, duplicateKeys, duplicateKeyRows, rowsQuarantined, error } = summary;
  return { status, rowsRead, rowsInserted, rowsUpdated, rowsUnchanged, duplicateKeys, duplicateKeyRows, rowsQuarantined, error };
}

function dump(dbPath: string): unknown {
  const store = Store.open(dbPath);
  try {
    const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_sluice%' ESCAPE '\\' ORDER BY name`).pluck().all() as string[]);
    const out: Record<string, unknown> = {};
    for (const table of tables) {
      const columns = store.db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[];
      out[table] = store.db
        .prepare(`SELECT rowid, ${columns.map((c) => `typeof("${c}") || ':' || quote("${c}")`).join(', ')} FROM "${table}" ORDER BY rowid`)
        .raw()
        .all();
    }
    out.quarantine = store.db.prepare('SELECT import_id, row_number, line, byte_offset, raw, errors, status FROM _sluice_quarantine ORDER BY import_id, row_number').raw().all();
    out.warnings = store.db.prepare('SELECT * FROM _sluice_warnings ORDER BY import_id, row_number').raw().all();
    out.preimages = store.db.prepare('SELECT import_id, row_id, prev_import_id, row_values FROM _sluice_preimages ORDER BY id').raw().all();
    out.imports = store.db.prepare('SELECT id, status, next_byte_offset, next_row_number, next_line, counters FROM _sluice_imports ORDER BY id').raw().all();
    return out;
  } finally {
    store.close();
  }
}

let runs = 0;
/** Runs the steps on one path into a fresh store; returns every summary, the store, and the store after undoing the last import. */
async function onPath(writePath: 'direct' | 'scratch', steps: readonly Step[], setupSql: string | null = null): Promise<unknown> {
  const saved = process.env.SLUICE_WRITE_PATH;
  process.env.SLUICE_WRITE_PATH = writePath;
  try {
    const dbPath = path.join(dir, `run-${runs++}-${writePath}.sqlite`);
    if (setupSql !== null) {
      const setup = Store.open(dbPath);
      setup.db.exec(setupSql);
      setup.close();
    }
    const summaries: unknown[] = [];
    let last = 0;
    for (const step of steps) {
      let summary: ImportSummary;
      try {
        summary = await runImport({ workers: 2, batchRows: 50, ...step, dbPath });
      } catch (error) {
        // Refused before it began (a key the table's rows repeat, say): the same refusal on both paths.
        summaries.push({ threw: (error as { code?: string }).code });
        continue;
      }
      summaries.push(summaryOf(summary));
      last = summary.importId;
      const trace = traceOf(dbPath, last);
      assert.equal(trace.writePath, writePath, 'the trace records the path that ran');
    }
    const imported = dump(dbPath);
    const store = Store.open(dbPath);
    let undone: unknown = null;
    try {
      if (last > 0) undone = undoImport(store, last);
    } catch (error) {
      undone = { refused: (error as Error).message };
    } finally {
      store.close();
    }
    return { summaries, imported, undone, afterUndo: dump(dbPath) };
  } finally {
    if (saved === undefined) delete process.env.SLUICE_WRITE_PATH;
    else process.env.SLUICE_WRITE_PATH = saved;
  }
}

function traceOf(dbPath: string, importId: number): { writePath?: string } {
  const store = Store.open(dbPath);
  try {
    const row = store.db.prepare('SELECT trace FROM _sluice_trace WHERE import_id = ? ORDER BY run DESC LIMIT 1').pluck().get(importId) as string;
    return JSON.parse(row) as { writePath?: string };
  } finally {
    store.close();
  }
}

async function sameOnBothPaths(steps: readonly Step[], setupSql: string | null = null): Promise<void> {
  const direct = await onPath('direct', steps, setupSql);
  const scratch = await onPath('scratch', steps, setupSql);
  assert.deepEqual(scratch, direct);
}

function scratchDirsOfThisProcess(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`sluice-scratch-${process.pid}-`));
}

test('plain inserts, then an upsert of the same table, give the same store on both paths', async () => {
  const first = customers('plain.csv', 1);
  const second = customers('plain-again.csv', 2);
  await sameOnBothPaths([{ sourcePath: first, table: 'people' }, { sourcePath: second, table: 'people', append: true }]);
});

test('an upsert into a new table, then one into its existing rows, gives the same store on both paths', async () => {
  const first = customers('upsert.csv', 11);
  const second = customers('upsert-again.csv', 12);
  await sameOnBothPaths([{ sourcePath: first, table: 'keyed', key: ['id'] }, { sourcePath: second, table: 'keyed', key: ['id'] }]);
});

test('rules with quarantine and a UNIQUE rule the store enforces give the same store on both paths', async () => {
  const first = customers('rules.csv', 3);
  const second = customers('rules-again.csv', 4);
  await sameOnBothPaths([{ sourcePath: first, table: 'ruled', schemaPath: rulesFile }, { sourcePath: second, table: 'ruled', schemaPath: rulesFile, append: true }]);
});

for (const onDuplicate of ['first', 'last', 'quarantine'] as const) {
  test(`upserts with keys repeated within and across batches (--on-duplicate ${onDuplicate}) give the same store on both paths`, async () => {
    // Few distinct ids: most batches repeat keys of earlier batches and within themselves.
    const first = customers(`dups-${onDuplicate}.csv`, 5, ROWS, 400);
    const second = customers(`dups-${onDuplicate}-2.csv`, 6, ROWS, 800);
    await sameOnBothPaths([
      { sourcePath: first, table: 'dups', key: ['id'], onDuplicate },
      { sourcePath: second, table: 'dups', key: ['id'], onDuplicate },
    ]);
  });
}

// Ascending ids: the scratch path's slots are declared as the table (INTEGER PRIMARY KEY) and copied whole.
test('ascending ids: an insert, then an upsert over half of its rows, give the same store on both paths', async () => {
  const first = customers('ascending.csv', 21, ROWS, ROWS, 1);
  const second = customers('ascending-again.csv', 22, ROWS, ROWS, ROWS / 2);
  await sameOnBothPaths([
    { sourcePath: first, table: 'ascending', key: ['id'], schemaPath: noIndexRulesFile },
    { sourcePath: second, table: 'ascending', key: ['id'], schemaPath: noIndexRulesFile },
    { sourcePath: second, table: 'ascending', key: ['id'], schemaPath: noIndexRulesFile },
  ]);
});

test('ascending ids with --fail-fast: a batch cut short is written in part, the same on both paths', async () => {
  const file = customers('ascending-ff.csv', 23, ROWS, ROWS, 1);
  await sameOnBothPaths([{ sourcePath: file, table: 'ascending_ff', key: ['id'], schemaPath: noIndexRulesFile, failure: { mode: 'fast' } }]);
});

// Tables a user made by hand (found by a review): a slot declared from them must store and compare as they do.
test('a hand-made table: numbers upserted into TEXT, a STRICT ANY column, a quoted type name: the same store on both paths', async () => {
  const numbers = write('numbers-into-text.jsonl', `${Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i + 1, v: 12.5, w: 'x' })).join('\n')}\n`);
  await sameOnBothPaths(
    [{ sourcePath: numbers, table: 't', key: ['id'] }, { sourcePath: numbers, table: 't', key: ['id'] }],
    'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, w TEXT, _sluice_import_id INTEGER)',
  );
  const strict = write('strict-any.csv', `a,b\n${Array.from({ length: 400 }, (_, i) => `${i % 3 === 0 ? `00${i}` : `${i}.50`},x${i}`).join('\n')}\n`);
  await sameOnBothPaths([{ sourcePath: strict, table: 't', append: true }], 'CREATE TABLE t (a ANY, b TEXT, _sluice_import_id INTEGER) STRICT');
  const shuffled = write('quoted-type.csv', `a,b\n${Array.from({ length: 200 }, (_, i) => `${(7919 * i) % 1000},x${i}`).join('\n')}\n`);
  await sameOnBothPaths([{ sourcePath: shuffled, table: 't', append: true }], `CREATE TABLE t (a 'INTEGER PRIMARY KEY', b TEXT, _sluice_import_id INTEGER)`);
});

test('a hand-made STRICT table that refuses some values: every row counted is in the table, on both paths', async () => {
  // SQLite keeps the rows before a STRICT type failure in a multi-row INSERT; the writer must not count them twice.
  const file = write('strict-refusals.csv', `a,b\n${Array.from({ length: 200 }, (_, i) => `${i % 9 === 4 ? 'abc' : i % 9 === 5 ? '1.5' : i},${i}`).join('\n')}\n`);
  const setup = 'CREATE TABLE t (a INTEGER, b TEXT, _sluice_import_id INTEGER) STRICT';
  for (const writePath of ['direct', 'scratch'] as const) {
    const run = (await onPath(writePath, [{ sourcePath: file, table: 't', append: true }], setup)) as {
      summaries: { rowsRead: number; rowsInserted: number; rowsQuarantined: number }[];
      imported: { t: unknown[] };
    };
    const [summary] = run.summaries;
    assert.equal(run.imported.t.length, summary!.rowsInserted, `${writePath}: the rows in the table are the rows counted`);
    assert.equal(summary!.rowsInserted + summary!.rowsQuarantined, summary!.rowsRead);
    assert.ok(summary!.rowsQuarantined > 0, 'the table refused the text values');
  }
  await sameOnBothPaths([{ sourcePath: file, table: 't', append: true }], setup);
});

test('--fail-fast stops at the same row with the same rows kept on both paths', async () => {
  const file = customers('fail-fast.csv', 7);
  await sameOnBothPaths([{ sourcePath: file, table: 'ff', schemaPath: rulesFile, failure: { mode: 'fast' } }]);
});

test('JSONL with mixed types and big integers, inserted then upserted, gives the same store on both paths', async () => {
  const first = jsonl('mixed.jsonl', 8);
  const second = jsonl('mixed-2.jsonl', 9);
  await sameOnBothPaths([{ sourcePath: first, table: 'mixed', key: ['id'] }, { sourcePath: second, table: 'mixed', key: ['id'] }]);
});

test('more workers than SQLite may attach files (12 > 10): commits split into transactions, the same store on both paths', async () => {
  const file = customers('many-workers.csv', 13, 12_000, 6000);
  await sameOnBothPaths([{ sourcePath: file, table: 'many', key: ['id'], workers: 12, batchRows: 20 }]);
});

test('property: any small import sequence gives the same store on both paths', async () => {
  const step = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    rows: fc.integer({ min: 1, max: 2500 }),
    idRange: fc.integer({ min: 1, max: 3000 }),
    key: fc.boolean(),
    rules: fc.boolean(),
    // Ascending ids from some start (the rules without UNIQUE then give typed slots, copied whole).
    firstAscendingId: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null }),
    onDuplicate: fc.constantFrom('first' as const, 'last' as const, 'quarantine' as const),
  });
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), async (specs) => {
      const steps = specs.map((spec): Step => ({
        sourcePath: customers(`prop-${n++}.csv`, spec.seed, spec.rows, spec.idRange, spec.firstAscendingId),
        table: 'prop',
        append: true,
        onDuplicate: spec.onDuplicate,
        ...(spec.key ? { key: ['id'] } : {}),
        ...(spec.rules ? { schemaPath: spec.firstAscendingId === null ? rulesFile : noIndexRulesFile } : {}),
      }));
      await sameOnBothPaths(steps);
    }),
    { numRuns: 5, endOnFailure: true },
  );
});

test('the scratch files are gone after an import completes, and no handle to them stays open', async () => {
  await onPath('scratch', [{ sourcePath: customers('gone.csv', 10), table: 'gone' }]);
  assert.deepEqual(scratchDirsOfThisProcess(), []);
  const open = fs.readdirSync('/proc/self/fd').map((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
  assert.deepEqual(open.filter((target) => target.includes('sluice-scratch-')), []);
});
