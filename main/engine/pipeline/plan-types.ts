/** What an import without rules types its columns as, and what it records about its source for exports. */
import { csvColumnType, jsonColumnType, type ColumnType, type LosslessType } from '../rules/lossless-columns.js';
import { openSource } from '../source/open-source.js';
import { sampleWithLayout } from '../source/sample.js';
import type { StoredTableSchema } from '../store/table-schemas.js';
import type { SourceLayout } from '../types.js';

const TYPE_SAMPLE_ROWS = 1000;

/**
 * Column types from the table's stored schema where it has the column (so a
 * later import agrees with the first), else from a sample spread across the file.
 */
export async function columnTypesFor(
  sourcePath: string,
  layout: SourceLayout,
  stored: StoredTableSchema | null,
  legacyTable: boolean,
): Promise<ColumnType[]> {
  // A table from before stored schemas holds CSV values as text: typing them now would make
  // the same key a different value (1 is not '1' in a column without affinity) and break upserts.
  if (legacyTable) return layout.columns.map(() => ({ type: layout.dialect.format === 'csv' ? 'string' : 'any' }));
  const known = new Map((stored?.fields ?? []).map((field) => [field.name, field]));
  const needSample = layout.columns.some((name) => !known.has(name));
  const rows = needSample ? (await sampleWithLayout(sourcePath, layout, TYPE_SAMPLE_ROWS, true)).rows : [];
  return layout.columns.map((name, i) => {
    const field = known.get(name);
    if (field) {
      return {
        type: field.type as LosslessType,
        ...(field.trueValues ? { trueValues: field.trueValues } : {}),
        ...(field.falseValues ? { falseValues: field.falseValues } : {}),
      };
    }
    const values = rows.map((row) => row[i]);
    return layout.dialect.format === 'csv' ? csvColumnType(values as string[]) : jsonColumnType(values);
  });
}

/** Whether the file's last byte ends a line, so a CSV export can end the same way. */
export async function endsWithNewline(sourcePath: string, encoding: string): Promise<boolean> {
  const handle = await openSource(sourcePath);
  try {
    const { size } = await handle.stat();
    if (size < 2) return size === 1 && (await handle.read(Buffer.alloc(1), 0, 1, 0)).buffer[0] === 0x0a;
    const last = Buffer.alloc(2);
    await handle.read(last, 0, 2, size - 2);
    const unit = encoding === 'utf-16le' ? last[0]! + (last[1]! << 8) : encoding === 'utf-16be' ? (last[0]! << 8) + last[1]! : last[1]!;
    return unit === 0x0a || unit === 0x0d;
  } finally {
    await handle.close();
  }
}
