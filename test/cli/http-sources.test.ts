import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { lastJson, sluice } from '../helpers/cli.js';
import { cutBody, FaultServer, serveBody, stallBody } from '../helpers/fault-server.js';
import { runSluice, startSluice } from '../reliability/support.js';
import { gzipped, sampleCsv, snapshot } from '../helpers/sources.js';

const dir = tempDir('sluice-http-');
const body = sampleCsv(3000);
const server = await FaultServer.start();
after(() => server.close());
let stores = 0;
const newDb = () => path.join(dir, `store-${++stores}.sqlite`);

// The reference: the same bytes imported from a plain file.
const plainFile = path.join(dir, 'plain.csv');
fs.writeFileSync(plainFile, body);
const referenceDb = newDb();
assert.equal(sluice(['import', plainFile, '--db', referenceDb, '--table', 'data']).status, 0);
const reference = snapshot(referenceDb, 'data');

function importUrl(route: string, extra: string[] = []) {
  return runSluice(['import', server.url(route), '--db', extra.includes('--db') ? '' : newDb(), '--table', 'data', '--json', ...extra].filter(Boolean));
}

function assertSameAsFile(db: string) {
  assert.deepEqual(snapshot(db, 'data'), reference);
}

function spoolFiles(db: string): string[] {
  return fs.readdirSync(path.dirname(db)).filter((name) => name.startsWith(`${path.basename(db)}.spool-`));
}

test('a URL is streamed into a spool, imported like the file, and the spool is removed', async () => {
  server.route('/ok.csv', (req, res) => serveBody(req, res, body));
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/ok.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  assertSameAsFile(db);
  assert.deepEqual(spoolFiles(db), []);
});

test('500 twice, then OK: two retries, the same table', async () => {
  server.route('/flaky.csv', (req, res, attempt) => (attempt <= 2 ? res.writeHead(500).end('oops') : serveBody(req, res, body)));
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/flaky.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.equal(server.requestsTo('/flaky.csv'), 3);
  assert.match(outcome.stderr, /2 retries so far; circuit breaker closed/);
  assertSameAsFile(db);
});

test('429 with Retry-After: 1 is honoured, then the import completes', async () => {
  const times: number[] = [];
  server.route('/limited.csv', (req, res, attempt) => {
    times.push(Date.now());
    if (attempt === 1) res.writeHead(429, { 'retry-after': '1' }).end();
    else serveBody(req, res, body);
  });
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/limited.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  // Waiting at least as long as the server asked is the contract (a lower bound, not a speed claim).
  assert.ok(times[1]! - times[0]! >= 950, `retried after ${times[1]! - times[0]!} ms`);
  assertSameAsFile(db);
});

test('the connection reset mid-body: the retry continues with a Range request and gives the same table', async () => {
  server.route('/reset.csv', (req, res, attempt) => (attempt === 1 ? cutBody(req, res, body, Math.floor(body.length / 2)) : serveBody(req, res, body)));
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/reset.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  const ranges = server.seen.filter((r) => r.path === '/reset.csv').map((r) => r.headers.range ?? null);
  assert.equal(ranges[0], null);
  assert.match(ranges[1] ?? '', /^bytes=[1-9]\d*-$/, 'the second request asks for the rest only');
  assertSameAsFile(db);
});

test('a body that ends early (truncated) is detected and completed with a Range request', async () => {
  server.route('/truncated.csv', (req, res, attempt) =>
    attempt === 1 ? cutBody(req, res, body, 1000, true) : serveBody(req, res, body),
  );
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/truncated.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.ok(server.requestsTo('/truncated.csv') >= 2);
  assertSameAsFile(db);
});

test('a slow trickle that stalls times out, then the retry completes', async () => {
  server.route('/stall.csv', (req, res, attempt) => (attempt === 1 ? stallBody(res, body, 500) : serveBody(req, res, body)));
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/stall.csv'), '--db', db, '--table', 'data', '--timeout', '1']);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.equal(server.requestsTo('/stall.csv'), 2);
  assertSameAsFile(db);
});

test('gzip over HTTP is decompressed by its magic bytes', async () => {
  const packed = gzipped(body);
  server.route('/feed', (req, res) => serveBody(req, res, packed));
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/feed'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 0, outcome.stderr);
  assertSameAsFile(db);
});

test('--max-bytes stops consistent and resumable; --resume continues with Range until done', async () => {
  server.route('/capped.csv', (req, res) => serveBody(req, res, body));
  const db = newDb();
  const first = await runSluice(['import', server.url('/capped.csv'), '--db', db, '--table', 'data', '--max-bytes', '20000']);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /Stopped after taking 20000 bytes .*--max-bytes 20000.*Continue with --resume/);
  const status = sluice(['status', '--db', db]);
  assert.match(status.stdout, /not started yet: .*capped\.csv partly spooled \(20 KB of \d+ KB\), 0 retries, circuit breaker closed/);
  let runs = 1;
  for (;;) {
    const next = await runSluice(['import', server.url('/capped.csv'), '--db', db, '--table', 'data', '--max-bytes', '20000', '--resume']);
    runs++;
    if (next.code === 0) break;
    assert.equal(next.code, 1, next.stderr);
    assert.ok(runs < 20, 'the download makes progress on every run');
  }
  assert.ok(runs >= 3);
  assertSameAsFile(db);
  assert.deepEqual(spoolFiles(db), []);
});

test('the ETag changes between runs: resume is refused, --restart imports the new version', async () => {
  let version = 1;
  const v2 = sampleCsv(2500);
  server.route('/changing.csv', (req, res) => (version === 1 ? serveBody(req, res, body, '"v1"') : serveBody(req, res, v2, '"v2"')));
  const db = newDb();
  const first = await runSluice(['import', server.url('/changing.csv'), '--db', db, '--table', 'data', '--max-bytes', '10000']);
  assert.equal(first.code, 1);
  version = 2;
  const resumed = await runSluice(['import', server.url('/changing.csv'), '--db', db, '--table', 'data', '--resume']);
  assert.equal(resumed.code, 1);
  assert.match(resumed.stderr, /has changed since it started \(its ETag changed from "v1" to "v2"\).*--restart/);
  const restarted = await runSluice(['import', server.url('/changing.csv'), '--db', db, '--table', 'data', '--restart', '--json']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.equal(lastJson({ status: 0, stdout: restarted.stdout, stderr: '' }).rowsRead, 2500);
});

test('always 500: the circuit breaker opens and the import exits 1 within the bound, saying so', async () => {
  server.route('/down.csv', (_req, res) => res.writeHead(500).end());
  const db = newDb();
  const outcome = await runSluice(['import', server.url('/down.csv'), '--db', db, '--table', 'data']);
  assert.equal(outcome.code, 1);
  assert.match(outcome.stderr, /5 attempts in a row failed, so the circuit breaker is open.*answered 500.*--resume/);
  assert.equal(server.requestsTo('/down.csv'), 5, 'no request once the breaker is open');
});

test('Ctrl+C during a backoff wait exits 130 without waiting out the backoff', { timeout: 60_000 }, async () => {
  server.route('/busy.csv', (_req, res) => res.writeHead(503, { 'retry-after': '600' }).end());
  const run = startSluice(['import', server.url('/busy.csv'), '--db', newDb(), '--table', 'data']);
  await run.stderrMatches(/1 retry so far/);
  run.kill('SIGINT');
  const outcome = await run.done;
  assert.equal(outcome.code, 130, outcome.stderr);
  assert.match(outcome.stderr, /Cancelled while downloading/);
});

test('redirects are followed up to a limit, and only to http:/https:', async () => {
  server.route('/moved.csv', (_req, res) => res.writeHead(302, { location: '/ok.csv' }).end());
  server.route('/ok.csv', (req, res) => serveBody(req, res, body));
  server.route('/loop.csv', (_req, res) => res.writeHead(302, { location: '/loop.csv' }).end());
  server.route('/to-file.csv', (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
  const db = newDb();
  const moved = await runSluice(['import', server.url('/moved.csv'), '--db', db, '--table', 'data']);
  assert.equal(moved.code, 0, moved.stderr);
  assertSameAsFile(db);
  const loop = await importUrl('/loop.csv');
  assert.equal(loop.code, 1);
  assert.match(loop.stderr, /more than 5 redirects/);
  const toFile = await importUrl('/to-file.csv');
  assert.equal(toFile.code, 1);
  assert.match(toFile.stderr, /redirects to a file: URL; only http: and https: are followed/);
  const ftp = await runSluice(['import', 'ftp://127.0.0.1/x.csv', '--db', newDb()]);
  assert.equal(ftp.code, 2);
  assert.match(ftp.stderr, /Only http: and https: URLs can be imported/);
});

test('--header values are sent, never stored or shown; --resume asks for them again', async () => {
  const secret = 'Bearer s3cret-token-42';
  server.route('/private.csv', (req, res) => (req.headers.authorization === secret ? serveBody(req, res, body) : res.writeHead(401).end()));
  const db = newDb();
  const denied = await runSluice(['import', server.url('/private.csv'), '--db', db, '--table', 'data']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /answered 401: access denied/);
  const first = await runSluice(['import', server.url('/private.csv'), '--db', db, '--table', 'data', '--restart', '--header', `Authorization: ${secret}`, '--max-bytes', '30000']);
  assert.equal(first.code, 1, first.stderr);
  const noHeader = await runSluice(['import', server.url('/private.csv'), '--db', db, '--table', 'data', '--resume']);
  assert.equal(noHeader.code, 2);
  assert.match(noHeader.stderr, /give the same --header options again with --resume/);
  const resumed = await runSluice(['import', server.url('/private.csv'), '--db', db, '--table', 'data', '--resume', '--header', `Authorization: ${secret}`]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertSameAsFile(db);
  const status = sluice(['status', '--db', db, '--json']);
  for (const text of [first.stderr, noHeader.stderr, resumed.stderr, resumed.stdout, status.stdout, ...[db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1'))]) {
    assert.ok(!text.includes('s3cret-token-42'), 'the header value appears nowhere');
  }
});
