import { test } from 'node:test';
import assert from 'node:assert/strict';
import { one } from './rules-harness.js';

test('integer: leading zeros, signs, big values and junk', () => {
  assert.equal(one({ type: 'integer' }, '007').value, 7);
  assert.equal(one({ type: 'integer' }, '-42').value, -42);
  assert.equal(one({ type: 'integer' }, '+5').value, 5);
  assert.equal(one({ type: 'integer' }, '9007199254740993').value, 9007199254740993n);
  assert.deepEqual(one({ type: 'integer' }, '99999999999999999999').rules, ['f:range']);
  assert.deepEqual(one({ type: 'integer' }, '1.5').rules, ['f:type']);
  assert.deepEqual(one({ type: 'integer' }, '1e3').rules, ['f:type']);
  assert.deepEqual(one({ type: 'integer' }, 'abc').messages, ['f: "abc" is not an integer']);
});

test('integer and number: groupChar, decimalChar and bareNumber', () => {
  assert.equal(one({ type: 'integer', groupChar: ',' }, '1,234,567').value, 1234567);
  assert.equal(one({ type: 'number', groupChar: '.', decimalChar: ',' }, '1.234,5').value, 1234.5);
  assert.equal(one({ type: 'number', bareNumber: false }, '$12.50').value, 12.5);
  assert.equal(one({ type: 'number', bareNumber: false }, '15 %').value, 15);
  assert.equal(one({ type: 'integer', bareNumber: false }, '-$5').value, -5);
  assert.deepEqual(one({ type: 'number' }, '$12.50').rules, ['f:type']);
});

test('number: exponents, special values, overflow', () => {
  assert.equal(one({ type: 'number' }, '1e3').value, 1000);
  assert.equal(one({ type: 'number' }, '-.5').value, -0.5);
  assert.equal(one({ type: 'number' }, 'INF').value, Infinity);
  assert.deepEqual(one({ type: 'number' }, '1e400').rules, ['f:range']);
  assert.deepEqual(one({ type: 'number' }, '1,5').rules, ['f:type']);
});

test('boolean: defaults and custom trueValues/falseValues, stored as 1/0', () => {
  assert.equal(one({ type: 'boolean' }, 'true').value, 1);
  assert.equal(one({ type: 'boolean' }, '0').value, 0);
  assert.deepEqual(one({ type: 'boolean' }, 'yes').rules, ['f:type']);
  assert.equal(one({ type: 'boolean', trueValues: ['Y'], falseValues: ['N'] }, 'N').value, 0);
  assert.equal(one({ type: 'boolean' }, true, 'jsonl').value, 1);
});

test('dates: ISO default, any, and strftime patterns become ISO text', () => {
  assert.equal(one({ type: 'date' }, '2024-02-29').value, '2024-02-29');
  assert.deepEqual(one({ type: 'date' }, '2023-02-29').rules, ['f:type']);
  assert.deepEqual(one({ type: 'date' }, '2024-2-1').messages, ['f: "2024-2-1" is not a date (expected YYYY-MM-DD)']);
  assert.equal(one({ type: 'date', format: '%d/%m/%Y' }, '31/12/2023').value, '2023-12-31');
  assert.equal(one({ type: 'date', format: '%d/%m/%Y' }, '1/2/2023').value, '2023-02-01');
  assert.deepEqual(one({ type: 'date', format: '%d/%m/%Y' }, '12/31/2023').rules, ['f:type']);
  assert.equal(one({ type: 'date', format: '%d %b %Y' }, '3 Jan 2024').value, '2024-01-03');
  assert.equal(one({ type: 'date', format: 'any' }, 'March 5, 2021').value, '2021-03-05');
  assert.equal(one({ type: 'date', format: 'any' }, '2021/03/05').value, '2021-03-05');
  assert.deepEqual(one({ type: 'date', format: 'any' }, '05/03/2021').rules, ['f:type'], 'D/M vs M/D is never guessed');
});

test('datetime and time: offsets fold into UTC; 12-hour clock', () => {
  assert.equal(one({ type: 'datetime' }, '2024-01-01T10:00:00Z').value, '2024-01-01T10:00:00Z');
  assert.equal(one({ type: 'datetime' }, '2024-01-01T01:30:00+02:00').value, '2023-12-31T23:30:00Z');
  assert.equal(one({ type: 'datetime' }, '2024-01-01T10:00:00.250').value, '2024-01-01T10:00:00.250');
  assert.deepEqual(one({ type: 'datetime' }, '2024-01-01 10:00:00').rules, ['f:type']);
  assert.equal(one({ type: 'datetime', format: 'any' }, '2024-01-01 10:00').value, '2024-01-01T10:00:00');
  assert.equal(one({ type: 'datetime', format: '%d/%m/%Y %I:%M %p' }, '02/01/2024 3:05 PM').value, '2024-01-02T15:05:00');
  assert.equal(one({ type: 'time' }, '23:59:59').value, '23:59:59');
  assert.deepEqual(one({ type: 'time' }, '24:00:00').rules, ['f:type']);
  assert.equal(one({ type: 'time', format: 'any' }, '7:15 pm').value, '19:15:00');
});

test('year, yearmonth, duration, geopoint, object, array, any', () => {
  assert.equal(one({ type: 'year' }, '2024').value, 2024);
  assert.deepEqual(one({ type: 'year' }, '24').rules, ['f:type']);
  assert.equal(one({ type: 'yearmonth' }, '2024-02').value, '2024-02');
  assert.equal(one({ type: 'duration' }, 'P1DT2H').value, 'P1DT2H');
  assert.deepEqual(one({ type: 'duration' }, 'P').rules, ['f:type']);
  assert.equal(one({ type: 'geopoint' }, '2.35, 48.85').value, '2.35,48.85');
  assert.deepEqual(one({ type: 'geopoint' }, '200, 48').rules, ['f:type']);
  assert.equal(one({ type: 'object' }, '{"a": 1}').value, '{"a":1}');
  assert.equal(one({ type: 'array' }, [1, 2], 'jsonl').value, '[1,2]');
  assert.deepEqual(one({ type: 'array' }, '{"a": 1}').rules, ['f:type']);
  // `any` keeps each JSON value's kind: objects as the BLOB of their JSON text (cell-format.ts reads it back).
  assert.equal(Buffer.from(one({ type: 'any' }, { a: true }, 'jsonl').value as Uint8Array).toString(), '{"a":true}');
  assert.equal(one({ type: 'any' }, 'x').value, 'x');
});

test('string formats: email, uri, uuid', () => {
  assert.deepEqual(one({ format: 'email' }, 'a@b.co').rules, []);
  assert.deepEqual(one({ format: 'email' }, 'a@b').messages, ['f: "a@b" is not a valid email address']);
  assert.deepEqual(one({ format: 'uri' }, 'https://x.org/a?b').rules, []);
  assert.deepEqual(one({ format: 'uri' }, 'not a uri').rules, ['f:format']);
  assert.deepEqual(one({ format: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000').rules, []);
  assert.deepEqual(one({ format: 'uuid' }, '123e4567').rules, ['f:format']);
});

test('JSONL values: numbers stay numbers, numbers accepted as strings, null is missing', () => {
  assert.equal(one({ type: 'integer' }, 12, 'jsonl').value, 12);
  assert.deepEqual(one({ type: 'integer' }, 1.5, 'jsonl').rules, ['f:type']);
  assert.equal(one({ type: 'string' }, 12, 'jsonl').value, '12');
  assert.equal(one({ type: 'integer' }, null, 'jsonl').value, null);
  assert.equal(one({ type: 'integer' }, undefined, 'jsonl').value, null);
  assert.deepEqual(one({ type: 'string' }, { a: 1 }, 'jsonl').rules, ['f:type']);
});
