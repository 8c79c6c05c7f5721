import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Papa from 'papaparse';
import { CsvBoundaryScanner, type ScanOptions } from '../../../main/engine/source/record-boundary.js';

const csv: ScanOptions = { delimiter: ',', quoteChar: '"', newline: '\n', unitBytes: 1, bigEndian: false };

function boundaries(text: string, options: ScanOptions = csv, splitAt: number[] = []): number[] {
  const bytes = new TextEncoder().encode(text);
  const scanner = new CsvBoundaryScanner(options);
  const found: number[] = [];
  let from = 0;
  for (const cut of [...splitAt, bytes.length]) {
    scanner.scan(bytes, from, cut, (offset) => found.push(offset));
    from = cut;
  }
  return found;
}

test('ends records at newlines outside quotes only', () => {
  assert.deepEqual(boundaries('a,b\n"x\ny",2\n3,4'), [4, 12]);
});

test('doubled quotes inside a quoted field do not close it', () => {
  assert.deepEqual(boundaries('"a ""quoted""\nword",1\nz\n'), [22, 24]);
});

test('a quote in the middle of an unquoted field is data, as papaparse reads it', () => {
  assert.deepEqual(boundaries('5" screen,3\nnext,4\n'), [12, 19]);
});

test('CRLF mode ends records after CR LF and keeps a lone LF inside the record', () => {
  const options = { ...csv, newline: '\r\n' as const };
  assert.deepEqual(boundaries('a,b\r\nc\nd,e\r\n', options), [5, 12]);
});

test('state carries across buffer splits, even between CR and LF', () => {
  const text = 'a,"b\r\nc"\r\nd,e\r\n';
  const options = { ...csv, newline: '\r\n' as const };
  const whole = boundaries(text, options);
  for (let cut = 1; cut < text.length; cut++) assert.deepEqual(boundaries(text, options, [cut]), whole, `cut at ${cut}`);
});

test('UTF-16LE is scanned in two-byte units', () => {
  const bytes = Buffer.from('a,"x\ny"\nb,c\n', 'utf16le');
  const found: number[] = [];
  new CsvBoundaryScanner({ ...csv, unitBytes: 2 }).scan(bytes, 0, bytes.length, (offset) => found.push(offset));
  assert.deepEqual(found, [16, 24]);
});

test('agrees with papaparse on where records end (property)', () => {
  const cell = fc.oneof(
    fc.stringMatching(/^[a-z ]{0,6}$/),
    fc.stringMatching(/^[a-z,\n" ]{0,8}$/).map((s) => `"${s.replace(/"/g, '""')}"`),
  );
  const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
      const text = `${rows.join('\n')}\n`;
      const cursors: number[] = [];
      Papa.parse<string[]>(text, { delimiter: ',', newline: '\n', step: (r) => cursors.push(r.meta.cursor) });
      const ours = boundaries(text);
      // papaparse reports the cursor after each row; the final empty row repeats the end.
      const theirs = cursors.filter((c, i) => c !== cursors[i - 1] && c <= text.length);
      assert.deepEqual(ours.map((b) => b), theirs.map((c) => new TextEncoder().encode(text.slice(0, c)).length));
    }),
  );
});
