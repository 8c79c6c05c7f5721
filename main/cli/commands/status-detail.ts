import { isResumable, type ImportRecord } from '../../engine/store/import-records.js';
import type { Store } from '../../engine/store/store.js';
import { ImportOwners, type DisplayStatus } from '../../engine/observe/import-owner.js';
import { STAGE_LABELS, type ImportTrace } from '../../engine/observe/import-trace.js';
import { TraceRecords } from '../../engine/observe/trace-records.js';
import { WarningRecords, type WarningGroup } from '../../engine/observe/warning-records.js';
import { formatBytes, formatCount, printLine } from '../output.js';

export interface ImportDetail {
  record: ImportRecord;
  status: DisplayStatus;
  resumable: boolean;
  traces: ImportTrace[];
  warnings: WarningGroup[];
}

export function loadImportDetail(store: Store, record: ImportRecord): ImportDetail {
  const status = new ImportOwners(store.db).displayStatus(record.id, record.status);
  return {
    record,
    status,
    resumable: isResumable(record) && status !== 'running' && status !== 'paused',
    traces: new TraceRecords(store.db).list(record.id),
    warnings: new WarningRecords(store.db).summary(record.id),
  };
}

/** One import: where it stands, its counters, its warnings, and its last run's stage breakdown. */
export function printImportDetail(detail: ImportDetail): void {
  const { record, traces } = detail;
  const c = record.counters;
  printLine(`import #${record.id}: ${detail.status}${detail.resumable ? ' (resumable: import --resume)' : ''}`);
  printLine(`  source        ${record.sourcePath}`);
  printLine(`  table         ${record.table}`);
  printLine(`  rows          ${formatCount(c.rowsRead)} read, ${formatCount(c.rowsInserted)} inserted, ${formatCount(c.rowsUpdated)} updated, ${formatCount(c.rowsQuarantined)} quarantined, ${formatCount(c.rowsWarned)} warned`);
  printLine(`  bytes         ${formatBytes(c.bytesRead)} of ${formatBytes(record.fingerprint.size)}`);
  if (c.storeRetries) printLine(`  store busy    ${formatCount(c.storeRetries)} ${c.storeRetries === 1 ? 'retry' : 'retries'} (another program or import was writing to the store)`);
  if (record.errorMessage) printLine(`  error         ${record.errorCode}: ${record.errorMessage}`);
  if (detail.warnings.length > 0) {
    printLine('  warnings by rule:');
    for (const group of detail.warnings.slice(0, 10)) {
      printLine(`    ${group.rule}${group.field ? ` (${group.field})` : ''}  ${formatCount(group.count)}  e.g. rows ${group.exampleRows.join(', ')}`);
    }
  }
  const trace = traces[traces.length - 1];
  if (!trace) {
    printLine('  trace         none (imported before Sluice kept traces)');
    return;
  }
  printLine('');
  printLine(formatTrace(trace, traces.length));
}

export function formatTrace(trace: ImportTrace, runs: number): string {
  const seconds = trace.wallMs / 1000;
  const lines = [
    `where the time went (run ${trace.run} of ${runs}${trace.finished ? '' : ', not finished: saved while it ran'}): ${seconds.toFixed(2)} s wall, ${trace.workers} workers, ${trace.batches} batches, ${trace.commits} commits`,
    `  ${'stage'.padEnd(48)} ${'busy'.padStart(9)} ${'idle'.padStart(9)}  busy %`,
  ];
  for (const stage of trace.stages) {
    const capacity = stage.busyMs + stage.idleMs;
    const share = capacity > 0 ? (100 * stage.busyMs) / capacity : 0;
    lines.push(`  ${(STAGE_LABELS[stage.stage] ?? stage.stage).padEnd(48)} ${ms(stage.busyMs)} ${ms(stage.idleMs)}  ${share.toFixed(0).padStart(5)}%`);
  }
  for (const worker of trace.perWorker) lines.push(`    worker ${String(worker.worker).padEnd(40)} ${ms(worker.busyMs)} ${''.padStart(9)}  ${worker.batches} batches`);
  if (trace.importThread) {
    lines.push(`  import thread event loop: ${ms(trace.importThread.activeMs).trim()} running code, ${ms(trace.importThread.idleMs).trim()} idle (stage times above are wall time and include code run while waiting, e.g. taking in worker results)`);
  }
  lines.push(`  queued for a worker or in transit: ${ms(trace.queueWaitMs).trim()} summed over batches; import-thread GC: ${trace.gc.count} pauses, ${trace.gc.totalMs} ms (longest ${trace.gc.maxMs} ms)`);
  const rates = trace.samples.filter((sample) => sample.rowsPerSecond > 0);
  if (rates.length > 0) {
    const peak = Math.max(...rates.map((sample) => sample.rowsPerSecond));
    const mean = seconds > 0 ? trace.rows / seconds : 0;
    const maxQueue = Math.max(...trace.samples.map((sample) => sample.inFlight));
    lines.push(`  throughput: ${formatCount(Math.round(mean))} rows/s over the run (peak ${formatCount(peak)} rows/s), ${formatBytes(seconds > 0 ? trace.bytes / seconds : 0)}/s; batches in flight at most ${maxQueue}`);
  }
  return lines.join('\n');
}

function ms(value: number): string {
  return `${formatCount(Math.round(value))} ms`.padStart(9);
}
