import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, describe, test } from 'node:test';
import { AppService } from '../../../main/app/service.js';
import { SAMPLES, tempDir } from '../../helpers/paths.js';
import { FaultServer, serveBody } from '../../helpers/fault-server.js';
import { sluiceWithInput } from '../../helpers/sources.js';

describe('opening a URL or a file that is not text in the app', async () => {
  const dir = tempDir('sluice-app-url-');
  // The downloads folder is one of the app's own folders, usable whatever --allow says (see the next describe).
  const service = new AppService({ mode: 'browser', home: path.join(dir, 'home'), userHome: path.join(dir, 'user'), allow: [dir, SAMPLES] });
  const server = await FaultServer.start();
  after(() => {
    service.close();
    server.close();
  });
  const csv = fs.readFileSync(path.join(SAMPLES, 'customers.csv'));

  test('Home accepts a URL: it is downloaded (retried, gunzipped) and previewed like a file', async () => {
    server.route('/customers.csv.gz', (req, res, attempt) => (attempt === 1 ? res.writeHead(503).end() : serveBody(req, res, zlib.gzipSync(csv))));
    const opened = await service.invoke('files/open', { path: server.url('/customers.csv.gz') });
    assert.ok(opened.ok, opened.ok ? '' : opened.error.message);
    assert.equal(fs.readFileSync(opened.value.path, 'utf8'), csv.toString());
    const preview = await service.invoke('files/preview', { path: opened.value.path });
    assert.ok(preview.ok);
    const sample = path.join(SAMPLES, 'customers.csv');
    await service.invoke('files/open', { path: sample });
    const direct = await service.invoke('files/preview', { path: sample });
    assert.ok(direct.ok);
    assert.deepEqual([preview.value.columns, preview.value.rows], [direct.value.columns, direct.value.rows]);
  });

  test('a file that is not text is refused with NOT_TEXT when it is opened', async () => {
    const png = path.join(dir, 'photo.csv');
    fs.writeFileSync(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]));
    const refused = await service.call('files/open', { path: png });
    assert.equal(refused.ok ? null : refused.error.code, 'NOT_TEXT');
    assert.match(refused.ok ? '' : refused.error.message, /photo\.csv is not a text file: it looks like a PNG image/);
  });

  test('the import history judges a stdin import by its spool', async () => {
    const info = await service.invoke('app/info', {});
    assert.ok(info.ok);
    const rules = path.join(dir, 'n.rules.json');
    fs.writeFileSync(rules, JSON.stringify({ fields: [{ name: 'n', type: 'integer' }] }));
    const failed = sluiceWithInput(['import', '-', '--db', info.value.dbPath, '--table', 'piped', '--schema', rules, '--max-errors', '0'], 'n\n1\nx\n2\n');
    assert.equal(failed.status, 1, failed.stderr);
    const listed = async () => {
      const list = await service.invoke('imports/list', {});
      assert.ok(list.ok);
      return list.value.find((item) => item.table === 'piped')!;
    };
    assert.deepEqual([(await listed()).resumable, (await listed()).sourceChange], [true, null]);
    for (const name of fs.readdirSync(path.dirname(info.value.dbPath)).filter((f) => f.includes('.spool-'))) fs.rmSync(path.join(path.dirname(info.value.dbPath), name));
    assert.equal((await listed()).sourceChange, 'its standard input is no longer spooled');
  });
});

describe("the app's own downloads folder when its home lies outside the allowed folders", async () => {
  const dir = tempDir('sluice-app-home-');
  const user = path.join(dir, 'user');
  const outside = path.join(dir, 'outside');
  // SLUICE_HOME in a hidden folder outside the user's home and every --allow: only its downloads folder becomes usable.
  const home = path.join(dir, '.sluice-home');
  fs.mkdirSync(user, { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'id\nTOPSECRET\n');
  const service = new AppService({ mode: 'browser', home, dbPath: path.join(user, 'store.sqlite'), userHome: user });
  const server = await FaultServer.start();
  after(() => {
    service.close();
    server.close();
  });
  const csv = fs.readFileSync(path.join(SAMPLES, 'customers.csv'));
  const downloads = path.join(home, 'downloads');

  test('a URL opens and previews without any --allow; the downloaded file is readable', async () => {
    server.route('/people.csv', (req, res) => serveBody(req, res, csv));
    const opened = await service.invoke('files/open', { path: server.url('/people.csv') });
    assert.ok(opened.ok, opened.ok ? '' : opened.error.message);
    assert.equal(path.dirname(opened.value.path), fs.realpathSync(downloads));
    assert.ok((await service.invoke('files/preview', { path: opened.value.path })).ok);
  });

  test('nothing else is widened: the rest of the app home, hidden files and links inside downloads, and writes there are refused', async () => {
    fs.writeFileSync(path.join(home, 'other.csv'), 'id\n1\n');
    fs.writeFileSync(path.join(downloads, '.hidden.csv'), 'id\n1\n');
    fs.mkdirSync(path.join(downloads, '.cache'), { recursive: true });
    fs.writeFileSync(path.join(downloads, '.cache', 'x.csv'), 'id\n1\n');
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(downloads, 'link.csv'));
    fs.symlinkSync(outside, path.join(downloads, 'linked-folder'));
    for (const target of [
      path.join(home, 'other.csv'),
      path.join(home, 'settings.json'),
      path.join(downloads, '.hidden.csv'),
      path.join(downloads, '.cache', 'x.csv'),
      path.join(downloads, 'link.csv'),
      path.join(downloads, 'linked-folder', 'secret.csv'),
      path.join(downloads, '..', 'other.csv'),
    ]) {
      const refused = await service.call('files/open', { path: target });
      assert.equal(refused.ok ? 'opened' : refused.error.code, 'NOT_ALLOWED', target);
      assert.doesNotMatch(refused.ok ? '' : refused.error.message, /TOPSECRET/);
    }
    const written = path.join(downloads, 'export.csv');
    const saved = await service.call('rules/save', { path: written, ruleFile: { fields: [] } });
    assert.equal(saved.ok ? 'saved' : saved.error.code, 'NOT_ALLOWED');
    assert.equal(fs.existsSync(written), false);
  });

  test('a downloads folder that is a symbolic link is not the app\'s own: URLs are refused and nothing is written through it', async () => {
    const linkedHome = path.join(dir, 'linked-home');
    fs.mkdirSync(linkedHome);
    fs.symlinkSync(outside, path.join(linkedHome, 'downloads'));
    const linked = new AppService({ mode: 'browser', home: linkedHome, dbPath: path.join(user, 'store-2.sqlite'), userHome: user });
    try {
      server.route('/again.csv', (req, res) => serveBody(req, res, csv));
      const refused = await linked.call('files/open', { path: server.url('/again.csv') });
      assert.equal(refused.ok ? 'opened' : refused.error.code, 'NOT_ALLOWED');
      assert.deepEqual(fs.readdirSync(outside), ['secret.csv'], 'nothing was downloaded into the link target');
      const secret = await linked.call('files/open', { path: path.join(linkedHome, 'downloads', 'secret.csv') });
      assert.equal(secret.ok ? 'opened' : secret.error.code, 'NOT_ALLOWED');
    } finally {
      linked.close();
    }
  });
});
