import { measureColumn } from './grid-text.js';

const DEFAULT_PX = 120;
const MIN_DRAG_PX = 40;
const AUTOFIT_MAX_PX = 1200;

/**
 * A grid's column widths by column name: measured once from a sample of content, kept across filters and sorts,
 * changed by dragging a header's edge or double-clicking it (auto-fit). Reactive: the grid's template reads it.
 */
export class GridWidths {
  private byName = $state<Record<string, number>>({});
  private sizedFor = '';

  constructor(
    private readonly font: string,
    private readonly headerExtraPx: () => number,
  ) {}

  of(name: string): number {
    return this.byName[name] ?? DEFAULT_PX;
  }

  /** A different grid (label) starts over; columns not sized yet get a starting width or one measured from `sample`. */
  size(key: string, names: readonly string[], sample: ((column: number) => unknown[]) | null, starting?: readonly number[]): void {
    if (this.sizedFor !== key) {
      this.sizedFor = key;
      this.byName = {};
    }
    // No rows yet (a paged source still loading, or none at all): wait for content rather than size from headers.
    if (sample === null || names.every((name) => name in this.byName)) return;
    const next = { ...this.byName };
    names.forEach((name, c) => (next[name] ??= starting?.[c] ?? measureColumn(this.font, name, sample(c), undefined, this.headerExtraPx())));
    this.byName = next;
  }

  autofit(name: string, values: unknown[]): void {
    this.byName = { ...this.byName, [name]: measureColumn(this.font, name, values, AUTOFIT_MAX_PX, this.headerExtraPx()) };
  }

  /** Follows the pointer from a header's resize handle until it is released. */
  startResize(event: PointerEvent, name: string): void {
    event.preventDefault();
    event.stopPropagation();
    const handle = event.currentTarget as HTMLElement;
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = this.of(name);
    const move = (e: PointerEvent) => (this.byName = { ...this.byName, [name]: Math.max(MIN_DRAG_PX, Math.round(startWidth + e.clientX - startX)) });
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }
}
