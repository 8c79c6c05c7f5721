import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_CHANNELS, type EventMessage, type Result } from '../app/contract.js';
import type { AppService } from '../app/service.js';
import { isAppUrl } from './security.js';

export const EVENT_CHANNEL = 'sluice:event';

/** Only the app's own top-level page may call; anything else (a stray frame, a navigated page) is refused. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

const untrusted: Result<never> = { ok: false, error: { code: 'BAD_REQUEST', message: 'Request from an untrusted frame.' } };

/**
 * The one wrapper every IPC handler goes through: sender check, then the
 * service's own argument validation; throws become `{ ok: false, error }`.
 */
export function handle<T>(channel: string, handler: (request: unknown) => Promise<T> | T): void {
  ipcMain.handle(channel, async (event, request: unknown) => {
    if (!isTrustedSender(event)) return untrusted;
    return handler(request);
  });
}

export function registerApi(service: AppService): void {
  for (const channel of API_CHANNELS) handle(channel, (request) => service.call(channel, request));
}

export function relayEvents(service: AppService, send: (message: EventMessage) => void): () => void {
  return service.onEvent(send);
}
