/**
 * Round trip: a well-formed CSV or JSONL file imported without rules and
 * exported again gives back the same values. JSONL: deep-equal objects (a key
 * a record lacked stays absent, an explicit null stays null), integers exact, floats equal in value and still floats. CSV: the same bytes
 * (fields are quoted only where they must be, so there is nothing to differ),
 * same delimiter, newline style and final newline.
 * SLUICE_ROUND_TRIPS sets the number of files per format (1,000 by default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Store } from '../../../main/engine/store/store.js';
import { exportTable } from '../../../main/engine/export/export-table.js';
import { JsonFloat, JsonNumberText, parseJsonExact } from '../../../main/engine/parse/json-lossless.js';
import { importInProcess } from '../../helpers/in-process-import.js';
import { tempDir } from '../../helpers/paths.js';

const RUNS = Number(process.env.SLUICE_ROUND_TRIPS ?? 1000);
const dir = tempDir();
const RESERVED = new Set(['rowid', 'oid', '_rowid_']);

// ---- JSONL ----

/** A JSON value with the exact text it is written as. */
type Written = { text: string };
const INT64 = 2n ** 63n;

const intText = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -INT64, max: INT64 - 1n }).map(String),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 100n }).map((n) => (n % 2n === 0n ? `-${n}` : String(n))),
);
const floatText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)).map(String),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => `${n}.0`),
  fc.integer({ min: 1, max: 300 }).map((n) => `1e${n}`),
  fc.integer({ min: -9, max: 9 }).map((n) => `${n}.50E+2`),
  fc.constant('-0.0'),
);
const textArb = fc.string({ unit: 'grapheme', maxLength: 12 });
const leaf = (kind: string): fc.Arbitrary<Written> => {
  switch (kind) {
    case 'integer': return intText.map((text) => ({ text }));
    case 'number': return fc.oneof(intText, floatText).map((text) => ({ text }));
    case 'boolean': return fc.boolean().map((b) => ({ text: String(b) }));
    case 'string': return textArb.map((s) => ({ text: JSON.stringify(s) }));
    case 'object': return nested.map((v) => ({ text: `{"k":${v.text},"u\u00e9":[${v.text}]}` }));
    case 'array': return fc.array(nested, { maxLength: 3 }).map((items) => ({ text: `[${items.map((i) => i.text).join(',')}]` }));
    default: return fc.oneof(intText.map((text) => ({ text })), floatText.map((text) => ({ text })), fc.boolean().map((b) => ({ text: String(b) })),
      textArb.map((s) => ({ text: JSON.stringify(s) })), nested.map((v) => ({ text: `{"x":${v.text}}` })));
  }
};
const nested: fc.Arbitrary<Written> = fc.oneof(intText, floatText, fc.constant('true'), fc.constant('null'), textArb.map((s) => JSON.stringify(s)))
  .map((text) => ({ text }));

const keyArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((k) => k.trim() === k && !k.includes('\u0000') && !RESERVED.has(k.toLowerCase()));
const jsonlFile = fc
  .uniqueArray(fc.tuple(keyArb, fc.constantFrom('integer', 'number', 'boolean', 'string', 'object', 'array', 'mixed')), {
    minLength: 1, maxLength: 5, selector: ([key]) => key.toLowerCase(),
  })
  .chain((columns) => fc.array(
    // A key may be absent from a record (undefined here): it must stay absent, where an explicit null stays null.
    fc.tuple(...columns.map(([, kind]) => fc.oneof(
      { weight: 6, arbitrary: fc.option(leaf(kind), { nil: null, freq: 6 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ))),
    { minLength: 1, maxLength: 5 },
  ).map((rows) => rows.map((row) => `{${row.flatMap((value, i) => (value === undefined ? [] : [`${JSON.stringify(columns[i]![0])}:${value ? value.text : 'null'}`])).join(',')}}`)))
  // A file of nothing but {} has no columns: Sluice refuses it as not importable (a test of its own elsewhere).
  .filter((lines) => lines.some((line) => line !== '{}'));

/** A comparable form: integers as bigint, floats as ['float', value], numbers beyond double as their text. */
function normal(value: unknown): unknown {
  if (value instanceof JsonFloat) return ['float', value.value === 0 ? 0 : value.value];
  if (value instanceof JsonNumberText) return value.isInteger ? BigInt(value.text) : ['float-text', value.text];
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : ['float', value];
  if (Array.isArray(value)) return value.map(normal);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  return value;
}

test(`JSONL: ${RUNS} generated files survive import → export unchanged`, async () => {
  const store = Store.open(path.join(dir, 'jsonl.sqlite'));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(jsonlFile, async (lines) => {
        const file = path.join(dir, `case-${++n}.jsonl`);
        fs.writeFileSync(file, `${lines.join('\n')}\n`);
        const result = await importInProcess(store, file, `j${n}`);
        assert.equal(result.rejected.length, 0, JSON.stringify(result.rejected));
        const out = path.join(dir, `case-${n}.out.jsonl`);
        await exportTable(store, `j${n}`, out, { format: 'jsonl' });
        const back = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
        assert.deepEqual(back.map((line) => normal(parseJsonExact(line))), lines.map((line) => normal(parseJsonExact(line))));
        fs.rmSync(file);
        fs.rmSync(out);
      }),
      { numRuns: RUNS },
    );
  } finally {
    store.close();
  }
});

// ---- CSV ----

const headerArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((name) => !RESERVED.has(name) && name !== 'true' && name !== 'false');
const cellArb = (kind: string): fc.Arbitrary<string> => {
  switch (kind) {
    case 'integer': return fc.oneof(fc.bigInt({ min: -INT64, max: INT64 - 1n }).map(String), fc.constantFrom('007', '+5', '-0', '12345678901234567890123'));
    case 'number': return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('1.50', '1e3', '2.0', '.5', '-0.0'));
    case 'boolean': return fc.constantFrom('true', 'false', 'True', 'yes');
    case 'date': return fc.constantFrom('2024-01-31', '1999-12-01', '2024-02-30');
    default: return fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', ';', '\t', '"', '\n', '\r\n', 'Z', '€', '1', '😀'), maxLength: 8 });
  }
};

function quote(cell: string, delimiter: string): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const csvFile = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  newline: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  columns: fc.uniqueArray(fc.tuple(headerArb, fc.constantFrom('integer', 'number', 'boolean', 'date', 'string')), {
    minLength: 2, maxLength: 4, selector: ([name]) => name,
  }),
}).chain((shape) => fc.array(
  fc.tuple(...shape.columns.map(([, kind]) => fc.oneof({ weight: 6, arbitrary: cellArb(kind) }, { weight: 1, arbitrary: fc.constant('') }))),
  { minLength: 1, maxLength: 5 },
).map((rows) => {
  const lines = [shape.columns.map(([name]) => name), ...rows].map((row) => row.map((cell) => quote(cell, shape.delimiter)).join(shape.delimiter));
  return lines.join(shape.newline) + (shape.finalNewline ? shape.newline : '');
}));

test(`CSV: ${RUNS} generated files survive import → export byte for byte`, async () => {
  const store = Store.open(path.join(dir, 'csv.sqlite'));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(csvFile, async (text) => {
        const file = path.join(dir, `case-${++n}.csv`);
        fs.writeFileSync(file, text);
        const result = await importInProcess(store, file, `c${n}`);
        assert.equal(result.rejected.length, 0, JSON.stringify(result.rejected));
        const out = path.join(dir, `case-${n}.out.csv`);
        await exportTable(store, `c${n}`, out, { format: 'csv' });
        assert.equal(JSON.stringify(fs.readFileSync(out, 'utf8')), JSON.stringify(text));
        fs.rmSync(file);
        fs.rmSync(out);
      }),
      { numRuns: RUNS },
    );
  } finally {
    store.close();
  }
});
