import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileAccess } from '../../../main/app/file-access.js';
import { AppService } from '../../../main/app/service.js';
import { Settings } from '../../../main/app/settings.js';
import type { Result } from '../../../main/app/contract.js';
import { tempDir } from '../../helpers/paths.js';

/**
 * Issue 13, hole 3: `files/open`, `rules/load` and `rules/save` added any path
 * to the allow-list, `rules/load` of /etc/passwd echoed its first line, and an
 * export onto the store's -journal wedged the store. Every refused path here
 * is asserted to be refused with a message that holds none of the file's content.
 */
const SECRET = 'TOPSECRET-4711';
const PASSWD_LINE = 'root:x:0:0:root:/root:/bin/bash';

describe('file access in browser mode: allowed roots, hidden folders, system folders, writes', () => {
  const dir = tempDir('sluice-file-access-');
  const user = path.join(dir, 'user');
  const allowed = path.join(dir, 'allowed');
  const outside = path.join(dir, 'outside');
  let service: AppService;
  let hiddenAllowed: AppService;

  const write = (file: string, text: string): string => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  before(() => {
    write(path.join(user, 'data.csv'), 'id,name\n1,Ada\n');
    write(path.join(user, 'existing.csv'), 'keep me\n');
    write(path.join(user, 'existing.rules.json'), '{"fields":[]}\n');
    write(path.join(user, 'not-rules.rules.json'), `${PASSWD_LINE}\n${SECRET}\n`);
    write(path.join(user, '.ssh', 'id_rsa'), `${SECRET}\n`);
    write(path.join(user, '.config', 'app.json'), `{"secret":"${SECRET}"}`);
    write(path.join(allowed, 'b.csv'), 'id\n1\n');
    write(path.join(outside, 'secret.csv'), `id\n${SECRET}\n`);
    write(path.join(outside, 'secret.json'), `${SECRET}`);
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(user, 'innocent.csv'));
    fs.symlinkSync(outside, path.join(user, 'outlink'));
    fs.symlinkSync('/etc/passwd', path.join(user, 'passwd.csv'));
    const options = { mode: 'browser' as const, home: path.join(dir, 'app-home'), dbPath: path.join(user, 'store.sqlite'), userHome: user };
    service = new AppService({ ...options, allow: [allowed] });
    hiddenAllowed = new AppService({ ...options, home: path.join(dir, 'app-home-2'), dbPath: path.join(dir, 'store-2.sqlite'), allow: [path.join(user, '.ssh')] });
  });
  after(async () => {
    await service.close();
    await hiddenAllowed.close();
  });

  /** The refusal's code and message; fails when the call succeeded or the message leaks file content. */
  function refusal(result: Result<unknown>): { code: string; message: string } {
    assert.equal(result.ok, false, 'expected a refusal');
    const error = (result as { ok: false; error: { code: string; message: string } }).error;
    for (const content of [SECRET, 'root:x:0', '/bin/bash']) assert.ok(!error.message.includes(content), `message leaks file content: ${error.message}`);
    return error;
  }

  test('reads under the home folder and --allow folders work', async () => {
    assert.ok((await service.call('files/open', { path: path.join(user, 'data.csv') })).ok);
    assert.ok((await service.call('files/preview', { path: path.join(allowed, 'b.csv') })).ok);
    assert.ok((await service.call('rules/load', { path: path.join(user, 'existing.rules.json') })).ok);
  });

  test('reads outside the roots are refused by every channel, naming the --allow that would permit them', async () => {
    const target = path.join(outside, 'secret.csv');
    for (const [channel, request] of [
      ['files/open', { path: target }],
      ['files/preview', { path: target }],
      ['rules/preview', { path: target, draft: { fields: [] } }],
      ['rules/load', { path: path.join(outside, 'secret.json') }],
      ['import/start', { path: target }],
    ] as const) {
      const error = refusal(await service.call(channel, request));
      assert.equal(error.code, 'NOT_ALLOWED', channel);
      assert.match(error.message, new RegExp(`--allow ${outside}`), channel);
    }
  });

  test('system folders are never readable, and /etc/passwd is not echoed', async () => {
    for (const target of ['/etc/passwd', '/etc/shadow', '/proc/self/environ', '/sys/kernel/hostname', '/dev/zero']) {
      for (const channel of ['files/open', 'rules/load'] as const) {
        const error = refusal(await service.call(channel, { path: target }));
        assert.equal(error.code, 'NOT_ALLOWED', `${channel} ${target}`);
        assert.match(error.message, /never reads or writes/);
      }
    }
  });

  test('symlinks are followed: a link under the home folder to a file outside (or to /etc/passwd) is refused', async () => {
    assert.equal(refusal(await service.call('files/open', { path: path.join(user, 'innocent.csv') })).code, 'NOT_ALLOWED');
    assert.equal(refusal(await service.call('rules/load', { path: path.join(user, 'passwd.csv') })).code, 'NOT_ALLOWED');
    assert.equal(refusal(await service.call('files/open', { path: path.join(user, 'outlink', 'secret.csv') })).code, 'NOT_ALLOWED');
  });

  test('hidden files and folders are refused unless an --allow names them', async () => {
    const key = path.join(user, '.ssh', 'id_rsa');
    const error = refusal(await service.call('files/open', { path: key }));
    assert.equal(error.code, 'NOT_ALLOWED');
    assert.match(error.message, new RegExp(`--allow ${path.join(user, '.ssh')}`));
    assert.equal(refusal(await service.call('rules/load', { path: path.join(user, '.config', 'app.json') })).code, 'NOT_ALLOWED');
    assert.ok((await hiddenAllowed.call('files/open', { path: key })).ok);
    assert.equal(refusal(await hiddenAllowed.call('files/open', { path: path.join(user, '.config', 'app.json') })).code, 'NOT_ALLOWED');
  });

  test('a rule file that is not JSON is refused with its line and column, never its text', async () => {
    const error = refusal(await service.call('rules/load', { path: path.join(user, 'not-rules.rules.json') }));
    assert.equal(error.code, 'RULES_INVALID');
    assert.match(error.message, /invalid JSON at line 1, column 1\.$/);
  });

  test('writes outside the roots, into hidden or system folders, or through a symlinked folder are refused', async () => {
    const ruleFile = { fields: [] };
    for (const target of [path.join(outside, 'x.rules.json'), path.join(user, '.config', 'x.rules.json'), '/etc/x.rules.json', path.join(user, 'outlink', 'x.rules.json')]) {
      assert.equal(refusal(await service.call('rules/save', { path: target, ruleFile, overwrite: true })).code, 'NOT_ALLOWED', target);
      assert.equal(refusal(await service.call('export/start', { kind: 'table', table: 't', path: target, format: 'csv', overwrite: true })).code, 'NOT_ALLOWED', target);
      assert.equal(fs.existsSync(target), false);
    }
  });

  test('the store and its -wal, -shm and -journal files are never written, even with overwrite', async () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      const target = `${service.dbPath}${suffix}`;
      assert.equal(refusal(await service.call('export/start', { kind: 'table', table: 't', path: target, format: 'csv', overwrite: true })).code, 'WRITE_REFUSED', suffix);
      assert.equal(refusal(await service.call('rules/save', { path: target, ruleFile: { fields: [] }, overwrite: true })).code, 'WRITE_REFUSED', suffix);
    }
    assert.ok((await service.call('tables/list', {})).ok, 'the store still works');
  });

  test('an existing file is replaced only with overwrite (which the UI sends after the user confirmed)', async () => {
    const rules = path.join(user, 'existing.rules.json');
    assert.equal(refusal(await service.call('rules/save', { path: rules, ruleFile: { fields: [{ name: 'a' }] } })).code, 'FILE_EXISTS');
    assert.equal(fs.readFileSync(rules, 'utf8'), '{"fields":[]}\n');
    assert.ok((await service.call('rules/save', { path: rules, ruleFile: { fields: [{ name: 'a' }] }, overwrite: true })).ok);
    assert.deepEqual(JSON.parse(fs.readFileSync(rules, 'utf8')), { fields: [{ name: 'a' }] });
    const exported = path.join(user, 'existing.csv');
    assert.equal(refusal(await service.call('export/start', { kind: 'table', table: 't', path: exported, format: 'csv' })).code, 'FILE_EXISTS');
    assert.equal(fs.readFileSync(exported, 'utf8'), 'keep me\n');
    assert.deepEqual(fs.readdirSync(user).filter((name) => name.includes('sluice-partial')), [], 'no temporary file is left behind');
  });

  test('the source file of an import in the store is never written', async () => {
    const source = path.join(user, 'data.csv');
    const started = await service.call('import/start', { path: source, table: 'data' });
    assert.ok(started.ok);
    const importId = (started as { ok: true; value: { importId: number } }).value.importId;
    for (let polls = 0; polls < 600; polls += 1) {
      const state = await service.call('import/state', { importId });
      if (state.ok && (state.value as { item: { live: boolean } }).item.live === false) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const error = refusal(await service.call('export/start', { kind: 'table', table: 'data', path: source, format: 'csv', overwrite: true }));
    assert.equal(error.code, 'WRITE_REFUSED');
    assert.equal(fs.readFileSync(source, 'utf8'), 'id,name\n1,Ada\n');
  });
});

describe('file access in the desktop app: capabilities from the main process', () => {
  const dir = tempDir('sluice-file-caps-');
  const user = path.join(dir, 'user');
  const elsewhere = path.join(dir, 'elsewhere');
  fs.mkdirSync(user, { recursive: true });
  fs.mkdirSync(elsewhere, { recursive: true });
  fs.writeFileSync(path.join(elsewhere, 'picked.csv'), 'a\n1\n');
  fs.writeFileSync(path.join(elsewhere, 'picked.rules.json'), '{"fields":[]}');
  fs.writeFileSync(path.join(elsewhere, 'other.csv'), 'a\n1\n');
  const settings = new Settings(path.join(dir, 'app-home'));
  const access = (mode: 'browser' | 'electron') =>
    new FileAccess(settings, { mode, allow: [], home: user, storePath: path.join(dir, 'store.sqlite'), importedSources: () => [] });

  test('a path from the dialog, a drop or the OS is usable wherever it is, with its sibling rule file; a typed one is not', () => {
    const files = access('electron');
    assert.throws(() => files.authorizeRead(path.join(elsewhere, 'picked.csv')), /--allow/);
    files.grant(path.join(elsewhere, 'picked.csv'));
    assert.equal(files.authorizeRead(path.join(elsewhere, 'picked.csv')), path.join(fs.realpathSync(elsewhere), 'picked.csv'));
    assert.ok(files.authorizeRead(path.join(elsewhere, 'picked.rules.json')));
    assert.throws(() => files.authorizeRead(path.join(elsewhere, 'other.csv')), /outside the folders Sluice may use/);
  });

  test('the recent list is a capability in the app; browser mode hands out no capabilities', () => {
    settings.rememberOpened(path.join(fs.realpathSync(elsewhere), 'other.csv'));
    assert.ok(access('electron').authorizeRead(path.join(elsewhere, 'other.csv')));
    assert.throws(() => access('browser').authorizeRead(path.join(elsewhere, 'other.csv')), /--allow/);
    assert.throws(() => access('browser').grant(path.join(elsewhere, 'other.csv')), /Only the desktop app/);
  });
});
