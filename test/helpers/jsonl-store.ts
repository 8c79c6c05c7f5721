import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lastJson, sluice } from './cli.js';
import { tempDir } from './paths.js';

export const WRITE_PATHS = ['direct', 'scratch'] as const;
export type WritePath = (typeof WRITE_PATHS)[number];

/** Files, stores, imports and exports in one temporary folder, for tests of what a table gives back. */
export function jsonlStoreHelpers() {
  const dir = tempDir();
  let counter = 0;
  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const freshDb = (): string => path.join(dir, `store-${++counter}.sqlite`);
  /** Imports with two workers on the given write path, and checks the path was really taken. */
  const importInto = (db: string, file: string, extra: string[] = [], writePath: WritePath = 'direct') => {
    const run = sluice(['import', file, '--db', db, '--json', '--workers', '2', ...extra], { env: { SLUICE_WRITE_PATH: writePath, SLUICE_THREAD_CPU: '1' } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`"writePath":"${writePath}"`));
    return lastJson(run);
  };
  const exportText = (db: string, table: string, format: 'jsonl' | 'csv'): string => {
    const target = path.join(dir, `out-${++counter}.${format}`);
    const run = sluice(['export', '--db', db, '--table', table, '--out', target]);
    assert.equal(run.status, 0, run.stderr);
    return fs.readFileSync(target, 'utf8');
  };
  const parseLines = (text: string): unknown[] => text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  const exportObjects = (db: string, table: string): unknown[] => parseLines(exportText(db, table, 'jsonl'));
  return { dir, write, freshDb, importInto, exportText, exportObjects, parseLines };
}
