import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_CHANNELS, isChannel } from '../../../main/app/contract.js';
import { BadRequest, validateRequest } from '../../../main/app/validate.js';

describe('contract argument validation', () => {
  test('every channel has a validator that accepts a well-formed request', () => {
    const examples: Record<(typeof API_CHANNELS)[number], unknown> = {
      'app/info': {},
      'files/recent': {},
      'files/open': { path: '/data/a.csv' },
      'files/preview': { path: '/data/a.csv', overrides: { delimiter: ';', hasHeader: false } },
      'rules/preview': { path: '/data/a.csv', draft: { fields: [] } },
      'rules/load': { path: '/data/a.rules.json' },
      'rules/save': { path: '/data/a.rules.json', ruleFile: { fields: [] }, overwrite: true },
      'rules/sql': { path: '/data/a.csv', ruleFile: { fields: [] }, target: 'spark' },
      'import/start': { path: '/data/a.csv', table: 'a', failure: { mode: 'soft', maxErrors: 10 }, restart: true },
      'import/resume': { importId: 3 },
      'import/control': { importId: 3, action: 'pause' },
      'import/state': { importId: 3 },
      'imports/list': {},
      'quarantine/page': { importId: 1, offset: 0, limit: 100, rule: 'enum', field: 'plan' },
      'quarantine/summary': { importId: 1 },
      'quarantine/retry': { id: 7, raw: '1,a,b' },
      'quarantine/revalidate': { importId: 1 },
      'quarantine/facets': { importId: 1, status: 'all' },
      'quarantine/row': { id: 7 },
      'quarantine/edit': { id: 7, values: ['1', 'a'] },
      'quarantine/fix': { importId: 1, field: 'plan', rule: 'enum', operation: { kind: 'map', pairs: [['enterprise', 'team']] }, dryRun: true },
      'quarantine/dismiss': { importId: 1, rule: 'enum', reason: 'handled by hand' },
      'tables/list': {},
      'tables/page': { table: 'a', offset: 0, limit: 50, orderBy: 'id', descending: true, filter: '' },
      'tables/drop-preview': { table: 'a' },
      'tables/drop': { table: 'a' },
      'export/start': { kind: 'table', table: 'a', path: '/tmp/a.csv', format: 'csv', overwrite: false, columns: ['id'], view: { filter: 'x', sort: { column: 'id', descending: true } }, delimiter: ';', newline: 'lf', header: false, encoding: 'windows-1252' },
      'grid/page': {
        query: { table: 'a', sort: { column: 'id', descending: true }, filter: 'x', columnFilters: [{ column: 'age', op: 'range', min: '18' }, { column: 'email', op: 'null' }] },
        offset: 900_000,
        limit: 200,
      },
      'grid/count': { query: { table: 'a', columnFilters: [{ column: 'plan', op: 'equals', value: 'pro' }] } },
      'grid/cancel': { query: { table: 'a', filter: 'zebra' } },
      'grid/profile': { query: { table: 'a' }, column: 'age' },
      'files/forget': { path: '/data/a.csv' },
      'imports/hide': { importId: 2 },
      'import/plan': { path: '/data/a.csv', table: 'a' },
      'imports/undo-preview': { importId: 2, cascade: true },
      'imports/undo': { importId: 2, dropTable: true },
      'imports/forget': { importId: 2 },
      'imports/log': { importId: 1, afterSeq: 10, minLevel: 'warn' },
      'imports/trace': { importId: 1 },
      'imports/warnings': { importId: 1 },
    };
    for (const channel of API_CHANNELS) assert.doesNotThrow(() => validateRequest(channel, examples[channel]), channel);
  });

  test('malformed requests are refused with a message naming the problem', () => {
    const refuse = (channel: (typeof API_CHANNELS)[number], request: unknown, message: RegExp) =>
      assert.throws(() => validateRequest(channel, request), (error: unknown) => error instanceof BadRequest && message.test(error.message));
    refuse('files/open', {}, /^path must be present/);
    refuse('files/open', { path: 42 }, /^path must be a string/);
    refuse('files/open', { path: '/a\0b' }, /NUL/);
    refuse('files/open', { path: '/a', extra: true }, /^extra must be absent/);
    refuse('files/open', [], /request must be an object/);
    refuse('import/control', { importId: 1, action: 'explode' }, /action must be one of pause, resume, cancel/);
    refuse('grid/page', { query: { table: 'a', columnFilters: [{ column: 'x', op: 'like', value: '%' }] }, offset: 0, limit: 10 }, /columnFilters\[0\]\.op must be one of contains, equals, range, null, not-null/);
    refuse('grid/page', { query: { table: 'a', columnFilters: [{ column: 'x', op: 'range', min: 1 }] }, offset: 0, limit: 10 }, /columnFilters\[0\]\.min must be a string/);
    refuse('import/resume', { importId: 1.5 }, /importId must be an integer/);
    refuse('quarantine/page', { importId: 1, offset: 0, limit: 1_000_000 }, /limit must be an integer from 0 to 5000/);
    refuse('import/start', { path: '/a', failure: { mode: 'soft', maxErrors: -1 } }, /failure.maxErrors/);
    refuse('export/start', { kind: 'table', path: '/a.csv', format: 'csv' }, /^table must be present/);
    refuse('rules/sql', { path: '/a.csv', ruleFile: { fields: [] }, target: 'oracle' }, /target must be one of duckdb, spark/);
    refuse('rules/save', { path: '/a.json', ruleFile: 'x' }, /ruleFile must be a JSON object/);
    refuse('quarantine/fix', { importId: 1, field: 'plan', operation: { kind: 'shell', command: 'rm' } }, /operation.kind must be one of set, map/);
    refuse('quarantine/fix', { importId: 1, field: 'plan', operation: { kind: 'map', pairs: [['a']] } }, /operation.pairs\[0\] must be an \[old, new\] pair/);
    refuse('quarantine/dismiss', { importId: 1, reason: '' }, /^reason must be a non-empty string/);
    refuse('export/start', { kind: 'table', table: 't', path: '/a.csv', format: 'csv', overwrite: 'yes' }, /^overwrite must be true or false/);
    refuse('export/start', { kind: 'table', table: 't', path: '/a.csv', format: 'csv', delimiter: ':' }, /^delimiter must be one of/);
    refuse('export/start', { kind: 'table', table: 't', path: '/a.csv', format: 'csv', columns: 'id' }, /^columns must be a list/);
    refuse('export/start', { kind: 'table', table: 't', path: '/a.csv', format: 'csv', view: { table: 'u' } }, /^view\.table must be absent/);
    refuse('export/start', { kind: 'quarantine', importId: 1, path: '/a.csv', format: 'csv', columns: ['id'] }, /^columns must be absent/);
    refuse('export/start', { kind: 'table', table: 't', path: '/a.csv', format: 'csv', encoding: 'ebcdic' }, /^encoding must be one of utf-8, windows-1252/);
    refuse('export/start', { kind: 'quarantine', importId: 1, path: '/a.csv', format: 'csv', header: true }, /^header must be absent/);
  });

  test('inherited property names are unknown properties, not shape entries (own properties only)', () => {
    // Issue 13, hole 5: `key in shape` found Object.prototype's members, so these passed as if they were known.
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
      const request = JSON.parse(`{"path": "/a.csv", "${name}": 1}`) as unknown;
      assert.throws(
        () => validateRequest('files/open', request),
        (error: unknown) => error instanceof BadRequest && error.message === `${name} must be absent (unknown property).`,
        name,
      );
    }
    // A required key that exists only on the prototype chain is still missing.
    const inherited = Object.create({ path: '/a.csv' }) as unknown;
    assert.throws(() => validateRequest('files/open', inherited), /^BadRequest: path must be present/);
  });

  test('only contract channels are channels', () => {
    assert.equal(isChannel('files/open'), true);
    assert.equal(isChannel('fs/readFile'), false);
    assert.equal(isChannel(undefined), false);
  });
});
