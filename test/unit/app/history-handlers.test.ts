import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { AppService } from '../../../main/app/service.js';
import { CLI, tempDir } from '../../helpers/paths.js';

function scalar(dbPath: string, sql: string): unknown {
  const store = new Database(dbPath, { readonly: true });
  try {
    return store.prepare(sql).pluck().get();
  } finally {
    store.close();
  }
}

describe('app: the import plan and undo channels', () => {
  const dir = tempDir('sluice-app-history-');
  const home = path.join(dir, 'home');
  const db = path.join(home, 'sluice.sqlite');
  const people = path.join(dir, 'people.csv');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(people, 'id,name\n1,ann\n2,bob\n');
  execFileSync(process.execPath, [CLI, 'import', people, '--db', db]);
  // The data file lies outside the home folder: the service is given its folder, as `--allow` would.
  const service = new AppService({ mode: 'browser', home, userHome: path.join(dir, 'user'), allow: [dir] });
  after(() => service.close());

  test('import/plan says what an import will do before anything is written, refusals included', async () => {
    assert.ok((await service.invoke('files/open', { path: people })).ok);
    const again = await service.invoke('import/plan', { path: people });
    assert.ok(again.ok);
    assert.equal(again.value.action, 'refuse');
    assert.equal(again.value.refusal?.code, 'ALREADY_IMPORTED');
    const keyed = await service.invoke('import/plan', { path: people, ruleFile: { primaryKey: 'id', fields: [{ name: 'id', type: 'integer' }, { name: 'name' }] } });
    assert.ok(keyed.ok);
    assert.deepEqual([keyed.value.action, keyed.value.key, keyed.value.keySource], ['upsert', ['id'], 'rule file']);
    const fresh = await service.invoke('import/plan', { path: people, table: 'other' });
    assert.deepEqual(fresh.ok && [fresh.value.action, fresh.value.message], ['create', 'create table "other"']);
    assert.equal(scalar(db, 'SELECT count(*) FROM _sluice_imports'), 1, 'planning wrote nothing');
  });

  test('undo preview counts exactly without changing anything; forgetting undo data keeps the rows', async () => {
    const preview = await service.invoke('imports/undo-preview', { importId: 1 });
    assert.ok(preview.ok);
    assert.deepEqual([preview.value.rowsRemoved, preview.value.rowsRestored], [2, 0]);
    const rows = () => scalar(db, 'SELECT count(*) FROM people');
    assert.equal(rows(), 2, 'the preview rolled back');
    assert.ok((await service.invoke('imports/forget', { importId: 1 })).ok);
    assert.equal(rows(), 2, 'forgetting never deletes rows');
    const refused = await service.invoke('imports/undo', { importId: 1 });
    assert.equal(refused.ok ? null : refused.error.code, 'UNDO_REFUSED');
  });
});
