/** How the grid turns values into text: on screen, in a tooltip, on the clipboard and in the inspector. */

export const NULL_TEXT = 'NULL';
const TOOLTIP_MAX_CHARS = 2000;

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function cellTitle(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL (no value)';
  const text = cellText(value);
  return text.length > TOOLTIP_MAX_CHARS ? `${text.slice(0, TOOLTIP_MAX_CHARS)}…` : text;
}

/** A value for the inspector: JSON (stored as text or as a value) pretty-printed, anything else as it is. */
export function prettyValue(value: unknown): { text: string; json: boolean } {
  if (value === null || value === undefined) return { text: NULL_TEXT, json: false };
  if (typeof value === 'object') return { text: JSON.stringify(value, null, 2), json: true };
  const text = String(value);
  const trimmed = text.trim();
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // Not JSON after all: shown as written.
    }
  }
  return { text, json: false };
}

/** One TSV field as spreadsheets read it: quoted when it holds a tab, a newline or a quote; NULL as empty. */
function tsvField(value: unknown): string {
  const text = cellText(value);
  return /[\t\n\r"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toTsv(header: readonly string[] | null, rows: readonly (readonly unknown[])[]): string {
  const lines = rows.map((row) => row.map(tsvField).join('\t'));
  if (header) lines.unshift(header.map(tsvField).join('\t'));
  return lines.join('\n');
}

export const MIN_COLUMN_PX = 56;
export const MAX_AUTO_COLUMN_PX = 420;
const CELL_PADDING_PX = 22;
const SAMPLE_SLACK = 1.15;
/** Room in a header for the sort arrow, a profile button and the resize handle. */
const HEADER_EXTRA_PX = 60;

let canvas: HTMLCanvasElement | null = null;

/** Text widths with the grid's own font: a sample of values decides a column's width, not its header alone. */
export function measureColumn(font: string, header: string, values: Iterable<unknown>, maxPx = MAX_AUTO_COLUMN_PX, headerExtraPx = 0): number {
  canvas ??= document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return 120;
  context.font = font;
  let widest = context.measureText(header).width + HEADER_EXTRA_PX + headerExtraPx;
  for (const value of values) {
    const text = value === null || value === undefined ? NULL_TEXT : cellText(value).slice(0, 200);
    // Some slack over the sample's widest: later rows run longer (ids and names grow with the row number).
    widest = Math.max(widest, context.measureText(text).width * SAMPLE_SLACK + CELL_PADDING_PX);
  }
  return Math.round(Math.max(MIN_COLUMN_PX, Math.min(maxPx, widest)));
}
