import fs from 'node:fs';
import path from 'node:path';
import { SluiceError } from '../errors.js';

/** What a writer must know to decide whether a path may be written. */
export interface WriteTarget {
  /** The store file in use (its `-wal`, `-shm` and `-journal` files are protected with it). */
  storePath?: string;
  /** Source files of imports in the store: never overwritten. */
  protectedSources?: readonly string[];
  /** An existing file may be replaced only when this is set (CLI `--force`; the app after the user confirmed). */
  overwrite?: boolean;
}

const STORE_COMPANION_SUFFIXES = ['', '-wal', '-shm', '-journal'];
/** Kernel and device folders: a file written there (renamed over a device, as root) breaks the system, never an export. */
const SYSTEM_FOLDERS = ['/dev', '/proc', '/sys'];

/**
 * The one decision whether Sluice may write a file (exports, rule files):
 * never the store or its companions, never an imported source, never an
 * existing file without `overwrite`, and only into an existing folder.
 * Returns the absolute target path; writers still go through a temporary
 * file renamed at the end (see `writeFileAtomically`).
 */
export function checkWritePermission(outPath: string, target: WriteTarget): string {
  const resolved = path.resolve(outPath);
  const real = realPathOrSelf(resolved);
  const folder = path.dirname(resolved);
  let folderStat: fs.Stats;
  try {
    folderStat = fs.statSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new SluiceError('FILE_UNREADABLE', `Cannot write ${outPath}: permission denied to reach its folder.`);
    throw new SluiceError('FILE_NOT_FOUND', `Cannot write ${outPath}: the folder ${folder} does not exist.`);
  }
  if (!folderStat.isDirectory()) throw new SluiceError('NOT_A_FILE', `Cannot write ${outPath}: ${folder} is not a folder.`);
  const realFolder = path.dirname(real);
  if (path.sep === '/' && SYSTEM_FOLDERS.some((system) => realFolder === system || realFolder.startsWith(`${system}/`))) {
    throw new SluiceError('WRITE_REFUSED', `Refusing to write ${outPath}: Sluice never writes under /dev, /proc or /sys (use --out - for standard output).`);
  }

  if (target.storePath !== undefined) {
    const store = realPathOrSelf(path.resolve(target.storePath));
    for (const suffix of STORE_COMPANION_SUFFIXES) {
      if (sameFile(real, `${store}${suffix}`) || sameFile(resolved, `${path.resolve(target.storePath)}${suffix}`)) {
        throw new SluiceError('WRITE_REFUSED', `Refusing to write ${outPath}: it is ${suffix === '' ? 'the Sluice store in use' : `the store's ${suffix.slice(1)} file`}.`);
      }
    }
  }
  for (const source of target.protectedSources ?? []) {
    if (sameFile(real, realPathOrSelf(path.resolve(source)))) {
      throw new SluiceError('WRITE_REFUSED', `Refusing to write ${outPath}: it is the source file of an import in this store.`);
    }
  }

  let existing: fs.Stats | null = null;
  try {
    existing = fs.statSync(resolved);
  } catch {
    existing = null;
  }
  if (existing?.isDirectory()) throw new SluiceError('NOT_A_FILE', `Cannot write ${outPath}: it is a folder.`);
  // The file is written beside the target and renamed onto it: that would replace a device, pipe or socket, not write into it.
  if (existing && !existing.isFile()) {
    throw new SluiceError('NOT_A_FILE', `Cannot write ${outPath}: it is not a regular file (a device, pipe or socket); Sluice writes regular files only (use --out - for standard output).`);
  }
  if (existing && !target.overwrite) {
    throw new SluiceError('FILE_EXISTS', `${outPath} already exists; choose another name or allow overwriting it (--force).`);
  }
  return resolved;
}

/** Writes text through a temporary file beside the target, renamed at the end: never a half-written file. */
export function writeFileAtomically(targetPath: string, text: string): void {
  const temporary = `${targetPath}.sluice-partial-${process.pid}`;
  try {
    fs.writeFileSync(temporary, text, { flag: 'wx' });
    fs.renameSync(temporary, targetPath);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new SluiceError('FILE_UNREADABLE', `Cannot write ${targetPath}: permission denied.`, { cause: error });
    throw new SluiceError('FILE_UNREADABLE', `Cannot write ${targetPath}: ${code ?? 'error'}.`, { cause: error });
  }
}

/** The real path of a file that may not exist yet: its own link followed if it exists, else its folder's real path plus its name. */
export function realPathOrSelf(resolved: string): string {
  try {
    return fs.realpathSync(resolved);
  } catch {
    // A file not written yet: its folder may still be a symlink to the protected file's folder.
    try {
      return path.join(fs.realpathSync(path.dirname(resolved)), path.basename(resolved));
    } catch {
      return resolved;
    }
  }
}

function sameFile(a: string, b: string): boolean {
  // SQLite and most desktop file systems users meet (macOS, Windows) match names case-insensitively; be as strict as the strictest.
  return process.platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}
