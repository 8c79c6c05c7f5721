import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { runImport } from '../../main/engine/pipeline/run-import.js';
import type { ImportOptions } from '../../main/engine/pipeline/import-options.js';
import { SluiceError } from '../../main/engine/errors.js';
import type { ImportSummary } from '../../main/engine/types.js';
import { queryAll } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { SOAK } from './support.js';

const dir = tempDir('sluice-fuzz-');
const RUNS = SOAK ? 1000 : 40;
const HANG_LIMIT_MS = 30_000;
const fuzzSeed = Number(process.env.SLUICE_SEED ?? Date.now() % 100_000);
let fileCounter = 0;

type Outcome = { summary: ImportSummary; table: string } | { error: SluiceError };

/** Imports one generated file in-process (one worker: the cheapest path through the real pipeline). */
async function importBytes(content: string | Uint8Array, extension: 'csv' | 'jsonl', extra: Partial<ImportOptions> = {}): Promise<Outcome> {
  const table = `f${++fileCounter}`;
  const sourcePath = path.join(dir, `${table}.${extension}`);
  fs.writeFileSync(sourcePath, content);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`import of ${sourcePath} hung for ${HANG_LIMIT_MS} ms`)), HANG_LIMIT_MS);
  });
  try {
    const summary = await Promise.race([runImport({ sourcePath, dbPath: path.join(dir, 'fuzz.sqlite'), table, workers: 1, ...extra }), hang]);
    return { summary, table };
  } catch (error) {
    if (error instanceof SluiceError && error.code !== 'INTERNAL') return { error };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Every record read ends up in the table or in the quarantine, exactly once. */
function assertAccounted(outcome: Outcome, context: string): void {
  if ('error' in outcome) return; // refused up front with a user-facing error (e.g. an undecodable header)
  const { summary, table } = outcome;
  assert.equal(summary.status, 'completed', `${context}: ${summary.error?.message ?? ''}`);
  assert.equal(summary.rowsRead, summary.rowsInserted + summary.rowsUpdated + summary.rowsQuarantined, context);
  const db = path.join(dir, 'fuzz.sqlite');
  const tableExists = queryAll(db, `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).length > 0;
  const inTable = tableExists ? Number(queryAll(db, `SELECT count(*) AS n FROM "${table}"`)[0]!.n) : 0;
  const inQuarantine = Number(queryAll(db, 'SELECT count(*) AS n FROM _sluice_quarantine WHERE import_id = ?', summary.importId)[0]!.n);
  assert.equal(inTable + inQuarantine, summary.rowsRead, `${context}: rows in table + quarantine`);
}

const csvCell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ',', '"', '""', '\n', '\r\n', '\r', ' "a" ', 'a"b', '\uFEFF', '\u0000', 'é', '😀', '\uD800', '-0', '1e999', 'null'),
);

/** CSV text from rows of cells, each quoted properly, quoted badly, or left bare. */
const structuredCsv = fc
  .tuple(
    fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.array(fc.tuple(csvCell, fc.constantFrom('quote', 'bare', 'broken')), { maxLength: 8 }), { maxLength: 40 }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([header, rows, newline, trailingNewline]) => {
    const encode = ([value, style]: [string, string]) =>
      style === 'quote' ? `"${value.replace(/"/g, '""')}"` : style === 'broken' ? `"${value}` : value;
    const lines = [header.map((name) => `"${name.replace(/"/g, '""')}"`).join(','), ...rows.map((row) => row.map(encode).join(','))];
    return lines.join(newline) + (trailingNewline ? newline : '');
  });

const jsonLine = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '{', '{"a":', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', '{"constructor":1}', '{"a":"\\ud800"}', '{"a":1e400}'),
);

const structuredJsonl = fc.tuple(fc.array(jsonLine, { maxLength: 40 }), fc.constantFrom('\n', '\r\n')).map(([lines, newline]) => lines.join(newline) + newline);

test(`random bytes never crash or hang the engine, and every record is accounted for (${RUNS} runs, seed ${fuzzSeed})`, { timeout: SOAK ? 3_600_000 : 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom('csv' as const, 'jsonl' as const), async (bytes, extension) => {
      assertAccounted(await importBytes(bytes, extension), `${bytes.length} random bytes as ${extension}`);
    }),
    { numRuns: RUNS, seed: fuzzSeed },
  );
});

test(`random CSV (quotes, newlines, ragged and broken rows) is fully accounted for (${RUNS} runs, seed ${fuzzSeed})`, { timeout: SOAK ? 3_600_000 : 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(structuredCsv, fc.integer({ min: 1, max: 50 }), async (text, batchRows) => {
      assertAccounted(await importBytes(text, 'csv', { batchRows }), 'structured csv');
    }),
    { numRuns: RUNS, seed: fuzzSeed },
  );
});

test(`random JSONL (objects, non-objects, broken lines) is fully accounted for (${RUNS} runs, seed ${fuzzSeed})`, { timeout: SOAK ? 3_600_000 : 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(structuredJsonl, async (text) => {
      assertAccounted(await importBytes(text, 'jsonl'), 'structured jsonl');
    }),
    { numRuns: RUNS, seed: fuzzSeed },
  );
});

/** csv-spectrum 2.0's JSON disagrees with its own CSV here (the CSV is the input, so it wins). */
const CORPUS_ERRATA: Record<string, Record<string, string>> = {
  'location_coordinates.csv': { 'Contact Phone Number': '2095257564' },
};

test('the csv-spectrum corpus imports with the expected values', { timeout: 60_000 }, async () => {
  const corpus = path.join(REPO_ROOT, 'node_modules', 'csv-spectrum');
  for (const name of fs.readdirSync(path.join(corpus, 'csvs')).filter((file) => file.endsWith('.csv'))) {
    const parsed = JSON.parse(fs.readFileSync(path.join(corpus, 'json', name.replace(/\.csv$/, '.json')), 'utf8')) as Record<string, string>[] | Record<string, string>;
    const expected = (Array.isArray(parsed) ? parsed : [parsed]).map((row) => ({ ...row, ...CORPUS_ERRATA[name] }));
    const outcome = await importBytes(fs.readFileSync(path.join(corpus, 'csvs', name)), 'csv');
    assert.ok(!('error' in outcome), `${name}: ${'error' in outcome ? outcome.error.message : ''}`);
    assert.equal(outcome.summary.rowsQuarantined, 0, name);
    const rows = queryAll(path.join(dir, 'fuzz.sqlite'), `SELECT * FROM "${outcome.table}" ORDER BY rowid`);
    // An empty cell is stored as NULL (missing), which the corpus writes as "".
    const normalised = rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : String(value)])));
    assert.deepEqual(normalised, expected, name);
  }
});

test('JSON corner cases as JSONL lines are imported or quarantined with a reason, never crash', { timeout: 60_000 }, async () => {
  const deep = (depth: number) => `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
  const lines = [
    '{"id":1,"v":"plain"}',
    '42',
    '"just a string"',
    '[1,2,3]',
    'null',
    'true',
    deep(100),
    deep(200_000),
    '{"id":2,"v":123456789012345678901234567890}',
    '{"id":3,"v":1e400}',
    '{"id":4,"v":-0}',
    '{"id":5,"v":"\\ud800 lone high"}',
    '{"id":6,"v":"\\udc00 lone low"}',
    '{"id":7,"v":1,"v":2}',
    '{"id":8,"__proto__":{"polluted":true}}',
    '{"id":9,"v":"\\u0000nul"}',
    `{"id":10,"v":"${'x'.repeat(100_000)}"}`,
    '{"id":11,"v":{"nested":{"object":[1,{"b":null}]}}}',
    '{"id":12,"v":"\u2028\u2029 line separators"}',
    '{"id":13,"v":"trailing"},',
    '\uFEFF{"id":14}',
  ];
  const outcome = await importBytes(lines.join('\n') + '\n', 'jsonl');
  assertAccounted(outcome, 'json corner cases');
  assert.ok(!('error' in outcome));
  assert.equal(outcome.summary.rowsRead, lines.length);
  const quarantined = queryAll(path.join(dir, 'fuzz.sqlite'), 'SELECT row_number, errors FROM _sluice_quarantine WHERE import_id = ?', outcome.summary.importId);
  for (const row of quarantined) assert.ok(JSON.parse(String(row.errors)).length > 0, `row ${String(row.row_number)} has a reason`);
  const rowNumbers = new Set(quarantined.map((row) => Number(row.row_number)));
  for (const nonObject of [2, 3, 4, 5, 6]) assert.ok(rowNumbers.has(nonObject), `top-level non-object on row ${nonObject} is quarantined`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
});
