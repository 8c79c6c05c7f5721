import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../../../main/engine/store/store.js';
import { tablePage } from '../../../main/engine/store/table-browser.js';
import { importInProcess } from '../../helpers/in-process-import.js';
import { tempDir } from '../../helpers/paths.js';

test('the Data screen gets each column\'s stored type, exact big integers and mixed values as JSON text', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'mixed.jsonl');
  fs.writeFileSync(file, '{"id":9007199254740993,"ok":true,"v":"a","o":{"a":1}}\n{"id":2,"ok":false,"v":[1],"o":{}}\n');
  const store = Store.open(path.join(dir, 'store.sqlite'));
  try {
    await importInProcess(store, file, 'mixed');
    const page = tablePage(store, { table: 'mixed', offset: 0, limit: 10 });
    assert.deepEqual(page.types, ['integer', 'boolean', 'any', 'object']);
    assert.deepEqual(page.rows, [['9007199254740993', 1, 'a', '{"a":1}'], [2, 0, '[1]', '{}']]);
  } finally {
    store.close();
  }
});
