/**
 * Rows of a large result fetched page by page as a virtual list scrolls.
 * Pages are replaced whole ($state.raw), never mutated, so only the grid rows
 * that show them re-render.
 */
export const PAGE_ROWS = 200;

export class PagedRows<T> {
  total = $state(0);
  private pages = $state.raw<ReadonlyMap<number, readonly T[]>>(new Map());
  private pending = new Set<number>();
  private generation = 0;

  constructor(private readonly load: (offset: number, limit: number) => Promise<{ rows: T[]; total: number }>) {}

  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
  }

  /** Loads the first page and forgets the rest (filters or sort changed). */
  async reset(): Promise<void> {
    this.generation += 1;
    this.pending.clear();
    this.pages = new Map();
    await this.fetch(0);
  }

  ensure(start: number, end: number): void {
    for (let page = Math.floor(start / PAGE_ROWS); page <= Math.floor(Math.max(start, end - 1) / PAGE_ROWS); page += 1) {
      if (!this.pages.has(page) && !this.pending.has(page) && page * PAGE_ROWS < Math.max(this.total, 1)) void this.fetch(page);
    }
  }

  private async fetch(page: number): Promise<void> {
    const generation = this.generation;
    this.pending.add(page);
    try {
      const result = await this.load(page * PAGE_ROWS, PAGE_ROWS);
      if (generation !== this.generation) return;
      const next = new Map(this.pages);
      next.set(page, result.rows);
      this.pages = next;
      this.total = result.total;
    } finally {
      this.pending.delete(page);
    }
  }
}
