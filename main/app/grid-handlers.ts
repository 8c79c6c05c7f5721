import type { Handlers } from './handlers.js';
import type { TableReader } from './table-reader.js';

/** The data grid's channels: every one answered by the reader thread, so none of them blocks this thread. */
export function gridHandlers(reader: TableReader): Pick<Handlers, 'grid/page' | 'grid/count' | 'grid/cancel' | 'grid/profile' | 'tables/list' | 'tables/page'> {
  return {
    'grid/page': (request) => reader.ask({ type: 'page', query: request.query, offset: request.offset, limit: request.limit }),
    'grid/count': (request) => reader.ask({ type: 'count', query: request.query }),
    'grid/cancel': (request) => reader.ask({ type: 'cancel', query: request.query, keepFound: request.keepFound ?? false }),
    'grid/profile': (request) => reader.ask({ type: 'profile', query: request.query, column: request.column }),
    // Row counts are full scans on big tables, and OFFSET pages of the older channel scan too: they belong on the
    // reader thread (these replace the serving thread's own handlers of the same names, spread before these).
    'tables/list': () => reader.ask({ type: 'tables' }),
    'tables/page': (request) => reader.ask({ type: 'tablePage', request }),
  };
}
