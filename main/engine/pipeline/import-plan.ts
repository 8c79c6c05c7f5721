import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { SluiceError, type SluiceErrorCode } from '../errors.js';
import type { Store } from '../store/store.js';
import type { ImportRecord, KeySource } from '../store/import-records.js';
import type { SourceFingerprint } from '../source/fingerprint.js';
import { checkConstraints, missingColumns, readTableShape, type TableRequest } from '../store/table-shape.js';

/** What an import will do to its table, decided before anything is written. */
export interface ImportPlanSummary {
  action: 'create' | 'append' | 'upsert' | 'resume' | 'refuse';
  /** The table as it will be named (an existing table's stored name, whatever case was asked for). */
  table: string;
  key: string[] | null;
  keySource: KeySource | null;
  /** Columns the import adds to an existing table. */
  addColumns: string[];
  /** --replace: the earlier import of the same content that is undone first. */
  replaces: number | null;
  /** --restart: the unfinished import whose rows are taken back first. */
  restarts: number | null;
  /** Why it is refused (action 'refuse'). */
  refusal: { code: SluiceErrorCode; message: string } | null;
  /** One line for people: the CLI's message and the app's notice. */
  message: string;
}

export interface PlanInputs {
  store: Store | null;
  sourcePath: string;
  /** The path as the user gave it, for messages. */
  displayPath: string;
  table: string;
  fingerprint: SourceFingerprint;
  request: TableRequest;
  keySource: KeySource | null;
  append: boolean;
  replace: boolean;
  restarts: ImportRecord | null;
}

/**
 * The one decision of what an import does: create, append, upsert on a key
 * (and where it came from), add columns, or refuse and why. Reads only.
 */
export async function decideImportPlan(inputs: PlanInputs): Promise<ImportPlanSummary> {
  const { store, request } = inputs;
  const shape = store ? readTableShape(store.db, inputs.table) : readTableShapeOfNothing(inputs.table);
  const table = shape.table;
  const key = request.key.length > 0 ? [...request.key] : null;
  const base = {
    table,
    key,
    keySource: key ? inputs.keySource : null,
    addColumns: shape.exists ? missingColumns(shape, request).map((column) => column.name) : [],
    replaces: null as number | null,
    restarts: inputs.restarts?.id ?? null,
    refusal: null,
  };
  const refuse = (code: SluiceErrorCode, message: string): ImportPlanSummary => ({
    ...base,
    action: 'refuse',
    refusal: { code, message },
    message: `refused: ${message}`,
  });
  if (store) {
    try {
      checkConstraints(store.db, shape, { ...request, table }, inputs.keySource);
    } catch (error) {
      if (error instanceof SluiceError) return refuse(error.code, error.message);
      throw error;
    }
    // A file without a header or rows adds nothing, so it cannot repeat an earlier import either.
    if (!key && !inputs.append && request.columns.length > 0) {
      const earlier = await sameContentImport(store, table, inputs.sourcePath, inputs.fingerprint);
      if (earlier && !inputs.replace) {
        return refuse(
          'ALREADY_IMPORTED',
          `${inputs.displayPath} is already in table "${earlier.table}" (import #${earlier.id}); use --append to add it again, --replace to undo #${earlier.id} and import it again, or --key to upsert`,
        );
      }
      if (earlier) base.replaces = earlier.id;
    }
  }
  const action = !shape.exists ? 'create' : key ? 'upsert' : 'append';
  if (request.columns.length === 0) {
    const named = inputs.displayPath === '-' ? 'standard input' : inputs.displayPath;
    return { ...base, action, message: `nothing to import: ${named} holds no header and no rows (empty, or only a BOM or blank lines); no table is created or changed` };
  }
  const parts = [
    action === 'create' ? `create table "${table}"` : action === 'upsert' ? `upsert into table "${table}"` : `append to table "${table}"`,
  ];
  if (key) parts.push(`on key ${key.map((name) => `"${name}"`).join(', ')} (from ${inputs.keySource === 'rule file' ? "the rule file's primaryKey" : '--key'})`);
  if (base.addColumns.length > 0) parts.push(`adding column${base.addColumns.length === 1 ? '' : 's'} ${base.addColumns.map((name) => `"${name}"`).join(', ')}`);
  if (base.replaces !== null) parts.push(`after undoing import #${base.replaces} (--replace)`);
  if (base.restarts !== null) parts.push(`after taking back the rows of import #${base.restarts} (--restart)`);
  return { ...base, action, message: parts.join(', ') };
}

function readTableShapeOfNothing(table: string) {
  return { table, exists: false, columns: [], hasProvenance: false, hasAbsentMarker: false, key: null, uniqueSets: [] };
}

/** A completed import of the same content (size and SHA-256, not path or timestamp) into this table. */
async function sameContentImport(store: Store, table: string, sourcePath: string, fingerprint: SourceFingerprint): Promise<ImportRecord | null> {
  // Retries (child imports) carry their parent's source fingerprint but not its content: only real imports count.
  const candidates = store.imports
    .forTable(table)
    .filter((record) => record.status === 'completed' && record.parentImportId === null && record.fingerprint.size === fingerprint.size);
  if (candidates.length === 0) return null;
  let fullHash: string | null = null;
  for (const record of candidates) {
    if (record.contentHash) {
      fullHash ??= await hashWholeFile(sourcePath);
      if (record.contentHash === fullHash) return record;
    } else if (record.fingerprint.hash === fingerprint.hash) {
      // Imports of store format 1 kept only a hash of the first and last 64 KiB.
      return record;
    }
  }
  return null;
}

export async function hashWholeFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of fs.createReadStream(filePath)) hash.update(block as Buffer);
  return hash.digest('hex');
}

/** Throws the plan's refusal as the error the CLI and app show. */
export function assertPlanProceeds(plan: ImportPlanSummary): void {
  if (plan.refusal) throw new SluiceError(plan.refusal.code, plan.refusal.message);
}
