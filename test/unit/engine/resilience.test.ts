import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResiliencePolicy, TransientError } from '../../../main/engine/source/resilience.js';
import { isSluiceError } from '../../../main/engine/errors.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 1000 };
const never = new AbortController().signal;

test('transient failures are retried until the call succeeds; retries are counted', async () => {
  const policy = new ResiliencePolicy({ ...FAST, retries: 4 });
  let calls = 0;
  const value = await policy.execute(async () => {
    calls++;
    if (calls < 3) throw new TransientError('503');
    return 'ok';
  }, never, 'testing');
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
  assert.deepEqual(policy.stats, { retries: 2, breaker: 'closed' });
});

test('a final error (not transient) is not retried', async () => {
  const policy = new ResiliencePolicy(FAST);
  let calls = 0;
  await assert.rejects(
    policy.execute(async () => {
      calls++;
      throw new Error('404');
    }, never, 'testing'),
    /404/,
  );
  assert.equal(calls, 1);
});

test('the breaker opens after N consecutive failures, refuses calls, then lets a single probe through and closes on success', async () => {
  const policy = new ResiliencePolicy({ ...FAST, retries: 10, breakerFailures: 3, halfOpenAfterMs: 50 });
  let calls = 0;
  await assert.rejects(
    policy.execute(async () => {
      calls++;
      throw new TransientError('500');
    }, never, 'testing'),
    (error: unknown) => isSluiceError(error) && error.code === 'SOURCE_UNAVAILABLE' && /circuit breaker is open.*500/.test(error.message),
  );
  assert.equal(calls, 3, 'no call once the breaker is open');
  assert.equal(policy.stats.breaker, 'open');
  await assert.rejects(policy.execute(async () => 'never runs', never, 'testing'), /circuit breaker is open/);
  await new Promise((resolve) => setTimeout(resolve, 80));
  const events: string[] = [];
  const slowProbe = policy.execute(async () => {
    events.push('probe starts');
    await new Promise((resolve) => setTimeout(resolve, 30));
    events.push('probe succeeds');
    return 'recovered';
  }, never, 'testing');
  // While the single probe is out, another call is held back until the probe has closed the breaker.
  const second = policy.execute(async () => {
    events.push('second runs');
    return 'second';
  }, never, 'testing');
  assert.deepEqual(await Promise.all([slowProbe, second]), ['recovered', 'second']);
  assert.deepEqual(events, ['probe starts', 'probe succeeds', 'second runs']);
  assert.equal(policy.stats.breaker, 'closed');
});

test('Retry-After sets the wait; cancelling during it rejects at once with CANCELLED and is not a failure', async () => {
  const policy = new ResiliencePolicy({ ...FAST, retries: 3, breakerFailures: 2 });
  const controller = new AbortController();
  let calls = 0;
  const running = policy.execute(async () => {
    calls++;
    throw new TransientError('429', 60_000);
  }, controller.signal, 'waiting');
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  await assert.rejects(running, (error: unknown) => isSluiceError(error) && error.code === 'CANCELLED');
  assert.equal(calls, 1, 'the 60 s Retry-After wait was still running');
  // One failure so far (breaker at 2): a cancelled call added none, so one more failure does not open it.
  await assert.rejects(policy.execute(async () => {
    throw new Error('final');
  }, never, 'testing'), /final/);
  assert.equal(policy.stats.breaker, 'closed');
});

test('retries used up (breaker still closed): SOURCE_UNAVAILABLE names the attempts and the last error', async () => {
  const policy = new ResiliencePolicy({ ...FAST, retries: 2, breakerFailures: 10 });
  await assert.rejects(
    policy.execute(async () => {
      throw new TransientError('server answered 502');
    }, never, 'downloading x'),
    (error: unknown) => isSluiceError(error) && error.code === 'SOURCE_UNAVAILABLE' && /Gave up downloading x after 3 attempts \(last error: server answered 502\)/.test(error.message),
  );
  assert.deepEqual(policy.stats, { retries: 2, breaker: 'closed' });
});
