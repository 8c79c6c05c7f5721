import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { sluice } from '../helpers/cli.js';
import { prng } from '../helpers/generate.js';
import { FaultServer } from '../helpers/fault-server.js';
import { runSluice, startSluice } from '../reliability/support.js';
import { snapshot } from '../helpers/sources.js';

const PAGES = 50;
const PER_PAGE = 20;
const seed = Number(process.env.SLUICE_SEED ?? Date.now() % 100000);
const dir = tempDir('sluice-api-');
const server = await FaultServer.start();
after(() => server.close());

function record(n: number) {
  return { id: n, name: `customer ${n}`, score: n % 41 === 0 ? 'not a number' : n * 1.5, tags: [`t${n % 3}`] };
}

function page(n: number) {
  return Array.from({ length: PER_PAGE }, (_, i) => record((n - 1) * PER_PAGE + i + 1));
}

// The same 1,000 records behind four ways of paging.
server.route('/api/next', (req, res) => {
  const n = Number(new URL(req.url!, server.origin).searchParams.get('page') ?? 1);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { items: page(n) }, next: n < PAGES ? `/api/next?page=${n + 1}` : null }));
});
server.route('/api/link', (req, res) => {
  const n = Number(new URL(req.url!, server.origin).searchParams.get('page') ?? 1);
  res.writeHead(200, { 'content-type': 'application/json', ...(n < PAGES ? { link: `</api/link?page=${n + 1}>; rel="next"` } : {}) });
  res.end(JSON.stringify(page(n)));
});
server.route('/api/cursor', (req, res) => {
  const cursor = new URL(req.url!, server.origin).searchParams.get('after');
  const n = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) + 1 : 1;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ results: page(n), meta: { cursor: n < PAGES ? Buffer.from(String(n)).toString('base64url') : null } }));
});
server.route('/api/offset', (req, res) => {
  const params = new URL(req.url!, server.origin).searchParams;
  const offset = Number(params.get('skip'));
  const limit = Number(params.get('limit'));
  const all = Array.from({ length: PAGES * PER_PAGE }, (_, i) => record(i + 1));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ rows: all.slice(offset, offset + limit) }));
});

const NEXT_ARGS = ['--format', 'json-api', '--records', 'data.items', '--next', 'next'];

const referenceDb = path.join(dir, 'reference.sqlite');
const clean = await runSluice(['import', server.url('/api/next'), '--db', referenceDb, '--table', 'items', ...NEXT_ARGS]);
assert.equal(clean.code, 0, clean.stderr);
const reference = snapshot(referenceDb, 'items');

test('a paginated API is followed to its last page: every record once, bad ones quarantined', () => {
  assert.equal(reference.rows.length + reference.quarantine.length, PAGES * PER_PAGE);
  assert.ok(reference.quarantine.length > 0 || reference.rows.length === PAGES * PER_PAGE);
  assert.equal(server.requestsTo('/api/next'), PAGES);
});

test('Link: rel=next, a cursor in the body, and offset/limit page the same records', async () => {
  const modes: [string, string[]][] = [
    ['/api/link', ['--records', '', '--next-link']],
    ['/api/cursor', ['--records', 'results', '--cursor', 'meta.cursor', '--cursor-param', 'after']],
    ['/api/offset', ['--records', 'rows', '--offset-param', 'skip', '--limit', '20']],
  ];
  for (const [route, args] of modes) {
    const db = path.join(dir, `mode-${route.split('/').pop()}.sqlite`);
    const outcome = await runSluice(['import', server.url(route), '--db', db, '--table', 'items', '--format', 'json-api', ...args]);
    assert.equal(outcome.code, 0, `${route}: ${outcome.stderr}`);
    assert.deepEqual(snapshot(db, 'items'), reference, route);
  }
});

test(`killed at random pages and resumed, the table is the clean run's (seed ${seed})`, { timeout: 300_000 }, async () => {
  const random = prng(seed);
  const db = path.join(dir, 'killed.sqlite');
  let runs = 0;
  let kills = 0;
  let fetchedBefore = 0;
  for (;;) {
    runs++;
    assert.ok(runs < 40, 'every run gets further');
    // Pages 2 to PAGES: the first request names no page, so a kill "at page 1" would never happen.
    const killAt = kills < 5 ? 2 + Math.floor(random() * (PAGES - 1)) : Infinity;
    const run = startSluice(['import', server.url('/api/next'), '--db', db, '--table', 'items', ...NEXT_ARGS, ...(runs > 1 ? ['--resume'] : [])]);
    server.onRequest = (route) => {
      if (route === '/api/next' && new URL(server.seen[server.seen.length - 1]!.path, server.origin).searchParams.get('page') === String(killAt)) {
        run.kill('SIGKILL');
      }
    };
    const outcome = await run.done;
    server.onRequest = null;
    if (outcome.signal === 'SIGKILL') {
      kills++;
      const state = spoolState(db);
      if (state) {
        assert.ok(state.pages.fetched >= fetchedBefore, 'the page checkpoint never goes back');
        fetchedBefore = state.pages.fetched;
      }
      continue;
    }
    assert.equal(outcome.code, 0, outcome.stderr);
    break;
  }
  assert.ok(kills >= 1);
  assert.deepEqual(snapshot(db, 'items'), reference);
  assert.equal(fs.readdirSync(dir).filter((name) => name.startsWith('killed.sqlite.spool-')).length, 0, 'the spool is gone');
});

test('--resume continues from the next page, never from the first', async () => {
  const db = path.join(dir, 'capped.sqlite');
  const before = server.requestsTo('/api/next');
  const first = await runSluice(['import', server.url('/api/next'), '--db', db, '--table', 'items', ...NEXT_ARGS, '--max-bytes', '20000']);
  assert.equal(first.code, 1);
  assert.match(first.stderr, /--max-bytes 20000\); \d+ pages are in\. Continue with --resume/);
  const pagesIn = spoolState(db)!.pages.fetched;
  const resumed = await runSluice(['import', server.url('/api/next'), '--db', db, '--table', 'items', ...NEXT_ARGS, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(server.requestsTo('/api/next') - before, PAGES, `${pagesIn} pages were not fetched again`);
  assert.deepEqual(snapshot(db, 'items'), reference);
});

test('json-api usage errors are clear', () => {
  const db = path.join(dir, 'usage.sqlite');
  const noRecords = sluice(['import', server.url('/api/next'), '--db', db, '--format', 'json-api']);
  assert.equal(noRecords.status, 2);
  assert.match(noRecords.stderr, /--format json-api needs --records PATH/);
  const notUrl = sluice(['import', path.join(dir, 'x.json'), '--db', db, '--format', 'json-api', '--records', 'a']);
  assert.equal(notUrl.status, 2);
  assert.match(notUrl.stderr, /--format json-api needs an http: or https: URL/);
  const cursor = sluice(['import', server.url('/api/next'), '--db', db, '--format', 'json-api', '--records', 'a', '--cursor', 'c']);
  assert.equal(cursor.status, 2);
  assert.match(cursor.stderr, /--cursor needs --cursor-param NAME/);
});

function spoolState(db: string): { pages: { fetched: number } } | null {
  const name = fs.readdirSync(path.dirname(db)).find((file) => file.startsWith(`${path.basename(db)}.spool-`) && file.endsWith('.json'));
  return name ? (JSON.parse(fs.readFileSync(path.join(path.dirname(db), name), 'utf8')) as { pages: { fetched: number } }) : null;
}
