import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPatternSafety, MAX_PATTERN_CHARS } from '../../../main/engine/rules/index.js';

test('catastrophic patterns are refused', () => {
  for (const pattern of ['(a+)+', '(a*)*b', '(\\w+\\s?)+$', '(a|aa)+', '(\\w|\\d)+', '(x+x+)+y', '(\\d{1,3})+', '(a)\\1', '(?<x>a)\\k<x>']) {
    assert.notEqual(checkPatternSafety(pattern), null, pattern);
  }
  assert.match(checkPatternSafety('a'.repeat(MAX_PATTERN_CHARS + 1)) ?? '', /limit is 1000/);
  assert.match(checkPatternSafety('a', 'g') ?? '', /flags/);
});

test('everyday patterns are accepted', () => {
  for (const pattern of ['[A-Z]{2}', '\\d{5}(-\\d{4})?', '(\\d{1,3}\\.){3}\\d{1,3}', '[a-z]+(_[a-z]+)?', '(foo|bar)+', '^\\S+@\\S+$', '[^,]*', '(?:ab)+', '\\p{L}+']) {
    assert.equal(checkPatternSafety(pattern, pattern.includes('\\p') ? 'u' : ''), null, pattern);
  }
});
