import type Database from 'better-sqlite3';
import type { ChunkResult } from '../parse/chunk-types.js';
import { VALID_META_STRIDE } from '../parse/chunk-types.js';
import type { Store } from '../store/store.js';
import type { Checkpoint } from '../store/import-records.js';
import type { QuarantineEntry } from '../store/quarantine-records.js';
import type { TableWriter, WriteOutcome } from '../store/table-writer.js';
import type { FailurePolicy, ImportCounters } from '../types.js';
import { SluiceError } from '../errors.js';
import type { ScratchArea } from '../store/scratch-area.js';
import { MAX_SCRATCH_ATTACHED } from '../store/scratch-reader.js';

type Batch = { result: ChunkResult; startOffset: number };

/** How many row numbers of repeated keys a summary names. */
const DUPLICATE_ROWS_NAMED = 10;

/** Reads a record's original text back from the source, for rows the store refuses. */
export type RawReader = (byteOffset: number, byteLength: number) => string;

/**
 * Commits chunk results in source order. Each chunk's rows, its quarantined
 * records and the checkpoint that moves past it are one transaction, so a
 * crash leaves either all of a chunk or none of it, and a resume neither
 * skips nor repeats a row.
 */
export class BatchCommitter {
  private readonly position: Checkpoint;
  private readonly commitTransaction: Database.Transaction<(batches: readonly Batch[], lockFirst: boolean) => SluiceError | null>;
  /** Takes the store's write lock first thing in a deferred transaction (see commitGroup). */
  private readonly takeWriteLock: Database.Statement;
  /** How many of a commit's batches went through, when it took more than one transaction. */
  private committedOf: { batches: readonly Batch[]; done: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly importId: number,
    private readonly writer: TableWriter,
    start: Checkpoint,
    private readonly policy: FailurePolicy,
    private readonly readRaw: RawReader,
    /** Set when the workers write their batches into scratch files (the scratch write path). */
    private readonly scratch: ScratchArea | null = null,
  ) {
    this.position = { ...start, counters: { ...start.counters } };
    this.commitTransaction = store.db.transaction((batches: readonly Batch[], lockFirst: boolean) => {
      if (lockFirst) this.takeWriteLock.run();
      return this.commitAll(batches);
    });
    this.takeWriteLock = store.db.prepare('DELETE FROM _sluice_imports WHERE 0');
  }

  get counters(): ImportCounters {
    return this.position.counters;
  }

  get checkpoint(): Checkpoint {
    return this.position;
  }

  /**
   * Commits consecutive chunks in one transaction (small chunks keep workers
   * cheap; grouping keeps commits few). Returns an error when the failure
   * policy says to stop; chunks after the one that triggered it are not
   * committed, and the checkpoint stays right after the last committed one.
   */
  commit(batches: readonly Batch[], activeMs: number): SluiceError | null {
    this.position.activeMs = activeMs;
    if (!batches.some((batch) => batch.result.scratch)) return this.commitGroup(batches, false);
    // A transaction reads from at most MAX_SCRATCH_ATTACHED scratch files (more only after worker crashes): consecutive groups.
    // A store retry repeats the call with the same batches: the groups already committed are not written again.
    let from = this.committedOf?.batches === batches ? this.committedOf.done : 0;
    let files = new Set<string>();
    for (let i = from; i <= batches.length; i++) {
      const file = batches[i]?.result.scratch?.file;
      if (i < batches.length && (!file || files.has(file) || files.size < MAX_SCRATCH_ATTACHED)) {
        if (file) files.add(file);
        continue;
      }
      // ATTACH is not allowed inside a transaction.
      this.writer.scratch.attach(files);
      const stop = this.commitGroup(batches.slice(from, i), true);
      if (stop) return stop;
      this.scratch?.committedThrough(batches[i - 1]!.result.seq);
      this.committedOf = { batches, done: i };
      files = new Set(file ? [file] : []);
      from = i;
    }
    return null;
  }

  /**
   * One transaction. Reading scratch files, it begins deferred: BEGIN IMMEDIATE would take a write lock on every
   * attached file and stall the workers writing their next batches; the store's write lock is taken by the first statement instead.
   */
  private commitGroup(batches: readonly Batch[], readsScratch: boolean): SluiceError | null {
    const snapshot = structuredClone(this.position);
    try {
      return readsScratch ? this.commitTransaction.deferred(batches, true) : this.commitTransaction.immediate(batches, false);
    } catch (error) {
      // The transaction rolled back; so does our view of the position.
      Object.assign(this.position, snapshot);
      if (error instanceof SluiceError && error.code === 'FAIL_FAST') return error;
      throw error;
    }
  }

  private commitAll(batches: readonly Batch[]): SluiceError | null {
    for (const { result, startOffset } of batches) {
      const failFastMessage = this.commitInTransaction(result, startOffset);
      if (failFastMessage) return new SluiceError('FAIL_FAST', failFastMessage);
      const counters = this.position.counters;
      if (this.policy.mode === 'soft' && this.policy.maxErrors !== null && counters.rowsQuarantined > this.policy.maxErrors) {
        this.store.imports.saveCheckpoint(this.importId, this.position);
        return new SluiceError(
          'ERROR_BUDGET_EXCEEDED',
          `Stopped: ${counters.rowsQuarantined} rows were quarantined, more than the error budget of ${this.policy.maxErrors}. The import can be resumed (--resume, with a larger --max-errors).`,
        );
      }
    }
    // Once per transaction: only the last checkpoint of a commit can ever be read (1,086 saves → one per commit).
    if (batches.length > 0) this.store.imports.saveCheckpoint(this.importId, this.position);
    return null;
  }

  private commitInTransaction(result: ChunkResult, startOffset: number): string | null {
    const failFast = this.policy.mode === 'fast';
    const firstBad = failFast ? result.rejected[0] : undefined;
    const validCount = firstBad ? countValidBefore(result.validMeta, firstBad.recordIndex) : result.validMeta.length / VALID_META_STRIDE;
    const outcome = result.scratch
      ? this.writer.writeScratch(result.scratch, validCount, result.keyFacts ?? null)
      : this.writer.write(result.values, validCount);
    const position = this.position;
    const counters = position.counters;

    if (failFast && (firstBad || outcome.refused.length > 0)) {
      const refusedFirst = outcome.refused[0];
      if (refusedFirst && (!firstBad || result.validMeta[refusedFirst.index * VALID_META_STRIDE]! < firstBad.recordIndex)) {
        // The store refused a row: undo the whole chunk so the checkpoint stays before it.
        const line = position.nextLine + result.validMeta[refusedFirst.index * VALID_META_STRIDE + 1]!;
        throw new SluiceError('FAIL_FAST', `Stopped at the first bad row (--fail-fast): line ${line}: ${describe(refusedFirst.errors)}`);
      }
      const bad = firstBad!;
      // Keep the rows before the bad one; the checkpoint points at the bad row so a resume starts there.
      counters.rowsRead += bad.recordIndex;
      counters.rowsValid += validCount;
      counters.rowsInserted += outcome.inserted;
      counters.rowsUpdated += outcome.updated;
      this.countUpsertDetails(outcome, result.validMeta, position.nextRowNumber);
      counters.bytesRead += bad.byteOffset;
      position.nextRowNumber += bad.recordIndex;
      const line = position.nextLine + bad.lineOffset;
      position.nextLine = line;
      position.nextByteOffset = startOffset + bad.byteOffset;
      this.store.imports.saveCheckpoint(this.importId, position);
      return `Stopped at the first bad row (--fail-fast): line ${line}: ${describe(bad.errors)}`;
    }

    const firstRow = position.nextRowNumber;
    const firstLine = position.nextLine;
    const quarantined: QuarantineEntry[] = result.rejected.map((rejected) => ({
      rowNumber: firstRow + rejected.recordIndex,
      line: firstLine + rejected.lineOffset,
      byteOffset: startOffset + rejected.byteOffset,
      raw: rejected.raw,
      errors: rejected.errors,
    }));
    for (const refused of outcome.refused) {
      const at = refused.index * VALID_META_STRIDE;
      const meta = result.validMeta;
      const byteOffset = startOffset + meta[at + 2]!;
      quarantined.push({ rowNumber: firstRow + meta[at]!, line: firstLine + meta[at + 1]!, byteOffset, raw: this.readRaw(byteOffset, meta[at + 3]!), errors: refused.errors });
    }
    this.store.quarantine.addAll(this.importId, quarantined);
    for (const warned of result.warned) {
      this.store.quarantine.addWarning(this.importId, firstRow + warned.recordIndex, firstLine + warned.lineOffset, warned.warnings);
    }
    this.countUpsertDetails(outcome, result.validMeta, firstRow);
    counters.rowsRead += result.records;
    counters.rowsValid += validCount;
    counters.rowsInvalid += result.rejected.length;
    counters.rowsInserted += outcome.inserted;
    counters.rowsUpdated += outcome.updated;
    counters.rowsQuarantined += result.rejected.length + outcome.refused.length;
    counters.rowsWarned += result.warned.length;
    counters.blankLines += result.blankLines;
    if (result.keptAsText) addKeptAsText(counters, result.keptAsText);
    counters.bytesRead += result.byteLength;
    position.nextRowNumber += result.records;
    position.nextLine += result.lineBreaks;
    position.nextByteOffset = startOffset + result.byteLength;
    position.nextChunkSeq = result.seq + 1;
    return null;
  }

  /** Unchanged rows and repeated keys (upserts); the first few repeats are named by row number. */
  private countUpsertDetails(outcome: WriteOutcome, meta: Float64Array, firstRow: number): void {
    const counters = this.position.counters;
    counters.rowsUnchanged = (counters.rowsUnchanged ?? 0) + outcome.unchanged;
    if (outcome.duplicates.length === 0) return;
    counters.duplicateKeys = (counters.duplicateKeys ?? 0) + outcome.duplicates.length;
    const named = (counters.duplicateKeyRows ??= []);
    for (const index of outcome.duplicates) {
      if (named.length >= DUPLICATE_ROWS_NAMED) break;
      named.push(firstRow + meta[index * VALID_META_STRIDE]!);
    }
  }
}

function countValidBefore(meta: Float64Array, recordIndex: number): number {
  let count = 0;
  while (count * VALID_META_STRIDE < meta.length && meta[count * VALID_META_STRIDE]! < recordIndex) count++;
  return count;
}

/** Names field and rule only: error output never carries row contents. */
function describe(errors: readonly { field: string | null; rule: string }[]): string {
  return errors.map((error) => (error.field ? `${error.field} failed ${error.rule}` : `record failed ${error.rule}`)).join('; ');
}

/** Adds a batch's per-column counts of values stored as they came (see ImportCounters.keptAsText). */
function addKeptAsText(counters: ImportCounters, kept: readonly number[]): void {
  const total = (counters.keptAsText ??= new Array<number>(kept.length).fill(0));
  kept.forEach((count, i) => (total[i] = (total[i] ?? 0) + count));
}
