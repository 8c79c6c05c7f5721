import type { AppError, DialectOverrides, RulesPreview } from './contract.js';

/** Messages between the app service and the rule-preview thread (preview-thread.ts). */
export interface ToPreviewThread {
  id: number;
  /** Already checked by the file-access choke point. */
  path: string;
  draft: unknown;
  overrides?: DialectOverrides;
}

export type FromPreviewThread = { id: number; ok: true; value: RulesPreview } | { id: number; ok: false; error: AppError };
