import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../engine/store/store.js';
import { toAppError } from './app-failure.js';
import { isChannel, type AppInfo, type Channel, type EventMessage, type Result, type SluiceEvents } from './contract.js';
import { dataHandlers } from './data-handlers.js';
import { detailHandlers } from './detail-handlers.js';
import { quarantineHandlers } from './quarantine-handlers.js';
import { FileAccess } from './file-access.js';
import { fileHandlers } from './file-handlers.js';
import { rulesSqlHandler } from './rules-sql-handler.js';
import { gridHandlers } from './grid-handlers.js';
import { homeListHandlers } from './home-list-handlers.js';
import type { Handlers } from './handlers.js';
import { importHandlers } from './import-handlers.js';
import { historyHandlers } from './history-handlers.js';
import { tableDropHandlers } from './table-drop-handlers.js';
import { ImportRunner } from './import-runner.js';
import { PreviewRunner } from './preview-runner.js';
import { Settings, defaultAppHome } from './settings.js';
import { TableReader } from './table-reader.js';
import { validateRequest } from './validate.js';

export interface ServiceOptions {
  mode: AppInfo['mode'];
  /** Folder for settings (and the default store); default: SLUICE_HOME or the platform's app data folder. */
  home?: string;
  /** Default: <home>/sluice.sqlite. */
  dbPath?: string;
  version?: string;
  /** Folders besides the home folder that paths may lie under (`--allow DIR`). */
  allow?: readonly string[];
  /** The home folder that bounds typed paths; default `os.homedir()`. */
  userHome?: string;
}

export type EventListener = (message: EventMessage) => void;

/**
 * The app service: every contract channel implemented on top of the engine,
 * independent of the transport (Electron IPC or the browser mode's HTTP API).
 * `call` validates the request and never throws: failures come back as
 * `{ ok: false, error: { code, message } }`.
 */
export class AppService {
  readonly settings: Settings;
  readonly files: FileAccess;
  readonly dbPath: string;
  private readonly store: Store;
  private readonly runner: ImportRunner;
  private readonly reader: TableReader;
  private readonly previews = new PreviewRunner();
  private readonly handlers: Handlers;
  private readonly listeners = new Set<EventListener>();

  constructor(readonly options: ServiceOptions) {
    const home = options.home ?? defaultAppHome();
    this.settings = new Settings(home);
    this.dbPath = path.resolve(options.dbPath ?? path.join(home, 'sluice.sqlite'));
    fs.mkdirSync(path.dirname(this.dbPath), { recursive: true });
    this.store = Store.open(this.dbPath);
    this.files = new FileAccess(this.settings, {
      mode: options.mode,
      allow: options.allow ?? [],
      ...(options.userHome ? { home: options.userHome } : {}),
      storePath: this.dbPath,
      importedSources: () => this.store.imports.sourcePaths(),
      appFolders: [this.settings.downloadsFolder],
    });
    const emit = <E extends keyof SluiceEvents>(event: E, data: SluiceEvents[E]) => this.emit(event, data);
    this.runner = new ImportRunner(emit);
    this.reader = new TableReader(this.dbPath);
    const info: AppInfo = { mode: options.mode, version: options.version ?? '0.0.0', dbPath: this.dbPath, nativeDialogs: options.mode === 'electron' };
    const imports = importHandlers(this.store, this.dbPath, this.files, this.runner);
    this.handlers = {
      'app/info': () => info,
      ...fileHandlers(this.files, this.settings, this.previews),
      ...rulesSqlHandler(this.files),
      ...imports,
      ...dataHandlers(this.store, this.dbPath, this.files, emit, (id) => this.runner.isLive(id)),
      ...gridHandlers(this.reader),
      ...homeListHandlers(this.settings, imports['imports/list'], (id) => this.runner.isLive(id), (id) => this.store.imports.forgetUndoData(id)),
      ...quarantineHandlers(this.store, this.dbPath, (id) => this.runner.isLive(id)),
      ...historyHandlers(this.store, this.dbPath, this.files, (id) => this.runner.isLive(id)),
      ...detailHandlers(this.store),
      ...tableDropHandlers(this.store, (id) => this.runner.isLive(id)),
    };
  }

  async call(channel: unknown, request: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}.` } };
    try {
      const valid = validateRequest(channel, request);
      const handler = this.handlers[channel] as (req: unknown) => unknown;
      return { ok: true, value: await handler(valid) };
    } catch (error) {
      return { ok: false, error: toAppError(error) };
    }
  }

  /** Typed convenience for in-process callers (tests, the Electron shell's own menu actions). */
  invoke<C extends Channel>(channel: C, request: Parameters<Handlers[C]>[0]): Promise<Result<Awaited<ReturnType<Handlers[C]>>>> {
    return this.call(channel, request) as Promise<Result<Awaited<ReturnType<Handlers[C]>>>>;
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to every connected UI (the shell uses it for files opened from the menu or the OS). */
  emit<E extends keyof SluiceEvents>(event: E, data: SluiceEvents[E]): void {
    for (const listener of this.listeners) listener({ event, data } as EventMessage);
  }

  /** Cancels running imports (they stay resumable) and closes the store. */
  async close(): Promise<void> {
    this.runner.cancelAll();
    await this.reader.close();
    this.previews.close();
    this.store.close();
  }
}
