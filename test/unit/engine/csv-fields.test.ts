import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Papa from 'papaparse';
import { CsvRecordReader } from '../../../main/engine/parse/csv-fields.js';
import { ChunkProcessor } from '../../../main/engine/parse/chunk-processor.js';
import type { Dialect } from '../../../main/engine/types.js';
import { papaText } from '../../../main/engine/source/line-ends.js';

interface Shape {
  delimiter: string;
  quoteChar: string;
  newline: '\n' | '\r\n' | '\r';
}

/** Every record, or null as soon as the reader declines one. */
function readAll(text: string, shape: Shape): string[][] | null {
  const reader = new CsvRecordReader(shape.delimiter, shape.quoteChar, shape.newline);
  reader.begin(text);
  const records: string[][] = [];
  while (!reader.done) {
    const fields = reader.next();
    if (fields === null) return null;
    records.push(fields);
  }
  return records;
}

/** papaparse on the text without the CRs of line ends, as the import's papaparse paths read it. */
function papaparse(text: string, shape: Shape): { rows: string[][]; errors: number } {
  const papa = papaText(text, shape, true);
  const parsed = Papa.parse<string[]>(papa.text, { ...shape, newline: papa.newline, escapeChar: shape.quoteChar, skipEmptyLines: false });
  const rows = parsed.data;
  // papaparse reports an empty row after a final terminator; the reader does not.
  if (text.endsWith(papa.newline) && rows.length > 0) rows.pop();
  if (text === '') rows.length = 0;
  // A text that is only a line-end CR holds one blank record, as one that is only LF does.
  else if (papa.text === '') rows.push(['']);
  return { rows, errors: parsed.errors.length };
}

const comma: Shape = { delimiter: ',', quoteChar: '"', newline: '\n' };

test('reads unquoted and quoted fields, doubled quotes and line breaks inside quotes', () => {
  assert.deepEqual(readAll('a,b\n"x, y","say ""hi""\nthere"\n,\n', comma), [['a', 'b'], ['x, y', 'say "hi"\nthere'], ['', '']]);
});

test('an empty quoted field and a delimiter before the end leave empty fields', () => {
  assert.deepEqual(readAll('"",a,\n"b",', comma), [['', 'a', ''], ['b', '']]);
});

test('LF and CRLF read alike: a CR before LF belongs to the line end, a bare LF ends a record, quoted CR/LF stay', () => {
  for (const newline of ['\n', '\r\n'] as const) {
    const shape = { ...comma, newline };
    assert.deepEqual(readAll('a,b\r\nc\nd,"e"\r\n', shape), [['a', 'b'], ['c'], ['d', 'e']]);
    assert.deepEqual(readAll('1,2\n3,4\r\n5,\r\n,"x\r\ny"\r\n"\r",z\n', shape), [['1', '2'], ['3', '4'], ['5', ''], ['', 'x\r\ny'], ['\r', 'z']]);
    // A CR that ends the text (the file) is a line end too; one before anything else is data.
    assert.deepEqual(readAll('a\rb,c\r', shape), [['a\rb', 'c']]);
  }
});

test('declines irregular quoting so papaparse can judge it', () => {
  assert.equal(readAll('a,"b" c\n', comma), null);
  assert.equal(readAll('5" screen,3\n', comma), null);
  assert.equal(readAll('"never closed,1\n', comma), null);
  assert.equal(readAll('"a" ,1\n', comma), null);
});

const dialects = fc.constantFrom<Shape>(
  comma,
  { delimiter: ';', quoteChar: '"', newline: '\r\n' },
  { delimiter: '\t', quoteChar: "'", newline: '\r' },
  { delimiter: '||', quoteChar: '"', newline: '\n' },
);

test('property: whenever the reader reads a text, papaparse reads the same fields without errors', () => {
  fc.assert(
    fc.property(dialects, fc.array(fc.constantFrom('a', 'é', ' ', ',', ';', '\t', '|', '"', "'", '\n', '\r'), { maxLength: 60 }), (shape, parts) => {
      const text = parts.join('');
      const read = readAll(text, shape);
      if (read === null) return;
      const reference = papaparse(text, shape);
      assert.equal(reference.errors, 0, JSON.stringify(text));
      assert.deepEqual(read, reference.rows, JSON.stringify(text));
    }),
    { numRuns: 20000 },
  );
});

test('property: well-formed CSV is always read by the fast path, exactly as papaparse reads it', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r', '😀'), maxLength: 8 });
  fc.assert(
    fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (records) => {
      const text = Papa.unparse(records, { newline: '\n', quotes: false }) + '\n';
      const read = readAll(text, comma);
      assert.notEqual(read, null, JSON.stringify(text));
      assert.deepEqual(read, papaparse(text, comma).rows);
    }),
    { numRuns: 3000 },
  );
});

test('a chunk with one irregular record is read by papaparse whole, as papaparse reads it', () => {
  const dialect: Dialect = {
    format: 'csv',
    encoding: 'utf-8',
    encodingReason: 'test',
    bomBytes: 0,
    delimiter: ',',
    quoteChar: '"',
    newline: '\n',
    hasHeader: true,
  };
  const processor = new ChunkProcessor({ dialect, sourceColumns: ['a', 'b'], ruleFile: null, keyOverride: null, redact: false });
  const text = '1,"x"\n2,"y" z\n\n3,"w\nv"\n4,5,6\n';
  const result = processor.process({ seq: 0, startOffset: 0, bytes: new TextEncoder().encode(text) });
  // The stray quote opens a field that runs to the next quote: papaparse's reading, which the scanner shares.
  assert.equal(result.records, 3);
  assert.equal(result.blankLines, 0);
  assert.deepEqual(result.values, ['1', 'x']);
  assert.deepEqual(
    result.rejected.map((r) => [r.recordIndex, r.lineOffset, r.byteOffset, r.errors[0]!.rule]),
    [
      [1, 1, 6, 'csv-syntax'],
      [2, 5, 23, 'row-shape'],
    ],
  );
});

test('property: records written with any mix of LF and CRLF read back as written, fast or through papaparse', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r', '😀'), maxLength: 8 });
  const record = fc.tuple(fc.array(field, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'));
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), fc.constantFrom<Shape['newline']>('\n', '\r\n'), (records, newline) => {
      // Fields with a CR, LF, quote or comma are quoted (as every writer does), others left bare.
      const text = records.map(([fields, end]) => Papa.unparse([fields], { newline: '\n', quotes: false }) + end).join('');
      const expected = records.map(([fields]) => fields);
      const shape = { ...comma, newline };
      const read = readAll(text, shape);
      if (read !== null) assert.deepEqual(read, expected, JSON.stringify(text));
      assert.deepEqual(papaparse(text, shape).rows, expected, JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
});
