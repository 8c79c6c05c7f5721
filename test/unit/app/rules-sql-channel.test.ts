import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AppService } from '../../../main/app/service.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';

describe('app service: rules/sql (Export as SQL…)', () => {
  const dir = tempDir('sluice-app-sql-');
  // The samples are granted with --allow, as the CLI would be; the temp folder is not.
  const service = new AppService({ mode: 'browser', home: path.join(dir, 'home'), userHome: path.join(dir, 'user'), allow: [SAMPLES] });
  after(() => service.close());
  const sample = path.join(SAMPLES, 'customers.csv');
  const rules = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'customers.rules.json'), 'utf8')) as Record<string, unknown>;

  test('only a file the user may read can be compiled for', async () => {
    const outside = path.join(dir, 'outside.csv');
    fs.writeFileSync(outside, 'a\n1\n');
    const refused = await service.invoke('rules/sql', { path: outside, ruleFile: { fields: [{ name: 'a' }] }, target: 'duckdb' });
    assert.equal(refused.ok ? null : refused.error.code, 'NOT_ALLOWED');
  });

  test('the rule draft comes back as SQL reading the opened file, for either target', async () => {
    assert.ok((await service.invoke('files/open', { path: sample })).ok);
    const duckdb = await service.invoke('rules/sql', { path: sample, ruleFile: rules, target: 'duckdb' });
    assert.ok(duckdb.ok);
    assert.match(duckdb.value.sql, /CREATE OR REPLACE TEMP VIEW "accepted"/);
    assert.ok(duckdb.value.sql.includes(`read_text('${sample}')`));
    const spark = await service.invoke('rules/sql', { path: sample, ruleFile: rules, target: 'spark' });
    assert.ok(spark.ok && spark.value.target === 'spark');
    assert.match(spark.value.sql, /USING text OPTIONS/);
  });

  test('a rule SQL cannot express comes back as RULES_INVALID naming its path', async () => {
    const titled = { ...rules, fields: [...(rules.fields as object[]), { name: 'nick', 'sluice:transforms': ['title'] }] };
    const refused = await service.invoke('rules/sql', { path: sample, ruleFile: titled, target: 'duckdb' });
    assert.equal(refused.ok ? null : refused.error.code, 'RULES_INVALID');
    assert.match(refused.ok ? '' : refused.error.message, /fields\[10\]\.sluice:transforms: title/);
  });
});
