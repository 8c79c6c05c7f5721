import type {
  AppError,
  Channel,
  EventMessage,
  EventName,
  RequestOf,
  ResponseOf,
  Result,
  SluiceBridge,
  SluiceEvents,
} from '../../../main/app/contract.js';

/**
 * The one module that talks to the app service. In Electron the preload's
 * bridge carries each channel over IPC; in the browser mode each channel is a
 * `POST /api/<channel>` and events arrive as a Server-Sent Events stream read
 * through `fetch`. Components import `api` and never know which one they got.
 *
 * Browser mode authenticates with a token the page holds itself: the start URL
 * carries it in its fragment (`/#token=…`, never sent to any server), the page
 * moves it to sessionStorage (this tab, this origin only), removes it from the
 * address bar and sends it in the `X-Sluice-Token` header of every request. No
 * cookie exists, so the browser never sends a Sluice credential anywhere by itself.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

declare global {
  interface Window {
    sluiceBridge?: SluiceBridge;
  }
}

const bridge: SluiceBridge | undefined = typeof window !== 'undefined' ? window.sluiceBridge : undefined;

const TOKEN_STORAGE_KEY = 'sluice-token';
const TOKEN_HEADER = 'X-Sluice-Token';

/** Takes the token from the address bar's fragment (if any) into sessionStorage and removes it from the address bar. */
function adoptTokenFromFragment(): boolean {
  const match = /(?:^#|&)token=([\w-]+)/.exec(window.location.hash);
  if (!match) return false;
  sessionStorage.setItem(TOKEN_STORAGE_KEY, match[1]!);
  history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}`);
  return true;
}

function authHeaders(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_STORAGE_KEY);
  return token ? { [TOKEN_HEADER]: token } : {};
}

if (!bridge && typeof window !== 'undefined') {
  adoptTokenFromFragment();
  // Pasting the new start URL into this tab changes only the fragment (no reload): take the new token and reconnect.
  window.addEventListener('hashchange', () => {
    if (adoptTokenFromFragment()) api.reconnect();
  });
}

/**
 * Whether the backend answers. 'lost': a request failed or the event stream
 * dropped, and we are retrying; 'unauthorized': a server answers but refuses this
 * page (it was restarted with a new token, so only its new URL gets in).
 */
export type Connection = 'online' | 'lost' | 'unauthorized';

/** First retry soon (a blip), then back off so a stopped server is not hammered. */
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5_000;

let connection: Connection = 'online';
const connectionListeners = new Set<(state: Connection) => void>();
let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
let reconnectDelayMs = RECONNECT_FIRST_MS;

function setConnection(next: Connection): void {
  if (next === connection) return;
  connection = next;
  if (next === 'online') {
    reconnectDelayMs = RECONNECT_FIRST_MS;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
  } else {
    scheduleReconnect();
  }
  for (const listener of connectionListeners) listener(next);
}

function scheduleReconnect(): void {
  if (reconnectTimer) return;
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    void probe();
  }, reconnectDelayMs);
  reconnectDelayMs = Math.min(RECONNECT_MAX_MS, reconnectDelayMs * 2);
}

/** One cheap call: it succeeds (back online), or fails and schedules the next try. */
async function probe(): Promise<void> {
  const result = await request('app/info', {});
  if (result.ok) {
    setConnection('online');
    reopenEvents();
  } else if (connection !== 'online') {
    scheduleReconnect();
  }
}

async function request<C extends Channel>(channel: C, body: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  if (bridge) {
    const fn = bridge.api[channel] as (req: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
    return fn(body);
  }
  let response: Response;
  try {
    response = await fetch(`./api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...authHeaders() },
      credentials: 'omit',
      body: JSON.stringify(body),
    });
  } catch {
    setConnection('lost');
    return { ok: false, error: { code: 'DISCONNECTED', message: 'Sluice is not running (the connection to it was lost).' } };
  }
  if (response.status === 401 || response.status === 403) {
    setConnection('unauthorized');
    return {
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'This tab has no valid access key (Sluice was restarted); open the address Sluice printed when it started.' },
    };
  }
  setConnection('online');
  return (await response.json()) as Result<ResponseOf<C>>;
}

type Listener = (message: EventMessage) => void;
const listeners = new Set<Listener>();
let eventsStarted = false;
let eventStream: AbortController | null = null;
/** The contract's event names: the renderer imports the contract type-only, so not its runtime list. */
const EVENT_NAMES = ['import/progress', 'import/finished', 'export/progress', 'app/open-file'] as const satisfies readonly EventName[];

function dispatch(message: EventMessage): void {
  for (const listener of listeners) listener(message);
}

function startEvents(): void {
  if (eventsStarted) return;
  eventsStarted = true;
  if (bridge) {
    bridge.onEvent(dispatch);
    return;
  }
  reopenEvents();
}

/** (Re)opens the event stream, unless one is open. A dropped stream marks the connection lost; the reconnect probe reopens it. */
function reopenEvents(): void {
  if (bridge || !eventsStarted || eventStream) return;
  const controller = new AbortController();
  eventStream = controller;
  void readEvents(controller).finally(() => {
    if (eventStream === controller) eventStream = null;
  });
}

/**
 * Reads the Server-Sent Events stream with fetch rather than EventSource: only
 * fetch can send the token header. Frames are `event: NAME` and `data: JSON`
 * lines ended by a blank line; `:` lines are keepalives.
 */
async function readEvents(controller: AbortController): Promise<void> {
  let response: Response;
  try {
    response = await fetch('./api/events', { headers: authHeaders(), credentials: 'omit', cache: 'no-store', signal: controller.signal });
  } catch {
    if (connection === 'online') setConnection('lost');
    return;
  }
  if (response.status === 401 || response.status === 403) return setConnection('unauthorized');
  if (!response.ok || !response.body) {
    if (connection === 'online') setConnection('lost');
    return;
  }
  setConnection('online');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        dispatchFrame(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  } catch {
    // The backend died or restarted mid-stream: handled below like a clean end.
  }
  // In-flight progress events are gone, so say so until the backend answers again.
  if (connection === 'online') setConnection('lost');
}

function dispatchFrame(frame: string): void {
  let name = '';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data += line.slice('data: '.length);
  }
  const event = EVENT_NAMES.find((known) => known === name);
  if (!event || data === '') return;
  try {
    dispatch({ event, data: JSON.parse(data) as SluiceEvents[typeof event] } as EventMessage);
  } catch {
    // A frame that is not JSON is not ours; skip it rather than stop the stream.
  }
}

export const api = {
  /** Resolves with the value, or throws ApiError with the service's code and user-facing message. */
  async call<C extends Channel>(channel: C, body: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await request(channel, body);
    if (!result.ok) throw new ApiError(result.error.code, result.error.message);
    return result.value;
  },

  request,

  onEvent<E extends EventName>(name: E, listener: (data: SluiceEvents[E]) => void): () => void {
    startEvents();
    const wrapped: Listener = (message) => {
      if (message.event === name) listener(message.data as SluiceEvents[E]);
    };
    listeners.add(wrapped);
    return () => listeners.delete(wrapped);
  },

  /** The backend's reachability: the UI shows a banner while it is not 'online'; `listener` gets every change. */
  get connection(): Connection {
    return connection;
  },

  onConnection(listener: (state: Connection) => void): () => void {
    connectionListeners.add(listener);
    return () => connectionListeners.delete(listener);
  },

  /** Tries to reach the backend now rather than at the next scheduled retry. */
  reconnect(): void {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    reconnectDelayMs = RECONNECT_FIRST_MS;
    void probe();
  },

  get hasNativeDialogs(): boolean {
    return bridge !== undefined;
  },

  openDialog(kind: 'data' | 'rules'): Promise<string | null> {
    return bridge ? bridge.showOpenDialog({ kind }) : Promise.resolve(null);
  },

  saveDialog(defaultPath: string, kind: 'csv' | 'jsonl' | 'rules'): Promise<string | null> {
    return bridge ? bridge.showSaveDialog({ defaultPath, kind }) : Promise.resolve(null);
  },

  /** A dropped file's path: Electron knows it; a browser does not reveal it. */
  pathForFile(file: File): string {
    return bridge ? bridge.pathForFile(file) : '';
  },
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export type { AppError };
