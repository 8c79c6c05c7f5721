// Sandboxed preloads run as CommonJS and may require only 'electron': this folder's package.json
// makes tsc emit CommonJS, and the channel list is written out here, checked against the contract by `satisfies`.
import electron = require('electron');
import type { Channel, EventMessage, SluiceApi, SluiceBridge } from '../../app/contract.js';

const { contextBridge, ipcRenderer, webUtils } = electron;
const EVENT_CHANNEL = 'sluice:event';
const DROP_CHANNEL = 'sluice:dropped-file';

function channel<C extends Channel>(name: C): SluiceApi[C] {
  return ((request: unknown) => ipcRenderer.invoke(name, request)) as SluiceApi[C];
}

const api = {
  'app/info': channel('app/info'),
  'files/recent': channel('files/recent'),
  'files/open': channel('files/open'),
  'files/preview': channel('files/preview'),
  'rules/preview': channel('rules/preview'),
  'rules/load': channel('rules/load'),
  'rules/save': channel('rules/save'),
  'rules/sql': channel('rules/sql'),
  'import/start': channel('import/start'),
  'import/resume': channel('import/resume'),
  'import/control': channel('import/control'),
  'import/state': channel('import/state'),
  'imports/list': channel('imports/list'),
  'quarantine/page': channel('quarantine/page'),
  'quarantine/summary': channel('quarantine/summary'),
  'quarantine/retry': channel('quarantine/retry'),
  'quarantine/revalidate': channel('quarantine/revalidate'),
  'quarantine/facets': channel('quarantine/facets'),
  'quarantine/row': channel('quarantine/row'),
  'quarantine/edit': channel('quarantine/edit'),
  'quarantine/fix': channel('quarantine/fix'),
  'quarantine/dismiss': channel('quarantine/dismiss'),
  'tables/list': channel('tables/list'),
  'tables/page': channel('tables/page'),
  'tables/drop-preview': channel('tables/drop-preview'),
  'tables/drop': channel('tables/drop'),
  'export/start': channel('export/start'),
  'grid/page': channel('grid/page'),
  'grid/count': channel('grid/count'),
  'grid/cancel': channel('grid/cancel'),
  'grid/profile': channel('grid/profile'),
  'files/forget': channel('files/forget'),
  'imports/hide': channel('imports/hide'),
  'import/plan': channel('import/plan'),
  'imports/undo-preview': channel('imports/undo-preview'),
  'imports/undo': channel('imports/undo'),
  'imports/forget': channel('imports/forget'),
  'imports/log': channel('imports/log'),
  'imports/trace': channel('imports/trace'),
  'imports/warnings': channel('imports/warnings'),
} satisfies SluiceBridge['api'];

const bridge: SluiceBridge = {
  api,
  onEvent(listener) {
    const relay = (_event: unknown, message: EventMessage) => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => ipcRenderer.off(EVENT_CHANNEL, relay);
  },
  // Only a real dropped File has a path; the main process records it as a capability before the renderer may use it.
  // sendSync so the grant is in place before the renderer's next call (files/open) arrives.
  pathForFile(file) {
    let filePath = '';
    try {
      filePath = webUtils.getPathForFile(file as File);
    } catch {
      return '';
    }
    return filePath && ipcRenderer.sendSync(DROP_CHANNEL, filePath) === true ? filePath : '';
  },
  showOpenDialog: (request) => ipcRenderer.invoke('dialog/open', request) as Promise<string | null>,
  showSaveDialog: (request) => ipcRenderer.invoke('dialog/save', request) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('sluiceBridge', bridge);
