import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { queryAll } from './cli.js';
import { CLI, REPO_ROOT } from './paths.js';

/** A CSV with a few bad rows (an age that is not a number), so quarantine is part of what must match. */
export function sampleCsv(rows: number): Buffer {
  const lines = ['id,name,age,city'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},name ${i},${i % 97 === 0 ? 'abc' : 20 + (i % 50)},"City, ${i % 13}"`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function gzipped(body: Buffer): Buffer {
  return zlib.gzipSync(body);
}

/** The table and the quarantine, as a user would compare two imports. */
export function snapshot(db: string, table: string) {
  return {
    rows: queryAll(db, `SELECT * FROM "${table}" ORDER BY rowid`),
    quarantine: queryAll(db, 'SELECT row_number, line, raw, errors FROM _sluice_quarantine ORDER BY import_id, row_number').map(
      ({ row_number, line, raw, errors }) => ({ row_number, line, raw, errors }),
    ),
  };
}

/** Runs the CLI with `input` on its standard input. */
export function sluiceWithInput(args: string[], input: Buffer | string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a shell pipeline and reports the exit status of its first command (the sluice one). */
export function pipeline(command: string) {
  const result = spawnSync('bash', ['-c', `${command}; echo "first-status=\${PIPESTATUS[0]}" >&2`], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  const match = /first-status=(\d+)/.exec(result.stderr);
  return { firstStatus: match ? Number(match[1]) : null, stdout: result.stdout, stderr: result.stderr.replace(/first-status=\d+\n?/, '') };
}

export const CLI_PATH = CLI;
