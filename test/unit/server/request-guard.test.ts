import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { judgeRequest, safeDecode, type RequestHead } from '../../../main/server/request-guard.js';

const PORT = 4100;
const TOKEN = 'tok-123456789012345678901234';
const head = (url: string, headers: Record<string, string> = {}, method = 'GET'): RequestHead => ({
  method,
  url,
  headers: { host: `127.0.0.1:${PORT}`, ...headers },
});
const api = (url: string, headers: Record<string, string> = {}) => head(url, { 'x-sluice-token': TOKEN, 'content-type': 'application/json', ...headers }, 'POST');

test('the URLs that crashed the server get a 400 verdict instead of an exception', () => {
  // Issue 13, hole 1: `new URL('//[')` threw before the guard; decodeURIComponent threw URIError on these.
  for (const url of ['//[', '//[::1', '/%c0%ae%c0%ae/x', '/%E0%A4%A', '/%']) assert.doesNotThrow(() => judgeRequest(head(url), PORT, TOKEN), url);
  assert.deepEqual(judgeRequest(api('/api/%E0%A4%A'), PORT, TOKEN), { kind: 'refuse', status: 400, reason: 'Bad percent-encoding in the URL' });
  assert.deepEqual(judgeRequest(head('/%c0%ae%c0%ae/x'), PORT, TOKEN), { kind: 'refuse', status: 400, reason: 'Bad percent-encoding in the URL' });
  assert.deepEqual(judgeRequest(head('//['), PORT, TOKEN), { kind: 'static', relativePath: '[' });
  assert.equal(safeDecode('%E0%A4%A'), null);
});

test('the API and the event stream need the token in the header; a cookie or ?token= is not a credential', () => {
  assert.deepEqual(judgeRequest(api('/api/app/info'), PORT, TOKEN), { kind: 'call', channel: 'app/info' });
  assert.deepEqual(judgeRequest(head('/api/events', { 'x-sluice-token': TOKEN }), PORT, TOKEN), { kind: 'events' });
  const refused = (request: RequestHead) => {
    const verdict = judgeRequest(request, PORT, TOKEN);
    return verdict.kind === 'refuse' ? verdict.status : verdict.kind;
  };
  assert.equal(refused(head('/api/events', { cookie: `sluice_token_${PORT}=${TOKEN}` })), 401);
  assert.equal(refused(head(`/api/events?token=${TOKEN}`)), 401);
  assert.equal(refused(api('/api/app/info', { 'x-sluice-token': 'wrong' })), 401);
  assert.equal(refused(api('/api/app/info', { 'x-sluice-token': `${TOKEN}x` })), 401);
  assert.equal(refused(head('/api/app/info', { 'x-sluice-token': TOKEN })), 405);
  assert.equal(refused(api('/api/app/info', { 'content-type': 'text/plain' })), 415);
  assert.equal(refused(api('/api/app/info', { host: `evil.example:${PORT}` })), 403);
  assert.equal(refused(api('/api/app/info', { origin: 'http://evil.example' })), 403);
  assert.equal(refused(api('/api/app/info', { 'sec-fetch-site': 'cross-site' })), 403);
});

test('the built UI is served without the token (it holds no secret), still only to the loopback Host', () => {
  assert.deepEqual(judgeRequest(head('/'), PORT, TOKEN), { kind: 'static', relativePath: 'index.html' });
  assert.deepEqual(judgeRequest(head('/assets/app.js?v=1'), PORT, TOKEN), { kind: 'static', relativePath: 'assets/app.js' });
  assert.equal(judgeRequest(head('/', { host: 'evil.example' }), PORT, TOKEN).kind, 'refuse');
  assert.equal(judgeRequest(head('/', {}, 'DELETE'), PORT, TOKEN).kind, 'refuse');
  assert.equal(judgeRequest(head('/a%00b'), PORT, TOKEN).kind, 'refuse');
});

test('judgeRequest never throws, whatever the method, URL and headers', () => {
  const text = fc.string({ unit: 'binary', maxLength: 80 });
  const percent = fc.array(fc.oneof(fc.constantFrom('%', '%c0', '%ae', '%E0%A4', '%A', '%zz', '%00', '/', '[', ']', '?', '#', '\\', '..'), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => `/${parts.join('')}`);
  const headerValue = fc.oneof(text, fc.constant(TOKEN), fc.constant(`127.0.0.1:${PORT}`), fc.array(text, { maxLength: 3 }));
  fc.assert(
    fc.property(fc.option(text), fc.oneof(text, percent), fc.dictionary(fc.constantFrom('host', 'origin', 'x-sluice-token', 'content-type', 'sec-fetch-site', 'cookie', 'x'), headerValue), (method, url, headers) => {
      const verdict = judgeRequest({ method: method ?? undefined, url, headers: headers as RequestHead['headers'] }, PORT, TOKEN);
      assert.ok(['refuse', 'static', 'events', 'call'].includes(verdict.kind));
    }),
    { numRuns: 3000, seed: 13 },
  );
});
