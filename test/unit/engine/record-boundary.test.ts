import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Papa from 'papaparse';
import { CsvBoundaryScanner, scanLineBoundaries, type ScanOptions } from '../../../main/engine/source/record-boundary.js';

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

test('LF and CRLF files read alike: every LF outside quotes ends a record, a bare LF in a CRLF file too', () => {
  for (const newline of ['\n', '\r\n'] as const) {
    const options = { ...csv, newline };
    assert.deepEqual(boundaries('a,b\r\nc\nd,e\r\n', options), [5, 7, 12], JSON.stringify(newline));
    // A CR after a closing quote is part of the line end, as papaparse skips whitespace there.
    assert.deepEqual(boundaries('a,"b"\r\nc,"d\r\ne"\n', options), [7, 16], JSON.stringify(newline));
  }
});

test('property: records joined with any mix of LF and CRLF, quoted CR and LF inside, end exactly after each line end', () => {
  const cell = fc.oneof(
    fc.stringMatching(/^[a-z ]{0,5}$/),
    fc.array(fc.constantFrom('a', ' ', ',', '"', '\n', '\r'), { maxLength: 6 }).map((chars) => `"${chars.join('').replace(/"/g, '""')}"`),
  );
  const record = fc.tuple(fc.array(cell, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n'));
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), fc.constantFrom<ScanOptions['newline']>('\n', '\r\n'), (records, newline) => {
      const lines = records.map(([cells, end]) => cells.join(',') + end);
      // An empty unquoted last cell before a CR would read the CR as data: never written that way.
      const text = lines.join('');
      const expected: number[] = [];
      let at = 0;
      for (const line of lines) expected.push((at += new TextEncoder().encode(line).length));
      assert.deepEqual(boundaries(text, { ...csv, newline }), expected, JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
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

test('the fast last-boundary scan matches the byte-wise scan, state included (property)', () => {
  const alphabet = fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r', 'é');
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join('')),
      fc.constantFrom<ScanOptions['newline']>('\n', '\r\n', '\r'),
      fc.array(fc.nat(80), { maxLength: 4 }),
      (text, newline, cuts) => {
        const bytes = new TextEncoder().encode(text);
        const options: ScanOptions = { ...csv, newline };
        const slow = new CsvBoundaryScanner(options);
        const fast = new CsvBoundaryScanner(options);
        const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
        let from = 0;
        for (const cut of [...points, bytes.length]) {
          let slowLast = -1;
          slow.scan(bytes, from, cut, (offset) => (slowLast = offset));
          assert.equal(fast.scanForLast(bytes, from, cut), slowLast, JSON.stringify({ text, newline, from, cut }));
          assert.equal(fast.atRecordStart, slow.atRecordStart);
          from = cut;
        }
      },
    ),
    { numRuns: 3000 },
  );
});

test('the fast scan reports every boundary the byte-wise scan does (property)', () => {
  const alphabet = fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'ü');
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join('')),
      fc.constantFrom<ScanOptions['newline']>('\n', '\r\n', '\r'),
      fc.nat(80),
      (text, newline, cut) => {
        const bytes = new TextEncoder().encode(text);
        const at = Math.min(cut, bytes.length);
        const slowFound: number[] = [];
        const fastFound: number[] = [];
        const slow = new CsvBoundaryScanner({ ...csv, newline });
        const fast = new CsvBoundaryScanner({ ...csv, newline });
        slow.scan(bytes, 0, at, (o) => slowFound.push(o));
        slow.scan(bytes, at, bytes.length, (o) => slowFound.push(o));
        fast.scanFast(bytes, 0, at, (o) => fastFound.push(o));
        fast.scanFast(bytes, at, bytes.length, (o) => fastFound.push(o));
        assert.deepEqual(fastFound, slowFound);
      },
    ),
    { numRuns: 3000 },
  );
});

test('JSONL lines in UTF-16 end after the whole LF unit, and a 0x0A byte inside another character is no line end', () => {
  const text = '{"a":"Ċ"}\n{"a":"ਊ"}\n{"a":1}';
  const lineEnds = (units: Buffer, bigEndian: boolean) => {
    const found: number[] = [];
    scanLineBoundaries(units, 0, units.length, (offset) => found.push(offset), 2, bigEndian);
    return found;
  };
  const le = Buffer.from(text, 'utf16le');
  const expected = [20, 40];
  assert.deepEqual(lineEnds(le, false), expected);
  assert.deepEqual(lineEnds(Buffer.from(le).swap16(), true), expected);
  assert.deepEqual(lineEnds(le.subarray(0, 39), false), [20], 'a line end cut off by the range is not one yet');
});
