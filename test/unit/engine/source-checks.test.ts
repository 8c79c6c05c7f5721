import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCompression, notTextReason } from '../../../main/engine/source/not-text.js';
import { defaultTableFor, parseSourceLocation, sourceIdentity } from '../../../main/engine/source/location.js';
import { retryAfterMs } from '../../../main/engine/source/remote/http-request.js';

test('not-text: binary magic and NUL bytes are refused; text, UTF-16 and compressed input (when decompressed) are not', () => {
  assert.equal(notTextReason(Buffer.from('id,name\n1,Ada\n')), null);
  assert.equal(notTextReason(Buffer.from('id,name\n1,Ada\n', 'utf16le')), null);
  // Emoji (U+1F600 is D83D DE00) and CJK put a few NULs on the other side; still UTF-16 text.
  assert.equal(notTextReason(Buffer.from('name,city\nZoë,Zürich\n😀,東京\n', 'utf16le')), null);
  assert.equal(notTextReason(Buffer.from('name,city\nZoë,Zürich\n😀,東京\n', 'utf16le').swap16()), null);
  assert.equal(notTextReason(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('\u0000a\u0000,\u0000b')])), null);
  assert.match(notTextReason(Buffer.from('%PDF-1.4 ...'))!, /PDF/);
  assert.match(notTextReason(Buffer.from('SQLite format 3\u0000...'))!, /SQLite/);
  assert.match(notTextReason(Buffer.from('a,b\n1,\u0000\u0000\u0000x\n'))!, /NUL/);
  assert.match(notTextReason(Buffer.from([0x1f, 0x8b, 8, 0]))!, /gzip/);
  assert.equal(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0])), 'gzip');
  assert.equal(detectCompression(Buffer.from('PK\u0003\u0004')), 'zip');
  assert.equal(detectCompression(Buffer.from('id,name')), null);
});

test('source locations: -, http(s) URLs and paths; other schemes and credentials are refused', () => {
  assert.deepEqual(parseSourceLocation('-'), { kind: 'stdin' });
  const url = parseSourceLocation('https://example.com/feeds/Orders%202026.csv.gz#x');
  assert.equal(url.kind, 'url');
  assert.equal(sourceIdentity(url), 'https://example.com/feeds/Orders%202026.csv.gz');
  assert.equal(defaultTableFor(url), 'orders_2026');
  assert.equal(defaultTableFor(parseSourceLocation('/tmp/data.csv.gz')), 'data');
  assert.equal(parseSourceLocation('C:\\data\\x.csv').kind, 'file');
  assert.throws(() => parseSourceLocation('ftp://example.com/x.csv'), /Only http: and https:/);
  assert.throws(() => parseSourceLocation('https://user:pw@example.com/x.csv'), /user name or password are refused/);
});

test('Retry-After: seconds or an HTTP date', () => {
  assert.equal(retryAfterMs('1'), 1000);
  assert.equal(retryAfterMs(null), null);
  assert.ok(retryAfterMs(new Date(Date.now() + 5000).toUTCString())! > 3000);
  assert.equal(retryAfterMs('soon'), null);
});
