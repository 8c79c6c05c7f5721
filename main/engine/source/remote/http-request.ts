import { TimeoutStrategy, timeout } from 'cockatiel';
import { SluiceError } from '../../errors.js';
import { TransientError } from '../resilience.js';

export { parseHeaderOptions } from './header-options.js';

/** Redirects followed per request; more means a loop or a misconfigured server. */
export const MAX_REDIRECTS = 5;

export interface RequestOptions {
  headers: Record<string, string>;
  /** The attempt's signal: cancellation or the retry policy giving up. */
  signal: AbortSignal;
  timeoutMs: number;
}

export interface OpenedResponse {
  response: Response;
  /** The URL that answered, after redirects. */
  finalUrl: URL;
  /** Aborts the response (and its body); `idle` marks a body that stalled. */
  abort(reason: 'idle' | 'done'): void;
  idleTimedOut(): boolean;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** How a non-2xx answer is treated: worth retrying (5xx, 408, 429) or final. */
export function failureForStatus(response: Response, url: URL): Error {
  const status = response.status;
  const where = `${url.origin}${url.pathname}`;
  if (status >= 500 || status === 408 || status === 429) {
    return new TransientError(`${where} answered ${status} ${response.statusText}`.trim(), retryAfterMs(response.headers.get('retry-after')));
  }
  if (status === 401 || status === 403) {
    return new SluiceError('SOURCE_UNAVAILABLE', `${where} answered ${status}: access denied (pass credentials with --header 'Authorization: …').`);
  }
  if (status === 404 || status === 410) return new SluiceError('FILE_NOT_FOUND', `${where} answered ${status}: no such resource.`);
  return new SluiceError('SOURCE_UNAVAILABLE', `${where} answered ${status} ${response.statusText}`.trim() + '.');
}

/** Network-level failures (reset, refused, DNS) are worth another attempt. */
export function transientFromNetwork(error: unknown, url: URL): TransientError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new TransientError(`${url.origin}: connection failed (${detail})`);
}

/**
 * One HTTP GET with manual redirects (only http:/https:, at most
 * MAX_REDIRECTS, user headers dropped when a redirect leaves the origin) and
 * cockatiel's timeout until the response starts. The body is left to the
 * caller, which reads it under an idle timeout (see `idleGuard`).
 */
export async function openRequest(url: URL, options: RequestOptions): Promise<OpenedResponse> {
  const controller = new AbortController();
  let idle = false;
  const onParentAbort = () => controller.abort();
  if (options.signal.aborted) controller.abort();
  else options.signal.addEventListener('abort', onParentAbort, { once: true });
  // cockatiel's signal covers the wait for the response; `controller` (cancellation, the body's idle timeout) covers the body too.
  const headerTimeout = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
  let current = url;
  const origin = url.origin;
  try {
    for (let hop = 0; ; hop++) {
      const headers = current.origin === origin ? options.headers : stripUserHeaders(options.headers);
      let response: Response;
      try {
        response = await headerTimeout.execute(({ signal }) => fetch(current, { headers, redirect: 'manual', signal: AbortSignal.any([signal, controller.signal]) }), controller.signal);
      } catch (error) {
        if (options.signal.aborted) throw error;
        if (controller.signal.aborted || (error as Error).name === 'AbortError') {
          throw new TransientError(`${current.origin}: no response within ${Math.round(options.timeoutMs / 1000)} s`);
        }
        throw transientFromNetwork(error, current);
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new SluiceError('SOURCE_UNAVAILABLE', `${url.href}: more than ${MAX_REDIRECTS} redirects.`);
        const next = new URL(response.headers.get('location')!, current);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new SluiceError('SOURCE_UNAVAILABLE', `${url.href} redirects to a ${next.protocol} URL; only http: and https: are followed.`);
        }
        current = next;
        continue;
      }
      return {
        response,
        finalUrl: current,
        abort(reason) {
          if (reason === 'idle') idle = true;
          controller.abort();
          options.signal.removeEventListener('abort', onParentAbort);
        },
        idleTimedOut: () => idle,
      };
    }
  } catch (error) {
    options.signal.removeEventListener('abort', onParentAbort);
    throw error;
  }
}

/** Keeps only headers that are safe to send to another origin (none of the user's: they may be credentials). */
function stripUserHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() === 'range'));
}

/**
 * Reads a response body chunk by chunk; aborts it when no byte arrives for
 * `timeoutMs` (a stalled or trickling server), which the caller reports as
 * a TransientError so the retry policy tries again.
 */
export async function* readBody(opened: OpenedResponse, timeoutMs: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const body = opened.response.body;
  if (!body) return;
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => opened.abort('idle'), timeoutMs);
  };
  arm();
  try {
    for await (const chunk of body) {
      arm();
      yield chunk as Uint8Array;
    }
  } catch (error) {
    if (signal.aborted) throw error;
    const where = opened.finalUrl.origin;
    if (opened.idleTimedOut()) throw new TransientError(`${where}: no data for ${Math.round(timeoutMs / 1000)} s (stalled)`);
    throw transientFromNetwork(error, opened.finalUrl);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

