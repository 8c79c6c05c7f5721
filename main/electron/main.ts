import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, protocol, session } from 'electron';
import { AppService } from '../app/service.js';
import { buildAppMenu } from './app-menu.js';
import { pickFile, registerDialogs } from './dialogs.js';
import { EVENT_CHANNEL, registerApi, registerDropGrants } from './ipc.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, RESPONSE_HEADERS, hardenSession, hardenWebContents, secureWebPreferences } from './security.js';
import { rememberWindowState, restoredBounds } from './window-state.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.resolve(here, '..', '..', 'renderer');
const preloadPath = path.join(here, 'preload', 'preload.js');
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | null = null;
let service: AppService | null = null;

/** Files named on the command line (or by a second launch) that Sluice should open. */
function fileArguments(argv: string[]): string[] {
  const args = argv.slice(app.isPackaged ? 1 : 2);
  return args.filter((arg, i) => !arg.startsWith('-') && args[i - 1] !== '--allow' && fs.existsSync(arg) && fs.statSync(arg).isFile());
}

/** `--allow DIR` (repeatable): folders besides the home folder that typed paths may lie under, as in browser mode. */
function allowArguments(argv: string[]): string[] {
  const folders: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--allow' && argv[i + 1]) folders.push(path.resolve(argv[i + 1]!));
    else if (arg.startsWith('--allow=')) folders.push(path.resolve(arg.slice('--allow='.length)));
  });
  return folders;
}

function openForUser(filePath: string): void {
  if (!service) return;
  try {
    // Opened from the OS (open with, dock, second launch) or the recent list: the user chose it, so it is a capability.
    service.files.grant(path.resolve(filePath));
    const opened = service.files.open(path.resolve(filePath), { recent: true });
    service.emit('app/open-file', { path: opened.path });
    refreshMenu();
  } catch {
    // The renderer shows errors for files it opens itself; a bad OS argument is ignored.
  }
}

function refreshMenu(): void {
  if (!service) return;
  const current = service;
  buildAppMenu({
    openFile: () => void pickFile(current, 'data').then((picked) => picked && current.emit('app/open-file', { path: picked })),
    openRecent: (filePath) => openForUser(filePath),
    recentFiles: () => current.settings.recentFiles,
  });
}

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const file = path.resolve(rendererRoot, relative);
  if (!file.startsWith(rendererRoot + path.sep)) return new Response('Not found', { status: 404 });
  try {
    const body = await fs.promises.readFile(file);
    return new Response(body, { headers: { ...RESPONSE_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

function createWindow(current: AppService): BrowserWindow {
  const bounds = restoredBounds(current.settings);
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Sluice',
    backgroundColor: '#0f1318',
    webPreferences: secureWebPreferences(preloadPath),
  });
  if (bounds.maximized) window.maximize();
  rememberWindowState(window, current.settings);
  const unsubscribe = current.onEvent((message) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
  });
  window.on('closed', () => {
    unsubscribe();
    mainWindow = null;
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    for (const file of fileArguments(argv)) openForUser(file);
  });
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    openForUser(filePath);
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  void app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, serveRenderer);
    hardenSession(session.defaultSession);
    const version = app.getVersion();
    service = new AppService({ mode: 'electron', version, home: process.env.SLUICE_HOME ?? app.getPath('userData'), allow: allowArguments(process.argv) });
    registerApi(service);
    registerDropGrants(service);
    registerDialogs(service);
    refreshMenu();
    mainWindow = createWindow(service);
    const startupFiles = fileArguments(process.argv);
    mainWindow.webContents.once('did-finish-load', () => startupFiles.forEach(openForUser));
    app.on('activate', () => {
      if (!mainWindow && service) mainWindow = createWindow(service);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void service?.close());
}
