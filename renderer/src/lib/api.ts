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
 * `POST /api/<channel>` and events arrive over Server-Sent Events. Components
 * import `api` and never know which one they got.
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
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    setConnection('lost');
    return { ok: false, error: { code: 'DISCONNECTED', message: 'Sluice is not running (the connection to it was lost).' } };
  }
  if (response.status === 401 || response.status === 403) {
    setConnection('unauthorized');
    return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This page is not authorised; open the URL Sluice printed when it started.' } };
  }
  setConnection('online');
  return (await response.json()) as Result<ResponseOf<C>>;
}

type Listener = (message: EventMessage) => void;
const listeners = new Set<Listener>();
let eventsStarted = false;
let source: EventSource | null = null;
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

/** (Re)opens the event stream. EventSource retries a dropped stream by itself, but gives up for good on an error status. */
function reopenEvents(): void {
  if (bridge || !eventsStarted) return;
  if (source && source.readyState !== EventSource.CLOSED) return;
  source = new EventSource('./api/events');
  source.addEventListener('open', () => setConnection('online'));
  source.addEventListener('error', () => {
    // The backend died or restarted: in-flight progress events are gone, so say so until it answers again.
    if (connection === 'online') setConnection('lost');
  });
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => {
      dispatch({ event: name, data: JSON.parse((event as MessageEvent<string>).data) as SluiceEvents[typeof name] });
    });
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
