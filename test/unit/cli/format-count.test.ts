import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCount } from '../../../main/cli/output.js';

test('counts print exactly as toLocaleString("en-US") prints them', () => {
  for (const value of [0, -0, 7, 999, 1000, 12345, 1_000_000, 989_942, Number.MAX_SAFE_INTEGER, -1234, 1.5, 2 ** 60, Number.NaN, Infinity]) {
    assert.equal(formatCount(value), value.toLocaleString('en-US'), String(value));
  }
  fc.assert(fc.property(fc.maxSafeNat(), (value) => formatCount(value) === value.toLocaleString('en-US')), { numRuns: 2000 });
});
