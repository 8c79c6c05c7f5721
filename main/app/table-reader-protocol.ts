import type { GridCount, GridPage } from '../engine/store/table-query.js';
import type { GridQuery } from '../engine/store/table-filter.js';
import type { ColumnProfile } from '../engine/store/column-profile.js';
import type { TablePage, TablePageQuery } from '../engine/store/table-browser.js';
import type { AppError, TableInfo } from './contract.js';

/** Requests to the reader thread (table-reader-thread.ts), each answered once by id. */
export type ToReader =
  | { id: number; type: 'page'; query: GridQuery; offset: number; limit: number }
  | { id: number; type: 'count'; query: GridQuery }
  | { id: number; type: 'cancel'; query: GridQuery; keepFound: boolean }
  | { id: number; type: 'tables' }
  /** The older OFFSET-paged channel (`tables/page`), kept for API clients: it too reads off the serving thread. */
  | { id: number; type: 'tablePage'; request: TablePageQuery }
  | { id: number; type: 'profile'; query: GridQuery; column: string };

export interface ReaderAnswers {
  page: GridPage;
  count: GridCount;
  cancel: null;
  tables: TableInfo[];
  tablePage: TablePage;
  profile: ColumnProfile;
}

export type FromReader = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: AppError };
