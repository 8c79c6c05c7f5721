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
  // The downloads folder lies in the app's home, which must be among the folders the app may use (it is by default, under the user's home).
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
