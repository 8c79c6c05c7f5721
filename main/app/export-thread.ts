import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import { exportQuarantine, exportTable } from '../engine/export/export-table.js';
import { Store } from '../engine/store/store.js';
import type { ExportThreadData, FromExportThread } from './export-thread-protocol.js';

// Runs one export off the serving thread, on its own read-only connection (WAL lets it read while imports write),
// so reading and writing a big table never stalls HTTP/IPC handling.
const port = parentPort!;
const { dbPath, request } = workerData as ExportThreadData;
const post = (message: FromExportThread): void => port.postMessage(message);

async function run(): Promise<void> {
  const store = Store.open(dbPath, { readonly: true });
  try {
    // The serving thread already ran checkWritePermission (FileAccess.authorizeWrite); `overwrite` is what the user confirmed there.
    const options = {
      format: request.format,
      overwrite: request.overwrite === true,
      ...(request.columns !== undefined ? { columns: request.columns } : {}),
      ...(request.view !== undefined ? { view: request.view } : {}),
      ...(request.delimiter !== undefined ? { delimiter: request.delimiter } : {}),
      ...(request.newline !== undefined ? { newline: request.newline === 'lf' ? ('\n' as const) : ('\r\n' as const) } : {}),
      ...(request.header !== undefined ? { header: request.header } : {}),
      ...(request.encoding !== undefined ? { encoding: request.encoding } : {}),
      onProgress: (progress: { rowsWritten: number; totalRows: number }) => post({ type: 'progress', progress }),
    };
    const summary =
      request.kind === 'table'
        ? await exportTable(store, request.table!, request.path, options)
        : await exportQuarantine(store, request.importId!, request.path, options);
    post({ type: 'finished', result: { path: summary.path, rowsWritten: summary.rowsWritten, bytesWritten: summary.bytesWritten } });
  } finally {
    store.close();
  }
}

run()
  .catch((error: unknown) => post({ type: 'failed', error: serializeError(error) }))
  .finally(() => port.close());
