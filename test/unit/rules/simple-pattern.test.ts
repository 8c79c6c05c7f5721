import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { simpleWholeRegex } from '../../../main/engine/rules/simple-pattern.js';
import { linearRegex } from '../../../main/engine/rules/index.js';

/** Pieces of the subset, and a few just outside it, so generated patterns hit both sides of the line. */
const ATOMS = ['a', 'Z', '7', '-', ' ', '@', '_', '\\d', '\\w', '\\.', '\\-', '\\\\', '[A-Z]', '[a-z0-9]', '[xyz]', '[0-9_]', '[.+]', '.', '[^a]', 'é', '\\s', '(a)', 'a|b'];
const QUANTIFIERS = ['', '', '', '?', '*', '+', '{2}', '{1,3}', '{0,}', '{2,}', '{3,1}', '*?', '{,2}'];
/** Characters the values are made of: the atoms' own, their near misses, and what only one engine might treat specially. */
const VALUE_CHARS = ['a', 'b', 'x', 'Z', '7', '0', '-', ' ', '@', '_', '.', '\\', '+', '\n', '\r', 'é', 'É', '\u00a0', '\u212a', '\ud83d\ude00', '\ud800', 'ſ'];

const patternArb = fc.array(fc.tuple(fc.constantFrom(...ATOMS), fc.constantFrom(...QUANTIFIERS)), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.map(([atom, quantifier]) => atom + quantifier).join(''));
const valueArb = fc.array(fc.constantFrom(...VALUE_CHARS), { maxLength: 8 }).map((chars) => chars.join(''));

function re2Accepts(pattern: string): RE2JS | null {
  try {
    return RE2JS.compile(pattern);
  } catch {
    return null;
  }
}

test('where the native shortcut applies, it answers exactly as RE2 does, for every value', () => {
  let covered = 0;
  fc.assert(
    fc.property(patternArb, fc.array(valueArb, { minLength: 1, maxLength: 12 }), (pattern, values) => {
      const re2 = re2Accepts(pattern);
      const simple = simpleWholeRegex(pattern, '');
      if (re2 === null) {
        // A pattern RE2 refuses never reaches the shortcut (the rule file is refused first); it must not be taken as simple either.
        assert.equal(simple, null, pattern);
        return;
      }
      if (simple === null) return;
      covered += 1;
      for (const value of values) assert.equal(simple.test(value), re2.testExact(value), `${pattern} on ${JSON.stringify(value)}`);
    }),
    { numRuns: 3000 },
  );
  assert.ok(covered > 300, `only ${covered} generated patterns were in the subset`);
});

test('the shortcut takes the usual simple patterns and leaves everything else to RE2', () => {
  for (const pattern of ['[A-Z]{2}', '\\d{3}-\\d{4}', '[a-z0-9_]+', 'ID-[0-9]{1,6}', '[A-Z]{3}\\.[0-9]*']) {
    assert.notEqual(simpleWholeRegex(pattern, ''), null, pattern);
  }
  for (const pattern of [
    'a*a*a*a*a*b', // more than one unbounded repeat: backtracking could grow with the value
    '(a|b?a)+', 'a|b', '.*', '[^,]+', '\\s+', 'é+', '[a-]', 'a{1,3}?', // outside the subset
    'a?'.repeat(7), // 128 bounded choices
  ]) {
    assert.equal(simpleWholeRegex(pattern, ''), null, pattern);
  }
  assert.equal(simpleWholeRegex('[A-Z]{2}', 'i'), null, 'flags go to RE2');
});

test('a pattern constraint answers the same through either engine on the values that matter', () => {
  const country = linearRegex('[A-Z]{2}');
  assert.deepEqual(['DE', 'de', 'DEU', 'D', '', 'DE\n', 'ÄÖ'].map((value) => country.testWhole(value)), [true, false, false, false, false, false, false]);
});
