import type { Store } from '../engine/store/store.js';
import { AppFailure } from './app-failure.js';
import type { RetryOutcome } from './contract.js';

/** Fixing quarantined rows: a thin wrapper over the engine's quarantine retry (main/engine/quarantine/retry.ts). */
export function quarantineFixer(_store: Store): {
  retry(id: number, raw: string): Promise<RetryOutcome>;
  revalidate(importId: number): Promise<{ fixed: number; stillFailing: number }>;
} {
  const unavailable = (): never => {
    throw new AppFailure('NOT_AVAILABLE', 'Retrying quarantined rows is not available in this build yet.');
  };
  return { retry: async () => unavailable(), revalidate: async () => unavailable() };
}
