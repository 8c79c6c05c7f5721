/** Writing to the terminal: results on stdout, messages and progress on stderr. */
export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`sluice: ${text}\n`);
}

export function formatCount(count: number): string {
  // Counts are whole and non-negative: grouped by hand, as toLocaleString would, without loading ICU's
  // number formatting on the first progress line (30 ms of the main thread's CPU).
  if (!Number.isSafeInteger(count) || count < 0 || Object.is(count, -0)) return count.toLocaleString('en-US');
  const digits = String(count);
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = grouped.length; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  return grouped;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A plain text table with left-aligned columns. */
export function formatTable(header: string[], table: string[][]): string {
  // A newline or tab in a cell (a file named "a\nb.csv") would break the table's lines: shown escaped instead.
  const rows = table.map((row) => row.map(escapeControls));
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function escapeControls(cell: string): string {
  return cell.replace(/[\u0000-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1));
}
