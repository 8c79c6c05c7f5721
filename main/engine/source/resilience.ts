import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../errors.js';

/** The retry policy's settings; the defaults are documented in the README. */
export interface ResilienceSettings {
  /** Retries after the first attempt of one request. */
  retries: number;
  /** First backoff ceiling; each retry doubles it (full jitter: a random wait between 0 and the ceiling). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
  /** Per request: until the response starts, and then between two pieces of its body. */
  requestTimeoutMs: number;
  /** Consecutive failed attempts (across requests) that open the circuit breaker. */
  breakerFailures: number;
  /** How long the breaker stays open before one probe request may go through (half-open). */
  halfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceSettings = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  requestTimeoutMs: 30_000,
  breakerFailures: 5,
  halfOpenAfterMs: 30_000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface ResilienceStats {
  retries: number;
  breaker: BreakerState;
}

/**
 * A failure worth another attempt: a 5xx, 429 or 408 answer, a network error,
 * a timeout, a body cut short. `retryAfterMs` carries the server's Retry-After.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Full-jitter exponential backoff, except that a server's Retry-After wins.
 * cockatiel's own wait cannot be cancelled, so it is told to wait 0 ms and
 * the chosen delay is handed to `wait`, which the next attempt sleeps through
 * with the caller's signal.
 */
class RetryAfterBackoff implements IBackoff<IRetryBackoffContext<unknown>> {
  readonly duration = 0;

  constructor(
    private readonly settings: ResilienceSettings,
    private readonly attempt: number,
    private readonly wait: (delayMs: number) => void,
    context: IRetryBackoffContext<unknown>,
  ) {
    wait(RetryAfterBackoff.delayFor(settings, attempt, context));
  }

  static delayFor(settings: ResilienceSettings, attempt: number, context: IRetryBackoffContext<unknown>): number {
    const error = 'error' in context.result ? context.result.error : null;
    if (error instanceof TransientError && error.retryAfterMs !== null) return Math.min(error.retryAfterMs, settings.maxRetryAfterMs);
    const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
    return Math.random() * ceiling;
  }

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return new RetryAfterBackoff(this.settings, this.attempt + 1, this.wait, context);
  }
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError' || (error instanceof SluiceError && error.code === 'CANCELLED');
}

/**
 * One retry policy for everything Sluice waits on (network requests, a busy
 * store): cockatiel's retry with full-jitter backoff honouring Retry-After,
 * wrapped around a consecutive-failure circuit breaker (half-open after a
 * pause, a single probe, closed again on success). Cancellation stops a
 * backoff wait at once and never counts as a failure. One instance per
 * import, so its breaker sees every request of that import.
 */
export class ResiliencePolicy {
  readonly settings: ResilienceSettings;
  private retryCount = 0;
  private nextDelayMs = 0;
  /** The last real failure: when the open breaker refuses a call, that is what the user needs to hear. */
  private lastFailure: unknown = null;
  private readonly breakerPolicy;
  private readonly policy;

  constructor(
    settings: Partial<ResilienceSettings> = {},
    private readonly isRetryable: (error: unknown) => boolean = (error) => error instanceof TransientError,
    private readonly onChange?: (stats: ResilienceStats) => void,
  ) {
    this.settings = { ...DEFAULT_RESILIENCE, ...settings };
    const handled = handleWhen((error) => !isAbort(error) && this.isRetryable(error));
    this.breakerPolicy = circuitBreaker(handled, {
      halfOpenAfter: this.settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.settings.breakerFailures),
    });
    // An open breaker is final for this run: retrying into it would only wait.
    const retryPolicy = retry(handled, {
      maxAttempts: this.settings.retries,
      backoff: {
        next: (context) => new RetryAfterBackoff(this.settings, 0, (delayMs) => (this.nextDelayMs = delayMs), context),
      } satisfies IBackoffFactory<IRetryBackoffContext<unknown>>,
    });
    retryPolicy.onRetry(() => {
      this.retryCount++;
      this.onChange?.(this.stats);
    });
    this.breakerPolicy.onStateChange(() => this.onChange?.(this.stats));
    this.policy = wrap(retryPolicy, this.breakerPolicy);
  }

  get stats(): ResilienceStats {
    const state = this.breakerPolicy.state;
    return {
      retries: this.retryCount,
      breaker: state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open',
    };
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or `signal` aborts.
   * Throws SluiceError('CANCELLED') on abort (even in the middle of a wait),
   * SluiceError('SOURCE_UNAVAILABLE') when the breaker is open, or the last error.
   */
  async execute<T>(attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    let onAbort: () => void = () => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(new SluiceError('CANCELLED', `Cancelled while ${what}.`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    const running = this.policy.execute(async ({ signal: attemptSignal, attempt: number }) => {
      // The backoff wait before a retry, cut short by cancellation (an AbortError, which is never a failure).
      if (number > 0 && this.nextDelayMs > 0) await sleep(this.nextDelayMs, undefined, { signal: attemptSignal });
      attemptSignal.throwIfAborted();
      try {
        return await attempt(attemptSignal);
      } catch (error) {
        this.lastFailure = error;
        throw error;
      }
    }, signal);
    running.catch(() => undefined);
    cancelled.catch(() => undefined);
    try {
      return await Promise.race([running, cancelled]);
    } catch (error) {
      if (signal.aborted) throw new SluiceError('CANCELLED', `Cancelled while ${what}.`);
      if (error instanceof BrokenCircuitError || this.stats.breaker === 'open') {
        throw new SluiceError(
          'SOURCE_UNAVAILABLE',
          `Gave up ${what}: ${this.settings.breakerFailures} attempts in a row failed, so the circuit breaker is open` +
            ` (last error: ${describe(error instanceof BrokenCircuitError ? (this.lastFailure ?? error) : error)}). Try again later with --resume.`,
        );
      }
      if (error instanceof TransientError) {
        throw new SluiceError(
          'SOURCE_UNAVAILABLE',
          `Gave up ${what} after ${this.settings.retries + 1} attempts (last error: ${error.message}). Try again later with --resume.`,
        );
      }
      throw error;
    } finally {
      // A long-lived signal (an import's) sees many calls: each must take its listener away again.
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof BrokenCircuitError) return 'the circuit breaker refused the request';
  return error instanceof Error ? error.message : String(error);
}
