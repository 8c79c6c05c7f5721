import { SluiceError } from '../errors.js';
import { ResiliencePolicy, type ResilienceSettings } from '../source/resilience.js';
import { Store } from '../store/store.js';
import { mapSqliteError } from '../store/sqlite-errors.js';

/** SQLite's own wait per attempt; the retry policy's backoff does the rest of the waiting. */
export const STORE_BUSY_TIMEOUT_MS = 250;

/** A busy store is worth waiting for a while longer than a network hiccup: more retries, shorter first waits. */
export const STORE_RESILIENCE: Partial<ResilienceSettings> = {
  retries: 6,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  breakerFailures: 20,
};

/** One stretch of waiting for a busy store: how many attempts after the first, how long, and whether it went through. */
export interface StoreBusyEpisode {
  retries: number;
  waitedMs: number;
  recovered: boolean;
}

export interface StoreBusyListener {
  retrying?: (retries: number) => void;
  settled?: (episode: StoreBusyEpisode) => void;
}

function isBusy(error: unknown): boolean {
  if (error instanceof SluiceError) return error.code === 'STORE_BUSY';
  const code = (error as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/**
 * SQLITE_BUSY on the store goes through the same retry policy as network
 * requests (full-jitter backoff, a breaker) instead of one fixed busy
 * timeout. A failed transaction rolled back whole, so trying it again is safe.
 * Commits are not cancelled by Ctrl+C: the batches in flight are finished.
 */
export class StoreRetry {
  private readonly policy: ResiliencePolicy;
  private readonly never = new AbortController().signal;
  private retryTotal = 0;

  /**
   * `listener.retrying`: told before each repeated attempt (the total so far);
   * `listener.settled`: after each busy stretch ends (went through or gave up), when the store can take a log line again.
   */
  constructor(
    settings: Partial<ResilienceSettings> = {},
    private readonly listener: StoreBusyListener = {},
  ) {
    let seen = 0;
    this.policy = new ResiliencePolicy({ ...STORE_RESILIENCE, ...pickStore(settings) }, isBusy, (stats) => {
      if (stats.retries === seen) return;
      seen = stats.retries;
      this.retryTotal++;
      this.listener.retrying?.(this.retryTotal);
    });
  }

  /** Attempts repeated because the store was busy, over every call so far. */
  get retries(): number {
    return this.retryTotal;
  }

  open(dbPath: string): Promise<Store> {
    return this.whileBusy(() => Store.open(dbPath, { busyTimeoutMs: STORE_BUSY_TIMEOUT_MS }), dbPath);
  }

  async whileBusy<T>(run: () => T, dbPath?: string): Promise<T> {
    // Nearly every call succeeds at once: it runs directly, and only a busy store goes through the policy,
    // whose bookkeeping per call (promises, listeners) would otherwise ride on every commit of an import.
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error)) throw dbPath && !(error instanceof SluiceError) ? mapSqliteError(error, dbPath) : error;
    }
    // The direct attempt failed busy, so the policy's first attempt is already a retry.
    this.retryTotal++;
    this.listener.retrying?.(this.retryTotal);
    const startedMs = performance.now();
    const retriesBefore = this.policy.stats.retries;
    let recovered = false;
    try {
      const value = await this.policy.execute(async () => run(), this.never, 'waiting for the store');
      recovered = true;
      return value;
    } catch (error) {
      throw dbPath && !(error instanceof SluiceError) ? mapSqliteError(error, dbPath) : error;
    } finally {
      const retries = 1 + this.policy.stats.retries - retriesBefore;
      this.listener.settled?.({ retries, waitedMs: Math.round(performance.now() - startedMs), recovered });
    }
  }
}

/** Only the timing settings carry over from the import's options (tests shorten them). */
function pickStore(settings: Partial<ResilienceSettings>): Partial<ResilienceSettings> {
  return settings.baseDelayMs !== undefined ? { baseDelayMs: settings.baseDelayMs } : {};
}
