import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvColumnType, floatFromText, integerFromText, jsonColumnType } from '../../../main/engine/rules/lossless-columns.js';
import { JsonFloat, formatJsonFloat, parseJsonExact, stringifyJsonExact } from '../../../main/engine/parse/json-lossless.js';

const numberLike = fc.oneof(
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.stringMatching(/^[-+]?[0-9]{0,20}(\.[0-9]{0,20})?([eE][-+]?[0-9]{1,3})?$/),
);

test('CSV cells become numbers only when they print back as the same text', () => {
  fc.assert(fc.property(numberLike, (text) => {
    const integer = integerFromText(text);
    const expectedInteger = /^(0|-?[1-9]\d*)$/.test(text) && BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n ? BigInt(text) : null;
    assert.equal(integer, expectedInteger);
    if (integer !== null) assert.equal(String(integer), text);
    const float = floatFromText(text);
    const value = Number(text);
    assert.equal(float, text !== '' && Number.isFinite(value) && String(value) === text ? value : null);
  }), { numRuns: 20_000 });
  assert.deepEqual(['007', '+5', '-0', '1.50', '1e3', '2.0', '0.0000001'].map((t) => integerFromText(t) ?? floatFromText(t)), [null, null, null, null, null, null, null]);
});

test('column types from samples: most values decide, dates only when all are dates', () => {
  assert.equal(csvColumnType(['1', '2', 'x']).type, 'integer');
  assert.equal(csvColumnType(['1', '2.5', '']).type, 'number');
  assert.deepEqual(csvColumnType(['True', 'False', 'True']), { type: 'boolean', trueValues: ['True'], falseValues: ['False'] });
  assert.equal(csvColumnType(['2024-01-31', '2024-02-30']).type, 'string');
  assert.equal(jsonColumnType([1, 2.5, null]).type, 'number');
  assert.equal(jsonColumnType([1, '1']).type, 'any');
  assert.equal(jsonColumnType([new JsonFloat(2)]).type, 'number');
});

test('exact JSON: big integers, integral floats and odd numbers keep their form', () => {
  const line = '{"a":9007199254740993,"b":2.0,"c":[1e400,-0.0,1E2],"d":123456789012345678901234567890,"__proto__":{"x":1.5}}';
  assert.equal(stringifyJsonExact(parseJsonExact(line)), '{"a":9007199254740993,"b":2.0,"c":[1e400,-0.0,100.0],"d":123456789012345678901234567890,"__proto__":{"x":1.5}}');
  assert.throws(() => parseJsonExact('{"a":1.0,}'), /position 9/);
  assert.equal(formatJsonFloat(1e21), '1e+21');
});

test('isIsoDate accepts exactly the calendar dates that exist (the same as Date reads them back)', async () => {
  const { isIsoDate } = await import('../../../main/engine/rules/lossless-columns.js');
  const reference = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  const texts = ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2024-04-31', '2024-12-31', '2024-13-01', '2024-00-10', '2024-01-00', '24-01-01', '2024-1-01', '2024-01-0a', '0000-01-01', '9999-12-31', ' 2024-01-01'];
  for (let day = 1; day <= 32; day++) for (const month of ['01', '02', '06', '11']) texts.push(`2023-${month}-${String(day).padStart(2, '0')}`);
  for (const text of texts) assert.equal(isIsoDate(text), reference(text), text);
});
