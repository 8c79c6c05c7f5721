import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppService } from '../../../main/app/service.js';
import { runImport } from '../../../main/engine/pipeline/run-import.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';

/** The Quarantine screen's channels, as the app calls them (bulk jobs run in their thread). */
describe('quarantine channels', () => {
  const dir = tempDir('sluice-quarantine-channels-');
  const dbPath = path.join(dir, 'store.sqlite');
  const rules = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'customers.rules.json'), 'utf8')) as { fields: { name: string; constraints?: { enum?: string[] } }[] };
  let service: AppService;
  let importId = 0;

  before(async () => {
    importId = (await runImport({ sourcePath: path.join(SAMPLES, 'customers.csv'), dbPath, schema: rules, workers: 1 })).importId;
    service = new AppService({ mode: 'browser', home: path.join(dir, 'home'), dbPath });
  });
  after(() => service.close());

  const call = async <T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> => {
    const result = await promise;
    if (!result.ok) assert.fail(result.error.message);
    return result.value;
  };

  test('facets count rows per rule, field and status; a row reads as fields', async () => {
    const facets = await call(service.invoke('quarantine/facets', { importId }));
    assert.deepEqual(facets.statuses, { open: 8, fixed: 0, dismissed: 0, undone: 0 });
    assert.deepEqual(facets.rules.find((r) => r.rule === 'row-shape'), { rule: 'row-shape', count: 1 });
    const page = await call(service.invoke('quarantine/page', { importId, offset: 0, limit: 10, rule: 'type', field: 'age' }));
    const detail = await call(service.invoke('quarantine/row', { id: page.rows[0]!.id }));
    assert.equal(detail.values?.[5], 'abc');
  });

  test('undoing a detail-pane edit puts back the exact text and reasons, whether the edit fixed the row or not', async () => {
    const page = await call(service.invoke('quarantine/page', { importId, offset: 0, limit: 10, rule: 'type', field: 'age' }));
    const before = page.rows[0]!;
    const parentCounters = async () => (await call(service.invoke('imports/list', {}))).find((item) => item.id === importId)!.counters;
    const countersBefore = await parentCounters();
    const detail = await call(service.invoke('quarantine/row', { id: before.id }));
    const stillBad = detail.values!.map((value, i) => (i === 5 ? 'xyz' : value));
    assert.equal((await call(service.invoke('quarantine/edit', { id: before.id, values: stillBad }))).fixed, false);
    const fixedValues = detail.values!.map((value, i) => (i === 5 ? '41' : value));
    assert.equal((await call(service.invoke('quarantine/edit', { id: before.id, values: fixedValues }))).fixed, true);
    const edits = (await call(service.invoke('imports/list', {}))).filter((item) => item.parentImportId === importId && item.quarantineFix === 'edit');
    assert.equal(edits.length, 2, 'each saved edit is a child import that undo can take back');
    for (const edit of edits.sort((a, b) => b.id - a.id)) await call(service.invoke('imports/undo', { importId: edit.id }));
    const after = await call(service.invoke('quarantine/row', { id: before.id }));
    assert.deepEqual([after.row.raw, after.row.originalRaw, after.row.status, after.row.errors], [before.raw, null, 'open', before.errors]);
    const countersAfter = await parentCounters();
    assert.deepEqual(
      [countersAfter.rowsInserted, countersAfter.rowsUpdated, countersAfter.rowsQuarantined],
      [countersBefore.rowsInserted, countersBefore.rowsUpdated, countersBefore.rowsQuarantined],
      "the history's counts for the import are back to what they were",
    );
  });

  test('a field edit retried with the Rules draft: the draft decides, and the row is fixed', async () => {
    const page = await call(service.invoke('quarantine/page', { importId, offset: 0, limit: 10, rule: 'enum' }));
    const detail = await call(service.invoke('quarantine/row', { id: page.rows[0]!.id }));
    const same = await call(service.invoke('quarantine/edit', { id: detail.row.id, values: detail.values! }));
    assert.equal(same.fixed, false, "with the import's rules enterprise still fails");
    const draft = structuredClone(rules);
    draft.fields.find((f) => f.name === 'plan')!.constraints!.enum!.push('enterprise');
    const withDraft = await call(service.invoke('quarantine/edit', { id: detail.row.id, values: detail.values!, draft }));
    assert.deepEqual(withDraft, { fixed: true });
  });

  test('bulk fix dry run, apply, dismiss and re-validate go through their thread and report what they did', async () => {
    const operation = { kind: 'replace' as const, pattern: '^USA$', with: 'US' };
    const dry = await call(service.invoke('quarantine/fix', { importId, field: 'country', operation, dryRun: true }));
    assert.deepEqual(dry, { importId: null, matched: 1, changed: 1, fixed: 1, stillFailing: 0 });
    const real = await call(service.invoke('quarantine/fix', { importId, field: 'country', operation }));
    assert.equal(real.fixed, 1);
    assert.notEqual(real.importId, null);
    assert.deepEqual(await call(service.invoke('quarantine/dismiss', { importId, rule: 'row-shape', reason: 'short row' })), { dismissed: 1 });
    const retried = await call(service.invoke('quarantine/revalidate', { importId }));
    assert.deepEqual([retried.retried, retried.fixed], [5, 0]);
    const facets = await call(service.invoke('quarantine/facets', { importId, status: 'all' }));
    assert.deepEqual(facets.statuses, { open: 5, fixed: 2, dismissed: 1, undone: 0 });
    const list = await call(service.invoke('imports/list', {}));
    assert.deepEqual(list.find((item) => item.id === real.importId)?.quarantineFix, 'fix: replace country');
  });
});
