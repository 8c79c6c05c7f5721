/**
 * The chunk workers' CPU per 1M rows, measured on one thread: the same ChunkProcessor a worker runs, over
 * every chunk of a file, with the configuration a real import of that file would give its workers. For
 * profiling worker code (`node --cpu-prof dist/bench/worker-cpu.js …`) and for comparing variants back to
 * back without the import thread or SQLite in the way.
 *
 *   node dist/bench/worker-cpu.js <file.csv|file.jsonl> [rules.json] [--passes N]
 *
 * Prints the CPU (this thread's /proc/thread-self/stat) of each pass over the whole file, per 1M rows.
 * The first pass includes JIT warm-up, as each real worker's does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runImport } from '../main/engine/pipeline/run-import.js';
import { Store } from '../main/engine/store/store.js';
import { readChunks } from '../main/engine/source/chunk-reader.js';
import { ChunkProcessor } from '../main/engine/parse/chunk-processor.js';
import type { WorkerConfig } from '../main/engine/parse/chunk-types.js';
import { readThreadCpuMs } from '../main/engine/observe/thread-cpu.js';
import { workerConfigFor } from '../main/engine/pipeline/worker-config.js';

const HEAD_LINES = 5000;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { passes: { type: 'string', default: '1' } } });
const [filePath, rulesPath] = positionals;
if (filePath === undefined) {
  console.error('usage: worker-cpu.js <file> [rules.json] [--passes N]');
  process.exit(2);
}

/** The configuration an import of the file's first lines gives its workers (same header, same rules). */
async function workerSetupFor(file: string): Promise<{ config: WorkerConfig; dataStart: number; chunkBytes: number; maxRecordBytes: number; dialect: WorkerConfig['dialect'] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-worker-cpu-'));
  try {
    const head = fs.readFileSync(file).subarray(0, 4 * 1024 * 1024).toString('latin1').split('\n').slice(0, HEAD_LINES).join('\n') + '\n';
    const headPath = path.join(dir, `head${path.extname(file)}`);
    fs.writeFileSync(headPath, Buffer.from(head, 'latin1'));
    const dbPath = path.join(dir, 'head.sqlite');
    const schema = rulesPath === undefined ? undefined : (JSON.parse(fs.readFileSync(rulesPath, 'utf8')) as unknown);
    await runImport({ sourcePath: headPath, dbPath, workers: 1, ...(schema === undefined ? {} : { schema }) });
    const store = Store.open(dbPath);
    const record = store.imports.latest()!;
    store.close();
    return {
      config: workerConfigFor(record),
      dataStart: record.layout.dataStartOffset,
      chunkBytes: record.options.chunkBytes,
      maxRecordBytes: record.options.maxRecordBytes,
      dialect: record.layout.dialect,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const setup = await workerSetupFor(filePath);
const handle = await fs.promises.open(filePath, 'r');
const chunks: { seq: number; startOffset: number; bytes: Uint8Array }[] = [];
for await (const chunk of readChunks(handle, setup.dialect, { startOffset: setup.dataStart, chunkBytes: setup.chunkBytes, maxRecordBytes: setup.maxRecordBytes })) {
  if (chunk.kind === 'records') chunks.push({ seq: chunk.seq, startOffset: chunk.startOffset, bytes: chunk.bytes });
}
await handle.close();

for (let pass = 1; pass <= Number(values.passes); pass++) {
  const processor = new ChunkProcessor(setup.config);
  let rows = 0;
  let rejected = 0;
  const before = readThreadCpuMs() ?? 0;
  const started = performance.now();
  for (const chunk of chunks) {
    const result = processor.process(chunk);
    rows += result.records;
    rejected += result.rejected.length;
  }
  const cpuMs = (readThreadCpuMs() ?? 0) - before;
  const wallMs = performance.now() - started;
  console.log(JSON.stringify({ pass, rows, rejected, chunks: chunks.length, cpuMs, wallMs: Math.round(wallMs), cpuSPer1M: Number(((cpuMs * 1000) / rows).toFixed(3)) }));
}
