import type { GridColumn, GridCount, GridQuery } from '../../../main/app/contract.js';
import { api } from './api.js';

/**
 * What the grid reads rows from. `key` names the current query: when it changes the grid scrolls to the top
 * and drops its cursor. `count` is the number of rows the grid can show now (it may grow while a scan runs).
 */
export interface RowSource {
  readonly key: string;
  readonly count: number;
  get(index: number): readonly unknown[] | undefined;
  /** The grid shows rows [start, end): fetch what is missing. */
  ensure(start: number, end: number): void;
}

/** Rows already in memory (the Preview's sample). */
export class ArraySource implements RowSource {
  constructor(
    readonly key: string,
    private readonly rows: readonly (readonly unknown[])[],
  ) {}
  get count(): number {
    return this.rows.length;
  }
  get(index: number): readonly unknown[] | undefined {
    return this.rows[index];
  }
  ensure(): void {}
}

export const VIEW_PAGE_ROWS = 200;
const COUNT_POLL_MS = 250;

/**
 * A table view read from the reader thread page by page. Every answer carries its query's key; an answer for
 * an older query (the user typed on) is dropped, so a slow page can never paint over a new filter's rows.
 * While a filter's scan runs, the count is polled and pages that came back short are fetched again.
 */
export class TableViewSource implements RowSource {
  columns = $state.raw<GridColumn[]>([]);
  countInfo = $state.raw<GridCount | null>(null);
  error = $state<string | null>(null);
  /** The user stopped a filter's scan: the rows found so far stay, the count is a lower bound. */
  stopped = $state(false);
  private pages = $state.raw<ReadonlyMap<number, readonly (readonly unknown[])[]>>(new Map());
  private pending = new Set<number>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  readonly key: string;

  /** `columns`: the previous view's of the same table, shown until this one's first page arrives. */
  constructor(
    readonly query: GridQuery,
    columns: GridColumn[] = [],
  ) {
    this.key = JSON.stringify(query);
    this.columns = columns;
    void this.fetch(0);
  }

  get count(): number {
    const info = this.countInfo;
    if (!info) return 0;
    return info.rows ?? info.matchedSoFar;
  }

  get(index: number): readonly unknown[] | undefined {
    return this.pages.get(Math.floor(index / VIEW_PAGE_ROWS))?.[index % VIEW_PAGE_ROWS];
  }

  ensure(start: number, end: number): void {
    for (let page = Math.floor(start / VIEW_PAGE_ROWS); page <= Math.floor(Math.max(start, end - 1) / VIEW_PAGE_ROWS); page += 1) {
      if (!this.pages.has(page) && !this.pending.has(page) && page * VIEW_PAGE_ROWS < Math.max(this.count, 1)) void this.fetch(page);
    }
  }

  /** The user's Stop: the scan ends; the rows it found stay and can still be scrolled through. */
  stop(): void {
    if (this.countInfo?.complete || this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    void api.call('grid/cancel', { query: this.query, keepFound: true }).then(
      () => this.poll(),
      () => undefined,
    );
  }

  /** Stops polling and asks the reader to forget this query's scan (a newer query replaced it). */
  close(): void {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (!this.countInfo?.complete) void api.call('grid/cancel', { query: this.query }).catch(() => undefined);
  }

  private async fetch(page: number): Promise<void> {
    this.pending.add(page);
    try {
      const result = await api.call('grid/page', { query: this.query, offset: page * VIEW_PAGE_ROWS, limit: VIEW_PAGE_ROWS });
      if (this.closed) return;
      if (JSON.stringify(this.columns) !== JSON.stringify(result.columns)) this.columns = result.columns;
      const next = new Map(this.pages);
      next.set(page, result.rows);
      this.pages = next;
      this.error = null;
      this.updateCount(result.count);
    } catch (error) {
      if (!this.closed) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.pending.delete(page);
    }
  }

  private updateCount(count: GridCount): void {
    this.countInfo = count;
    if (count.complete || this.stopped) return this.refetchShortPages();
    if (this.pollTimer === null) this.pollTimer = setTimeout(() => void this.poll(), COUNT_POLL_MS);
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    if (this.closed) return;
    try {
      // After a Stop, one last count: the rows found up to the moment the scan stopped.
      const count = await api.call('grid/count', { query: this.query });
      if (this.closed) return;
      const grew = count.matchedSoFar !== this.countInfo?.matchedSoFar;
      this.updateCount(count);
      if (grew && !count.complete) this.refetchShortPages();
    } catch (error) {
      if (!this.closed) this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Pages that came back short while a scan was still finding rows may have more now. */
  private refetchShortPages(): void {
    const total = this.count;
    for (const [page, rows] of this.pages) {
      const expected = Math.min(VIEW_PAGE_ROWS, Math.max(0, total - page * VIEW_PAGE_ROWS));
      if (rows.length < expected && !this.pending.has(page)) void this.fetch(page);
    }
  }
}
