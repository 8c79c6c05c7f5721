import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { AppService } from '../../../main/app/service.js';
import { tempDir } from '../../helpers/paths.js';

describe('the data grid through the app service (reader thread)', () => {
  const dir = tempDir('sluice-grid-service-');
  const service = new AppService({ mode: 'browser', home: path.join(dir, 'home') });
  after(() => service.close());
  const writer = new Database(service.dbPath);
  writer.exec(`CREATE TABLE t (id INTEGER, name TEXT, score REAL)`);
  writer.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t SELECT i, 'name ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE i / 10.0 END FROM n`).run();
  writer.close();

  test('pages, counts, typed columns and profiles come back from the reader thread', async () => {
    const tables = await service.invoke('tables/list', {});
    assert.deepEqual(tables.ok && tables.value, [{ name: 't', rowCount: 5000 }]);
    const page = await service.invoke('grid/page', { query: { table: 't', sort: { column: 'score', descending: true } }, offset: 4990, limit: 20 });
    assert.ok(page.ok, JSON.stringify(page));
    assert.deepEqual(page.value.columns, [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'score', type: 'number' }]);
    // NULLs sort first ascending, so last descending: the deep tail of the view is the NULL scores.
    assert.equal(page.value.rows.length, 10);
    assert.ok(page.value.rows.every((row) => row[2] === null));
    const filtered = { table: 't', columnFilters: [{ column: 'score', op: 'null' as const }] };
    await service.invoke('grid/page', { query: filtered, offset: 0, limit: 10 });
    let count = await service.invoke('grid/count', { query: filtered });
    while (count.ok && !count.value.complete) count = await service.invoke('grid/count', { query: filtered });
    assert.deepEqual(count.ok && count.value.rows, 714);
    const profile = await service.invoke('grid/profile', { query: { table: 't' }, column: 'score' });
    assert.ok(profile.ok);
    assert.equal(profile.value.nulls, 714);
  });

  test('a view replaced while it was asked for never delays or spoils the new one', async () => {
    const old = { table: 't', filter: 'name 12' };
    const replacing = { table: 't', filter: 'name 123' };
    const [stale, , fresh] = await Promise.all([
      service.invoke('grid/page', { query: old, offset: 0, limit: 5 }),
      service.invoke('grid/cancel', { query: old }),
      service.invoke('grid/page', { query: replacing, offset: 0, limit: 5 }),
    ]);
    // Skipped when the cancel arrived with it, answered when it came first: never an error of another kind.
    assert.ok(stale.ok || stale.error.code === 'CANCELLED', JSON.stringify(stale));
    assert.ok(fresh.ok, JSON.stringify(fresh));
    assert.deepEqual(fresh.value.rows.map((row) => row[1]), ['name 123', 'name 1230', 'name 1231', 'name 1232', 'name 1233']);
  });

  test('the older OFFSET-paged channel is answered by the reader thread too, with its own shape', async () => {
    const page = await service.invoke('tables/page', { table: 't', offset: 4998, limit: 10, orderBy: 'id' });
    assert.ok(page.ok, JSON.stringify(page));
    assert.equal(page.value.rows.length, 2);
    assert.equal(page.value.total, 5000);
  });

  test('a bad request and an unknown table fail with their codes', async () => {
    const bad = await service.call('grid/page', { query: { table: 't', columnFilters: [{ column: 'id', op: 'drop' }] }, offset: 0, limit: 1 });
    assert.equal(bad.ok ? null : bad.error.code, 'BAD_REQUEST');
    const missing = await service.call('grid/page', { query: { table: 'nope' }, offset: 0, limit: 1 });
    assert.equal(missing.ok ? null : missing.error.code, 'TABLE_NOT_FOUND');
  });
});
