import { queryKey } from '../engine/store/table-filter.js';
import type { ToReader } from './table-reader-protocol.js';

/**
 * The ids of requests in a batch that a later request of the same batch makes pointless: pages, counts and
 * profiles of a view the UI cancelled after asking (the user typed on, or left). While the reader thread was
 * busy (a sort's index, a scan's chunk), these queued up; answering them would rebuild the very list or
 * restart the very scan the cancel just forgot, and delay the new view's first rows behind it.
 */
export function staleRequests(batch: readonly ToReader[]): Set<number> {
  const stale = new Set<number>();
  const forgotten = new Set<string>();
  for (let i = batch.length - 1; i >= 0; i--) {
    const message = batch[i]!;
    if (message.type === 'cancel' && !message.keepFound) forgotten.add(queryKey(message.query));
    else if ((message.type === 'page' || message.type === 'count' || message.type === 'profile') && forgotten.has(queryKey(message.query))) stale.add(message.id);
  }
  return stale;
}
