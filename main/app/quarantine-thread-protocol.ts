import type { FromJobThread } from './thread-job.js';
import type { BulkFixRequest } from '../engine/quarantine/bulk-fix.js';
import type { DismissSelection } from '../engine/quarantine/lifecycle.js';

/** One bulk job on an import's quarantined rows, run by quarantine-thread.ts. */
export type QuarantineJob =
  | { kind: 'fix'; request: BulkFixRequest }
  | { kind: 'retry'; importId: number; ruleFile?: unknown }
  | { kind: 'dismiss'; importId: number; selection: DismissSelection; reason: string };

export interface QuarantineThreadData {
  dbPath: string;
  job: QuarantineJob;
}

export type FromQuarantineThread = FromJobThread<unknown, never>;
