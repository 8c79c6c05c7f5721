import { BrowserWindow, dialog } from 'electron';
import type { AppService } from '../app/service.js';
import { handle } from './ipc.js';

const DATA_FILTERS = [
  { name: 'Data files', extensions: ['csv', 'tsv', 'txt', 'jsonl', 'ndjson'] },
  { name: 'All files', extensions: ['*'] },
];
const RULE_FILTERS = [{ name: 'Rule files', extensions: ['json'] }];

/** Native open/save dialogs. A path the user picks here is a capability: the service may use it whatever its folder. */
export function registerDialogs(service: AppService): void {
  handle('dialog/open', async (request) => {
    const kind = (request as { kind?: unknown } | null)?.kind === 'rules' ? 'rules' : 'data';
    return pickFile(service, kind);
  });
  handle('dialog/save', async (request) => {
    const { defaultPath, kind } = (request ?? {}) as { defaultPath?: unknown; kind?: unknown };
    const window = BrowserWindow.getFocusedWindow();
    const options = {
      defaultPath: typeof defaultPath === 'string' ? defaultPath : undefined,
      filters: kind === 'rules' ? RULE_FILTERS : kind === 'jsonl' ? [{ name: 'JSON Lines', extensions: ['jsonl'] }] : [{ name: 'CSV', extensions: ['csv'] }],
    };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return null;
    service.files.grant(result.filePath);
    return result.filePath;
  });
}

export async function pickFile(service: AppService, kind: 'data' | 'rules'): Promise<string | null> {
  const window = BrowserWindow.getFocusedWindow();
  const options = { properties: ['openFile' as const], filters: kind === 'rules' ? RULE_FILTERS : DATA_FILTERS };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  const picked = result.canceled ? undefined : result.filePaths[0];
  if (!picked) return null;
  service.files.grant(picked);
  service.files.open(picked, { recent: kind === 'data' });
  return picked;
}
