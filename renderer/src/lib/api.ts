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
    return { ok: false, error: { code: 'DISCONNECTED', message: 'Sluice is not running (the connection to it was lost).' } };
  }
  if (response.status === 401 || response.status === 403) {
    return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This page is not authorised; open the URL Sluice printed when it started.' } };
  }
  return (await response.json()) as Result<ResponseOf<C>>;
}

type Listener = (message: EventMessage) => void;
const listeners = new Set<Listener>();
let eventsStarted = false;

function startEvents(): void {
  if (eventsStarted) return;
  eventsStarted = true;
  const dispatch = (message: EventMessage) => {
    for (const listener of listeners) listener(message);
  };
  if (bridge) {
    bridge.onEvent(dispatch);
    return;
  }
  const source = new EventSource('./api/events');
  const names: EventName[] = ['import/progress', 'import/finished', 'export/progress', 'app/open-file'];
  for (const name of names) {
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
