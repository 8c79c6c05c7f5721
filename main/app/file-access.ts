import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppFailure } from './app-failure.js';
import type { Settings } from './settings.js';

/**
 * The app reads only files the user chose (typed, picked in a dialog or
 * dropped), never a path a page makes up: `open` is the one door that adds a
 * path to the allow-list, and every later read goes through `requireOpened`.
 */
export class FileAccess {
  constructor(
    private readonly settings: Settings,
    private readonly protectedPaths: string[],
  ) {}

  /** Normalises a user-typed path: `~/x` expands, the result must be absolute. */
  static normalise(input: string): string {
    const trimmed = input.trim();
    const expanded = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
    if (!path.isAbsolute(expanded)) throw new AppFailure('USAGE', `Please give a full path (starting with ${path.sep === '/' ? '/' : 'a drive letter'}): "${input}".`);
    return path.resolve(expanded);
  }

  /** The user opened this file: check it is a readable regular file and allow reading it from now on. */
  open(input: string, options: { recent: boolean }): { path: string; size: number } {
    const resolved = FileAccess.normalise(input);
    let real: string;
    try {
      real = fs.realpathSync(resolved);
    } catch (error) {
      // A folder on the way that cannot be entered hides the file: say so rather than "no such file".
      if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new AppFailure('FILE_UNREADABLE', `${resolved} cannot be read (permission denied: a folder on its path cannot be opened).`);
      throw new AppFailure('FILE_NOT_FOUND', `${resolved}: no such file.`);
    }
    const stat = fs.statSync(real);
    if (!stat.isFile()) throw new AppFailure('NOT_A_FILE', `${resolved} is not a regular file.`);
    try {
      fs.accessSync(real, fs.constants.R_OK);
    } catch {
      throw new AppFailure('FILE_UNREADABLE', `${resolved} cannot be read (permission denied).`);
    }
    this.settings.rememberOpened(real, options.recent);
    return { path: real, size: stat.size };
  }

  /** A path the user opened earlier; anything else is refused. */
  requireOpened(input: string): string {
    const resolved = FileAccess.normalise(input);
    let real = resolved;
    try {
      real = fs.realpathSync(resolved);
    } catch {
      // A vanished file keeps its allow-list entry; the engine reports it as not found.
    }
    if (!this.settings.hasOpened(real)) throw new AppFailure('NOT_OPENED', `${resolved} has not been opened in Sluice; open it first.`);
    return real;
  }

  /** A path the user chose to write to: its folder must exist, and it must not be a source or the store. */
  requireWritable(input: string): string {
    const resolved = FileAccess.normalise(input);
    const folder = path.dirname(resolved);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new AppFailure('USAGE', `The folder ${folder} does not exist.`);
    if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) throw new AppFailure('NOT_A_FILE', `${resolved} is a folder.`);
    const real = fs.existsSync(resolved) ? fs.realpathSync(resolved) : resolved;
    const isOpenedSource = this.settings.hasOpened(real) && !real.endsWith('.rules.json');
    if (this.protectedPaths.includes(real) || isOpenedSource) {
      throw new AppFailure('USAGE', `Refusing to overwrite ${resolved}: it is an opened source file or the Sluice store.`);
    }
    return resolved;
  }
}
