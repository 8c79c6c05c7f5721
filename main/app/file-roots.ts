import fs from 'node:fs';
import path from 'node:path';

/** A folder files may be used under; `named` when an `--allow` names it (its own hidden path is then granted too). */
export interface Root {
  path: string;
  named: boolean;
}

/** Never readable or writable, whatever `--allow` says: system configuration, kernel and device files. */
const SYSTEM_FOLDERS = ['/etc', '/proc', '/sys', '/dev'];

export type RootVerdict =
  | { ok: true }
  | { ok: false; why: 'system'; folder: string }
  | { ok: false; why: 'hidden'; hiddenPath: string }
  | { ok: false; why: 'outside'; suggestion: string; roots: string[] };

/** A root by its real path (so `/tmp` → `/private/tmp` on macOS matches what realpath gives for files in it). */
export function realRoot(folder: string, named: boolean): Root {
  const resolved = path.resolve(folder);
  try {
    return { path: fs.realpathSync(resolved), named };
  } catch {
    return { path: resolved, named };
  }
}

function isInside(candidate: string, folder: string): boolean {
  return candidate === folder || candidate.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

/** Whether `candidate` (absolute, normalised) lies under a root without passing through a hidden file or folder. */
export function rootVerdict(candidate: string, roots: readonly Root[]): RootVerdict {
  if (path.sep === '/') {
    const system = SYSTEM_FOLDERS.find((folder) => isInside(candidate, folder));
    if (system) return { ok: false, why: 'system', folder: system };
  }
  let hiddenPath: string | null = null;
  for (const root of roots) {
    if (!isInside(candidate, root.path)) continue;
    const segments = path.relative(root.path, candidate).split(path.sep).filter((s) => s !== '');
    const hiddenIndex = segments.findIndex((segment) => segment.startsWith('.'));
    if (hiddenIndex === -1) return { ok: true };
    hiddenPath ??= path.join(root.path, ...segments.slice(0, hiddenIndex + 1));
  }
  if (hiddenPath !== null) return { ok: false, why: 'hidden', hiddenPath };
  return { ok: false, why: 'outside', suggestion: path.dirname(candidate), roots: roots.map((root) => root.path) };
}

/** A refusal that says what would permit the path; it names paths only, never anything read from a file. */
export function describeRootRefusal(asTyped: string, verdict: Exclude<RootVerdict, { ok: true }>, mode: 'browser' | 'electron'): string {
  const pick = mode === 'electron' ? ', or choose it with Open…' : '';
  switch (verdict.why) {
    case 'system':
      return `${asTyped}: Sluice never reads or writes files under ${verdict.folder} (nor /etc, /proc, /sys, /dev), whatever --allow says.`;
    case 'hidden':
      return `${asTyped} is inside the hidden file or folder ${verdict.hiddenPath}, which Sluice does not use unless you allow it: start Sluice with --allow ${verdict.hiddenPath}${pick}.`;
    case 'outside':
      return `${asTyped} is outside the folders Sluice may use (${verdict.roots.join(', ')}): start Sluice with --allow ${verdict.suggestion} to use it${pick}.`;
  }
}
