import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecentFile } from './contract.js';
import { AppFailure } from './app-failure.js';

/**
 * A small JSON file: recent files for the Home screen (in the desktop app also
 * a capability, see file-access.ts) and the window's placement. Written
 * atomically (temp file + rename) so a crash never leaves it half-written.
 */
export interface SettingsData {
  recentFiles: RecentFile[];
  /** Imports the user removed from the Home history (their rows and records stay in the store). */
  hiddenImports?: number[];
  window?: { x?: number; y?: number; width: number; height: number; maximized: boolean };
}

const MAX_RECENT_FILES = 12;

/** `SLUICE_HOME` (tests, portable setups) or the platform's per-user app data folder. */
export function defaultAppHome(): string {
  if (process.env.SLUICE_HOME) return path.resolve(process.env.SLUICE_HOME);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Sluice');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Sluice');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'sluice');
}

export class Settings {
  private data: SettingsData;
  private saveFailed = false;
  readonly file: string;

  constructor(readonly home: string) {
    try {
      fs.mkdirSync(home, { recursive: true });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new AppFailure('WRITE_REFUSED', `Cannot create the app's folder ${home} (${reason}). Set SLUICE_HOME to a folder you can write.`);
    }
    this.file = path.join(home, 'settings.json');
    this.data = Settings.read(this.file);
  }

  private static read(file: string): SettingsData {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SettingsData>;
      return {
        recentFiles: Array.isArray(parsed.recentFiles) ? parsed.recentFiles.filter((f) => typeof f?.path === 'string') : [],
        ...(Array.isArray(parsed.hiddenImports) ? { hiddenImports: parsed.hiddenImports.filter((id) => Number.isInteger(id)) } : {}),
        ...(parsed.window ? { window: parsed.window } : {}),
      };
    } catch {
      // Missing or unreadable settings start empty; nothing in them is essential.
      return { recentFiles: [] };
    }
  }

  /** Where the app downloads URL sources; a folder of the app's own (see FileAccess's app folders). */
  get downloadsFolder(): string {
    return path.join(this.home, 'downloads');
  }

  get recentFiles(): RecentFile[] {
    return this.data.recentFiles.map((f) => ({ ...f }));
  }

  get window(): SettingsData['window'] {
    return this.data.window;
  }

  /**
   * Lists a file the user opened on the Home screen. (Earlier versions also kept
   * an `openedPaths` allow-list here; access is now decided by FileAccess alone,
   * and such a list in an old settings file is ignored.)
   */
  rememberOpened(filePath: string): void {
    const entry: RecentFile = { path: filePath, name: path.basename(filePath), openedAt: new Date().toISOString() };
    this.data.recentFiles = [entry, ...this.data.recentFiles.filter((f) => f.path !== filePath)].slice(0, MAX_RECENT_FILES);
    this.save();
  }

  /** Takes a file off the recent list; it stays readable (other screens may still show it). */
  forgetRecent(filePath: string): void {
    this.data.recentFiles = this.data.recentFiles.filter((f) => f.path !== filePath);
    this.save();
  }

  isImportHidden(importId: number): boolean {
    return this.data.hiddenImports?.includes(importId) ?? false;
  }

  /** Takes an import off the Home history; nothing in the store changes. */
  hideImport(importId: number): void {
    if (!this.isImportHidden(importId)) this.data.hiddenImports = [...(this.data.hiddenImports ?? []), importId];
    this.save();
  }

  setWindow(window: NonNullable<SettingsData['window']>): void {
    this.data.window = window;
    this.save();
  }

  /**
   * Nothing in the settings is essential, so a folder that cannot be written (read-only, full, another
   * user's) must not make opening a file fail: the list lives on in memory and the problem is said once.
   */
  private save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`);
      fs.renameSync(temporary, this.file);
    } catch (error) {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Left behind in a folder we cannot write anyway.
      }
      if (this.saveFailed) return;
      this.saveFailed = true;
      const reason = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      process.stderr.write(`sluice: cannot save the recent files list in ${this.file} (${reason}); it is kept until the app closes.\n`);
    }
  }
}
