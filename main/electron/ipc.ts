import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_CHANNELS, type EventMessage, type Result } from '../app/contract.js';
import type { AppService } from '../app/service.js';
import { isAppUrl } from './security.js';

export const EVENT_CHANNEL = 'sluice:event';
/** The preload reports a dropped file's path here; only a real dropped File has one (webUtils.getPathForFile). */
export const DROP_CHANNEL = 'sluice:dropped-file';

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

/**
 * A dropped file is a capability: the preload derives its path from the DOM
 * File (the renderer cannot make up a File with a path of its choosing) and
 * tells the main process, which adds it to its list. The renderer itself never
 * sees ipcRenderer, so it cannot send an arbitrary path here.
 */
export function registerDropGrants(service: AppService): void {
  ipcMain.on(DROP_CHANNEL, (event, filePath: unknown) => {
    event.returnValue = false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url) || typeof filePath !== 'string' || filePath === '') return;
    try {
      service.files.grant(filePath);
      event.returnValue = true;
    } catch {
      event.returnValue = false;
    }
  });
}

export function relayEvents(service: AppService, send: (message: EventMessage) => void): () => void {
  return service.onEvent(send);
}
