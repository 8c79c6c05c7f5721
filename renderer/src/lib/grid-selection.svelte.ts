import { cellText, toTsv } from './grid-text.js';

export interface GridCursor {
  row: number;
  column: number;
}

/** What the selection needs from its grid: its size now, and how to bring a row into view. */
export interface GridBounds {
  rows: () => number;
  columns: () => number;
  scrollTo: (row: number) => void;
  moved: (cursor: GridCursor) => void;
}

/**
 * A grid's cursor cell and the range of rows picked with Shift, and what the keyboard does to them. Reactive:
 * the grid's cells read `cursor` and `range`.
 */
export class GridSelection {
  cursor = $state<GridCursor>({ row: 0, column: 0 });
  /** The other end of a row range picked with Shift (null: just the cursor's row). */
  anchor = $state<number | null>(null);
  /** The picked rows, first and last. */
  readonly range = $derived<[number, number]>(
    this.anchor === null ? [this.cursor.row, this.cursor.row] : [Math.min(this.anchor, this.cursor.row), Math.max(this.anchor, this.cursor.row)],
  );

  constructor(private readonly bounds: GridBounds) {}

  /** Back to the first row, keeping the column while it exists (a new query's rows). */
  reset(): void {
    this.cursor = { row: 0, column: Math.min(this.cursor.column, Math.max(0, this.bounds.columns() - 1)) };
    this.anchor = null;
  }

  /** A row chosen outside the grid becomes the cursor's row. */
  choose(row: number): void {
    if (row === this.cursor.row) return;
    this.cursor = { row, column: this.cursor.column };
    this.anchor = null;
  }

  moveTo(row: number, column: number, extend = false): void {
    const rows = this.bounds.rows();
    if (rows === 0) return;
    if (extend) this.anchor ??= this.cursor.row;
    else this.anchor = null;
    this.cursor = { row: Math.max(0, Math.min(rows - 1, row)), column: Math.max(0, Math.min(this.bounds.columns() - 1, column)) };
    this.bounds.scrollTo(this.cursor.row);
    this.bounds.moved(this.cursor);
  }

  /** The move a navigation key makes (`pageRows`: rows in view), or null for any other key. */
  keyMove(event: KeyboardEvent, pageRows: number): (() => void) | null {
    const { row, column } = this.cursor;
    const mod = event.ctrlKey || event.metaKey;
    const last = this.bounds.rows() - 1;
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.moveTo(row + 1, column, event.shiftKey),
      ArrowUp: () => this.moveTo(row - 1, column, event.shiftKey),
      ArrowRight: () => this.moveTo(row, column + 1),
      ArrowLeft: () => this.moveTo(row, column - 1),
      PageDown: () => this.moveTo(row + pageRows, column, event.shiftKey),
      PageUp: () => this.moveTo(row - pageRows, column, event.shiftKey),
      Home: () => this.moveTo(mod ? 0 : row, 0),
      End: () => this.moveTo(mod ? last : row, mod ? column : this.bounds.columns() - 1),
    };
    return moves[event.key] ?? null;
  }

  /** Copies the cursor's cell, or the picked rows as TSV (`rowsToo`: always rows); says what it did. */
  async copy(rowsToo: boolean, rowAt: (row: number) => readonly unknown[] | undefined, names: readonly string[]): Promise<string> {
    const [from, to] = this.range;
    let text: string;
    if (!rowsToo && from === to) {
      text = cellText(rowAt(this.cursor.row)?.[this.cursor.column]);
    } else {
      const rows: (readonly unknown[])[] = [];
      for (let i = from; i <= to; i++) rows.push(rowAt(i) ?? []);
      text = toTsv(names, rows);
    }
    return navigator.clipboard.writeText(text).then(
      () => (from === to && !rowsToo ? 'Cell copied' : `${to - from + 1} row${to === from ? '' : 's'} copied as TSV`),
      () => 'The clipboard is not available here',
    );
  }
}
