import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkPatternSafety, linearRegex, MAX_PATTERN_CHARS, parseRuleFile } from '../../../main/engine/rules/index.js';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { tempDir } from '../../helpers/paths.js';
import { one, rulesError } from './rules-harness.js';

// Issue 13, hole 4: V8 took 11 s on 31 characters for the first, 128 s on 400 for the second, 114 s on 300 for the third.
const SLOW_PATTERNS = ['(a|b?a)+', 'a*a*a*a*a*b', '.*.*.*.*.*='];
const TEN_KB = 10 * 1024;

test('the three patterns that froze V8 run on RE2 and answer correctly on 10 kB values', () => {
  const [alternation, stars, dots] = SLOW_PATTERNS.map((pattern) => linearRegex(pattern)) as [ReturnType<typeof linearRegex>, ReturnType<typeof linearRegex>, ReturnType<typeof linearRegex>];
  const as = 'a'.repeat(TEN_KB);
  assert.equal(alternation.testWhole(as), true);
  assert.equal(alternation.testWhole(`${as}!`), false);
  assert.equal(alternation.testWhole(`${'ba'.repeat(TEN_KB / 2)}`), true);
  assert.equal(stars.testWhole(as), false);
  assert.equal(stars.testWhole(`${as}b`), true);
  assert.equal(dots.testWhole('x'.repeat(TEN_KB)), false);
  assert.equal(dots.testWhole(`${'x'.repeat(TEN_KB)}=`), true);
});

test('pattern constraints, matches() and replace all run on the linear engine', () => {
  const value = 'a'.repeat(TEN_KB);
  assert.deepEqual(one({ constraints: { pattern: 'a*a*a*a*a*b' } }, value).rules, ['f:pattern']);
  assert.deepEqual(one({ constraints: { pattern: '(a|b?a)+' } }, value).rules, []);
  const rowRule = { fields: [{ name: 'f' }], 'sluice:rowRules': [{ name: 'r', expr: 'matches(f, ".*.*.*.*.*=")' }] };
  assert.doesNotThrow(() => parseRuleFile(rowRule));
  assert.ok(one({ 'sluice:transforms': [{ op: 'replace', pattern: '(a|b?a)+', with: 'x' }] }, `${value}!`).value === 'x!');
  assert.equal(one({ 'sluice:transforms': [{ op: 'replace', pattern: '(\\d+)-(\\d+)', with: '$2-$1' }] }, '12-34').value, '34-12');
});

test('Table Schema patterns match the whole value', () => {
  assert.deepEqual(one({ constraints: { pattern: '[0-9]{5}' } }, '12345').rules, []);
  assert.deepEqual(one({ constraints: { pattern: '[0-9]{5}' } }, 'x12345').rules, ['f:pattern']);
  assert.deepEqual(one({ constraints: { pattern: '[0-9]{5}' } }, '123456').rules, ['f:pattern']);
  assert.deepEqual(one({ constraints: { pattern: 'a|b' } }, 'ab').rules, ['f:pattern']);
});

test('a pattern RE2 cannot run is refused when the rule file loads, with its JSON path', () => {
  assert.match(rulesError(() => parseRuleFile({ fields: [{ name: 'f', constraints: { pattern: '(a)\\1' } }] })), /fields\[0\]\.constraints\.pattern/);
  assert.match(rulesError(() => parseRuleFile({ fields: [{ name: 'f', constraints: { pattern: 'a(?=b)' } }] })), /no backreferences or lookaround/);
  const replace = { fields: [{ name: 'f', 'sluice:transforms': [{ op: 'replace', pattern: '(?<=a)b', with: '' }] }] };
  assert.match(rulesError(() => parseRuleFile(replace)), /fields\[0\]\.sluice:transforms\[0\]\.pattern/);
  const matches = { fields: [{ name: 'f' }], 'sluice:rowRules': [{ name: 'r', expr: 'matches(f, "(x)\\\\1")' }] };
  assert.match(rulesError(() => parseRuleFile(matches)), /sluice:rowRules\[0\]/);
  assert.match(checkPatternSafety('a'.repeat(MAX_PATTERN_CHARS + 1)) ?? '', /limit is 1000/);
  assert.match(checkPatternSafety('a', 'g') ?? '', /flags/);
});

test('everyday patterns, including JavaScript-style \\u escapes and \\p{L}, are accepted', () => {
  for (const pattern of ['[A-Z]{2}', '\\d{5}(-\\d{4})?', '(\\d{1,3}\\.){3}\\d{1,3}', '[a-z]+(_[a-z]+)?', '(foo|bar)+', '\\S+@\\S+', '[^,]*', '(?:ab)+', '\\p{L}+', '(a+)+', '\\u00e9t\\u00E9']) {
    assert.equal(checkPatternSafety(pattern), null, pattern);
  }
  assert.equal(linearRegex('\\u00e9t\\u00e9').testWhole('été'), true);
  assert.equal(linearRegex('\\\\u00e9').testWhole('\\u00e9'), true, 'an escaped backslash followed by u stays literal');
  assert.equal(linearRegex('caf.', 'i').testWhole('CAFÉ'), true);
});

test('a 2-row import whose pattern froze V8 completes, with the right row quarantined', async () => {
  const dir = tempDir('sluice-linear-regex-');
  const source = path.join(dir, 'slow.csv');
  fs.writeFileSync(source, `id,code\n1,${'a'.repeat(TEN_KB)}\n2,${'a'.repeat(TEN_KB)}b\n`);
  const dbPath = path.join(dir, 'store.sqlite');
  const schema = { fields: [{ name: 'id', type: 'integer' }, { name: 'code', constraints: { pattern: 'a*a*a*a*a*b' } }] };
  const summary = await runImport({ sourcePath: source, dbPath, schema, workers: 1 });
  assert.equal(summary.status, 'completed');
  const db = new Database(dbPath, { readonly: true });
  try {
    const ids = db.prepare(`SELECT id FROM "${summary.table}" ORDER BY id`).pluck().all();
    assert.deepEqual(ids, [2]);
  } finally {
    db.close();
  }
  assert.equal(summary.rowsQuarantined, 1);
});

test('date/time formats with many variable-width directives run on RE2: no exponential backtracking, same results', () => {
  // Found while fixing issue 13: 28 × %-d against 42 digits and an "x" took 29 s in V8's engine.
  const adversarial = one({ type: 'date', format: '%-d'.repeat(28) }, `${'1'.repeat(42)}x`);
  assert.deepEqual(adversarial.rules, ['f:type']);
  const format = '%-d/%-m/%Y %-H:%M:%S.%f';
  assert.equal(one({ type: 'datetime', format }, '5/3/2024 7:08:09.123').value, one({ type: 'datetime', format: '%d/%m/%Y %H:%M:%S.%f' }, '05/03/2024 07:08:09.123').value);
  assert.deepEqual(one({ type: 'datetime', format }, '5/3/2024 7:08:09').rules, ['f:type']);
});
