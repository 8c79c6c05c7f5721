/**
 * A UTF-16 file with an unpaired surrogate (a high half without its low half, or a low half alone) is
 * treated as a UTF-8 file with an invalid byte sequence is: only the records holding one are quarantined
 * with rule `encoding` and their exact bytes, the summary counts them, and nothing is replaced by U+FFFD.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, queryAll, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let counter = 0;

/** UTF-16 code units as bytes (`units` may hold lone surrogates, which Buffer.from(text) would not keep). */
function utf16(units: number[], bigEndian: boolean): Buffer {
  const bytes = Buffer.alloc(units.length * 2);
  units.forEach((unit, i) => (bigEndian ? bytes.writeUInt16BE(unit, 2 * i) : bytes.writeUInt16LE(unit, 2 * i)));
  return bytes;
}

const unitsOf = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

function importUnits(name: string, units: number[], bigEndian: boolean) {
  const file = path.join(dir, `${++counter}-${name}`);
  fs.writeFileSync(file, utf16([0xfeff, ...units], bigEndian));
  const db = path.join(dir, `store-${counter}.sqlite`);
  const run = sluice(['import', file, '--db', db, '--table', 't', '--json', '--workers', '1']);
  assert.equal(run.status, 0, run.stderr);
  return { db, file, summary: lastJson(run), text: run.stdout };
}

for (const bigEndian of [false, true]) {
  const label = bigEndian ? 'UTF-16BE' : 'UTF-16LE';

  test(`${label} CSV: only the records with an unpaired surrogate are quarantined (rule encoding, exact bytes kept)`, () => {
    const good = (i: number) => unitsOf(`${i},Zoë 😀\n`);
    const rows: number[][] = Array.from({ length: 30 }, (_, i) => good(i));
    rows[7] = [...unitsOf('7,Zo'), 0xd800, ...unitsOf('x\n')]; // a high surrogate followed by a letter
    rows[19] = [...unitsOf('19,'), 0xdc00, ...unitsOf('\n')]; // a low surrogate alone
    const { db, summary } = importUnits('lone.csv', [...unitsOf('id,name\n'), ...rows.flat()], bigEndian);
    assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined, summary.rowsBadEncoding], [28, 2, 2]);
    assert.deepEqual(queryAll(db, 'SELECT DISTINCT name FROM t'), [{ name: 'Zoë 😀' }], 'no value holds U+FFFD');
    const quarantined = queryAll(db, 'SELECT line, byte_offset, errors FROM _sluice_quarantine ORDER BY row_number');
    const headerUnits = 1 + unitsOf('id,name\n').length;
    const offsetOf = (row: number) => 2 * (headerUnits + rows.slice(0, row).flat().length);
    assert.deepEqual(quarantined.map((row) => [row.line, row.byte_offset]), [[9, offsetOf(7)], [21, offsetOf(19)]]);
    for (const [i, row] of quarantined.entries()) {
      const errors = JSON.parse(String(row.errors)) as { rule: string; bytes: string }[];
      assert.equal(errors[0]!.rule, 'encoding');
      assert.deepEqual(Buffer.from(errors[0]!.bytes, 'base64'), utf16(rows[[7, 19][i]!]!, bigEndian));
    }
  });

  test(`${label} JSONL: a line holding an unpaired surrogate is quarantined, the others imported`, () => {
    const lines = [unitsOf('{"a":"x"}\n'), [...unitsOf('{"a":"'), 0xdbff, ...unitsOf('"}\n')], unitsOf('{"a":"😀"}\n')];
    const { db, summary, } = importUnits('lone.jsonl', lines.flat(), bigEndian);
    assert.deepEqual([summary.rowsInserted, summary.rowsQuarantined, summary.rowsBadEncoding], [2, 1, 1]);
    assert.deepEqual(queryAll(db, 'SELECT a FROM t'), [{ a: 'x' }, { a: '😀' }]);
  });
}

test('the text summary says how many records had bad encoding', () => {
  const units = [...unitsOf('id,name\n1,a\n2,'), 0xd83d, ...unitsOf('\n')];
  const file = path.join(dir, 'summary.csv');
  fs.writeFileSync(file, utf16([0xfeff, ...units], false));
  const run = sluice(['import', file, '--db', path.join(dir, 'summary.sqlite')]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /bad encoding\s+1/);
});
