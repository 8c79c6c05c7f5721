import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkWritePermission, realPathOrSelf } from '../engine/export/write-permission.js';
import { SluiceError } from '../engine/errors.js';
import { AppFailure } from './app-failure.js';
import { describeRootRefusal, realRoot, rootVerdict, type Root } from './file-roots.js';
import type { Settings } from './settings.js';

export interface FileAccessOptions {
  mode: 'browser' | 'electron';
  /** Folders granted with `--allow DIR`, besides the home folder. */
  allow: readonly string[];
  /** The user's home folder; default `os.homedir()` (tests pass their own). */
  home?: string;
  /** The store in use: never written (nor its -wal, -shm, -journal). */
  storePath: string;
  /** Source files of imports in the store: never written. */
  importedSources: () => readonly string[];
  /**
   * Folders the app itself creates and fills (its downloads), usable for reading whatever
   * `--allow` says, never for writing through a request. Each must be a real folder: one
   * that is a symbolic link (or not a folder) is not granted, so it cannot lead elsewhere.
   */
  appFolders?: readonly string[];
}

/**
 * The one choke point for every path a request names. A path is usable when
 * it is a capability the main process handed out (Electron: the native dialog,
 * a drop, the recent list, the OS "open with") or when its resolved real path
 * (symlinks followed) lies under an allowed root: the home folder or an
 * `--allow` folder, minus hidden files and folders an `--allow` does not name,
 * and never /etc, /proc, /sys or /dev. Writes then go through the engine's
 * `checkWritePermission`. Refusals name the `--allow` that would permit the
 * path and never contain anything read from a file.
 */
export class FileAccess {
  private readonly roots: Root[];
  /** The app's own folders (real paths): read roots only. */
  private readonly appRoots: Root[];
  /** Electron's capabilities: real paths the user picked, dropped or opened from the OS. Kept in the main process only. */
  private readonly granted = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly options: FileAccessOptions,
  ) {
    const home = options.home ?? os.homedir();
    this.roots = [realRoot(home, false), ...options.allow.map((folder) => realRoot(folder, true))];
    this.appRoots = (options.appFolders ?? []).flatMap((folder) => {
      const own = ownFolder(folder);
      return own ? [{ path: own, named: true }] : [];
    });
  }

  /**
   * One of the app's own folders, ready to be written by the app itself (created when missing);
   * refused when it is a symbolic link or not a folder, since the app would then write elsewhere.
   */
  appFolder(folder: string): string {
    const own = ownFolder(folder);
    if (!own || !this.appRoots.some((root) => root.path === own)) {
      throw new AppFailure('NOT_ALLOWED', `${folder} is not a plain folder of Sluice's own (it is a symbolic link or not a folder); remove it and try again.`);
    }
    return own;
  }

  /** Normalises a user-typed path: `~/x` expands, the result must be absolute. */
  static normalise(input: string): string {
    const trimmed = input.trim();
    const expanded = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
    if (!path.isAbsolute(expanded)) throw new AppFailure('USAGE', `Please give a full path (starting with ${path.sep === '/' ? '/' : 'a drive letter'}): "${input}".`);
    return path.resolve(expanded);
  }

  /**
   * Electron only: the user chose this path in a native dialog, dropped it on
   * the window or opened it from the OS, so it is usable whatever its folder.
   * A data file's sibling rule file (`x.rules.json`) comes with it.
   */
  grant(input: string): string {
    if (this.options.mode !== 'electron') throw new AppFailure('NOT_ALLOWED', 'Only the desktop app hands out file capabilities.');
    const resolved = FileAccess.normalise(input);
    const real = realPathOrSelf(resolved);
    this.granted.add(real);
    this.granted.add(resolved);
    const sibling = `${real.replace(/\.[^./\\]+$/, '')}.rules.json`;
    this.granted.add(sibling);
    return real;
  }

  /** The choke point for reads: a usable, existing, readable regular file; returns its real path. */
  authorizeRead(input: string): string {
    const resolved = FileAccess.normalise(input);
    this.requireUsable(resolved, resolved, 'read');
    let real: string;
    try {
      real = fs.realpathSync(resolved);
    } catch (error) {
      // A folder on the way that cannot be entered hides the file: say so rather than "no such file".
      if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new AppFailure('FILE_UNREADABLE', `${resolved} cannot be read (permission denied: a folder on its path cannot be opened).`);
      throw new AppFailure('FILE_NOT_FOUND', `${resolved}: no such file.`);
    }
    this.requireUsable(real, resolved, 'read');
    const stat = fs.statSync(real);
    if (!stat.isFile()) throw new AppFailure('NOT_A_FILE', `${resolved} is not a regular file.`);
    try {
      fs.accessSync(real, fs.constants.R_OK);
    } catch {
      throw new AppFailure('FILE_UNREADABLE', `${resolved} cannot be read (permission denied).`);
    }
    return real;
  }

  /**
   * The choke point for writes: a usable path (the real path of its folder is
   * checked, so a symlinked folder cannot lead outside), then the engine's one
   * write-permission decision (never the store or its companions, never an
   * imported source, an existing file only with `overwrite`). Returns the path to write.
   */
  authorizeWrite(input: string, overwrite: boolean): string {
    const resolved = FileAccess.normalise(input);
    this.requireUsable(resolved, resolved, 'write');
    const real = realPathOrSelf(resolved);
    this.requireUsable(real, resolved, 'write');
    if (real === this.settings.file || resolved === this.settings.file) throw new AppFailure('WRITE_REFUSED', `Refusing to write ${resolved}: it is Sluice's settings file.`);
    try {
      return checkWritePermission(real, { storePath: this.options.storePath, protectedSources: this.options.importedSources(), overwrite });
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'FILE_EXISTS') {
        throw new AppFailure('FILE_EXISTS', `${resolved} already exists; confirm that you want to replace it.`);
      }
      throw error;
    }
  }

  /** The user opened this file: it must be readable; `recent` lists it on the Home screen. */
  open(input: string, options: { recent: boolean }): { path: string; size: number } {
    const real = this.authorizeRead(input);
    if (options.recent) this.settings.rememberOpened(real);
    return { path: real, size: fs.statSync(real).size };
  }

  /** A readable file the request may use, or null (for optional companions such as a sibling rule file). */
  usableOrNull(input: string): string | null {
    try {
      return this.authorizeRead(input);
    } catch {
      return null;
    }
  }

  private isCapability(candidate: string): boolean {
    if (this.options.mode !== 'electron') return false;
    return this.granted.has(candidate) || this.settings.recentFiles.some((file) => file.path === candidate);
  }

  private requireUsable(candidate: string, asTyped: string, use: 'read' | 'write'): void {
    if (this.isCapability(candidate) || this.isCapability(asTyped)) return;
    // The app's folders come first for reads: they may lie under a hidden folder of a root (~/.config/sluice/downloads).
    if (use === 'read' && rootVerdict(candidate, this.appRoots).ok) return;
    const verdict = rootVerdict(candidate, this.roots);
    if (verdict.ok) return;
    throw new AppFailure('NOT_ALLOWED', describeRootRefusal(asTyped, verdict, this.options.mode));
  }
}


/**
 * The real path of an app folder, created when missing, or null when it is not a plain
 * folder: a symbolic link (at its last step) or a file. Folders above it are the user's
 * own choice (SLUICE_HOME may be a link) and are resolved.
 */
function ownFolder(folder: string): string | null {
  const resolved = path.resolve(folder);
  try {
    fs.mkdirSync(resolved, { recursive: true });
    const stat = fs.lstatSync(resolved);
    if (!stat.isDirectory() || stat.isSymbolicLink()) return null;
    const real = fs.realpathSync(resolved);
    return real === path.join(fs.realpathSync(path.dirname(resolved)), path.basename(resolved)) ? real : null;
  } catch {
    return null;
  }
}
