import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { ChunkProcessor } from '../../../main/engine/parse/chunk-processor.js';
import type { ChunkResult } from '../../../main/engine/parse/chunk-types.js';
import type { Dialect } from '../../../main/engine/types.js';

/**
 * UTF-8 chunks with non-ASCII characters are read bytewise and only the records that need it decoded
 * (bytewise-text.ts). References, decoded whole before reading: for CSV the same text in windows-1252 (the
 * same byte scanner and fast reader, on real text; so only characters it has), for JSONL the same text as
 * UTF-16. Values, rejections (raw text and reasons) and line numbers must agree.
 */
type TestEncoding = 'utf-8' | 'utf-16le' | 'windows-1252';

function dialect(format: 'csv' | 'jsonl', encoding: TestEncoding, delimiter = ','): Dialect {
  return { format, encoding, encodingReason: 'test', bomBytes: 0, delimiter, quoteChar: '"', hasHeader: true, newline: '\n' };
}

const COLUMNS = ['a', 'b', 'c'];
const RULES = {
  fields: [
    { name: 'a', type: 'string', constraints: { pattern: '[A-Za-zé]+' } },
    { name: 'b', type: 'integer' },
    { name: 'c', type: 'string' },
  ],
};

function encode(text: string, encoding: TestEncoding): Uint8Array {
  if (encoding === 'windows-1252') return new Uint8Array(iconv.encode(text, 'windows-1252'));
  return new Uint8Array(Buffer.from(text, encoding === 'utf-8' ? 'utf8' : 'utf16le'));
}

function run(format: 'csv' | 'jsonl', text: string, encoding: TestEncoding, withRules: boolean, delimiter = ','): ChunkResult {
  const processor = new ChunkProcessor({
    dialect: dialect(format, encoding, delimiter),
    sourceColumns: COLUMNS,
    ruleFile: withRules ? RULES : null,
    keyOverride: null,
    redact: false,
  });
  return processor.process({ seq: 0, startOffset: 0, bytes: encode(text, encoding) });
}

function comparable(result: ChunkResult): unknown {
  const meta: number[] = [];
  for (let i = 0; i < result.validMeta.length; i += 4) meta.push(result.validMeta[i]!, result.validMeta[i + 1]!);
  return {
    records: result.records,
    blank: result.blankLines,
    lineBreaks: result.lineBreaks,
    values: result.values,
    meta,
    rejected: result.rejected.map((r) => [r.recordIndex, r.lineOffset, r.raw, r.errors]),
  };
}

/** Characters that a bytewise reading would get wrong if it skipped a decode (2 and 3 bytes in UTF-8, a Unicode space), all in windows-1252. */
const PIECES = ['x', 'Zoë', 'é', '€', '\u00a0', '1', '42', '-7', ' ', ',', ';', '\t', '"', '""', '\n', '§'];
/** For JSONL, also 4-byte characters, a line separator and a BOM inside the text. */
const JSON_PIECES = [...PIECES, '😀', '\u2028', '\ufeff'];

const csvText = fc.array(fc.array(fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((p) => p.join('')), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 })
  .chain((rows) => fc.boolean().map((quoteAll) => rows.map((fields) => fields.map((f) => (quoteAll || /[,;\t"\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)))));

test('property: CSV with non-ASCII characters reads the same bytewise as decoded whole', () => {
  fc.assert(
    fc.property(csvText, fc.boolean(), fc.constantFrom(',', ';', '\t'), fc.boolean(), (rows, withRules, delimiter, raw) => {
      // Half the runs take the generated text as is (stray quotes and all), half the quoted records.
      const text = raw ? rows.map((r) => r.join(delimiter).replaceAll('"', '')).join('\n') + '\n' : rows.map((r) => r.join(delimiter)).join('\n') + '\n';
      const utf8 = run('csv', text, 'utf-8', withRules, delimiter);
      assert.deepEqual(comparable(utf8), comparable(run('csv', text, 'windows-1252', withRules, delimiter)), JSON.stringify(text));
      assert.equal(utf8.byteLength, Buffer.byteLength(text));
      const rowBytes: number[] = [];
      for (let i = 0; i < utf8.validMeta.length; i += 4) rowBytes.push(utf8.validMeta[i + 3]!);
      assert.ok(rowBytes.every((n) => n > 0));
    }),
    { numRuns: 1500 },
  );
});

const jsonValue = fc.oneof(
  fc.array(fc.constantFrom(...JSON_PIECES), { maxLength: 4 }).map((p) => p.join('')),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constant(null),
);

test('property: JSONL with non-ASCII characters reads the same bytewise as decoded whole', () => {
  const line = fc.oneof(
    fc.record({ a: jsonValue, b: jsonValue, c: jsonValue }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.constantFrom('', '\u00a0', '\u2028 ', '{"a":"é"', '{"é":1}', '["Zoë"]', '\ufeff{"a":"x"}'),
  );
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean(), (lines, withRules) => {
      const text = lines.join('\n') + '\n';
      const utf8 = run('jsonl', text, 'utf-8', withRules);
      assert.deepEqual(comparable(utf8), comparable(run('jsonl', text, 'utf-16le', withRules)), JSON.stringify(text));
      let bytes = 0;
      for (let i = 0; i < utf8.validMeta.length; i += 4) bytes += utf8.validMeta[i + 3]!;
      assert.ok(bytes <= Buffer.byteLength(text));
    }),
    { numRuns: 1500 },
  );
});

test('a UTF-8 value split across the fast reader\'s fields comes back whole', () => {
  const result = run('csv', 'Zoé,1,"€ ""x"", 😀"\n', 'utf-8', true);
  assert.deepEqual(result.values, ['Zoé', 1, '€ "x", 😀']);
  assert.equal(result.validMeta[3], Buffer.byteLength('Zoé,1,"€ ""x"", 😀"\n'));
});
