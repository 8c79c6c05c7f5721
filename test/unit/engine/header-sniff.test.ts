/**
 * Whether a CSV's first line is its header. A header that holds a number ("1", "2024") is still a header when
 * the columns below say so (text above numbers); a first line of the same kinds as the rows below is data.
 * A wrong guess would turn a header into a row (or the first row into column names) without a word.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sniffSource } from '../../../main/engine/source/sniff.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();
let n = 0;

async function hasHeader(text: string): Promise<boolean> {
  const file = path.join(dir, `sniff-${++n}.csv`);
  fs.writeFileSync(file, text);
  return (await sniffSource(file)).dialect.hasHeader;
}

test('a header holding a number is a header when text sits above a column of numbers, dates or booleans', async () => {
  assert.equal(await hasHeader('name,1,flag\nada,5,true\nbob,7,false\n'), true);
  assert.equal(await hasHeader('id,2024\n1,5.5\n2,6.25\n'), true);
  assert.equal(await hasHeader('when,1\n2024-01-31,a\n2024-02-01,b\n'), true);
  assert.equal(await hasHeader('bé,1\n-7,\n,9007199254740993\n42,007\n'), true);
});

test('a first line of the same kinds as the rows below is data', async () => {
  assert.equal(await hasHeader('1,2\n3,4\n'), false);
  assert.equal(await hasHeader('1,ada,2024-01-31\n2,bob,2024-02-01\n'), false);
  assert.equal(await hasHeader('true,5\nfalse,6\n'), false);
  assert.equal(await hasHeader('42\n'), false);
});

test('a plain text header is a header, as before', async () => {
  assert.equal(await hasHeader('id,name\n1,ada\n'), true);
  assert.equal(await hasHeader('a,b\nc,d\n'), true);
  assert.equal(await hasHeader('name\n'), true);
});
