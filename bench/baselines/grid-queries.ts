/**
 * The data grid's figures on an imported table: one case per question a user asks of a big table, timed
 * through the new path (TableQueries: row-id lists, streaming filters) and through today's (tablePage:
 * OFFSET paging and a count(*) per page), on the same store in the same process.
 *
 *   node dist/bench/baselines/grid-queries.js <store.sqlite> <first|end|sorted-deep|filter-common|filter-rare>
 *
 * Prints one JSON line: { newMs, todayMs, note, ... }.
 */
import { Store } from '../../main/engine/store/store.js';
import { tablePage } from '../../main/engine/store/table-browser.js';
import type { GridQuery } from '../../main/engine/store/table-filter.js';
import { TableQueries } from '../../main/engine/store/table-query.js';

const PAGE_ROWS = 200;
const TABLE = 'customers';

const [dbPath, which] = process.argv.slice(2);
if (dbPath === undefined || which === undefined) {
  console.error('usage: grid-queries.js <store.sqlite> <case>');
  process.exit(2);
}

function time<T>(fn: () => T): [T, number] {
  const startedMs = performance.now();
  const value = fn();
  return [value, performance.now() - startedMs];
}

const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

const store = Store.open(dbPath, { readonly: true });
const total = store.db.prepare(`SELECT count(*) FROM ${TABLE}`).pluck().get() as number;
// Both paths start from the same warm page cache: the first read of the file is not what is measured.
store.db.prepare(`SELECT count(*) FROM ${TABLE} WHERE email LIKE '%never%'`).get();
store.db.prepare(`SELECT count(*) FROM ${TABLE}`).get();
const queries = new TableQueries(store);
const result: Record<string, unknown> = { case: which, rows: total };

switch (which) {
  case 'first': {
    const [, newMs] = time(() => queries.page({ table: TABLE }, 0, PAGE_ROWS));
    const [, todayMs] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS }));
    Object.assign(result, { newMs, todayMs, note: `first ${PAGE_ROWS} rows: ${ms(newMs)} (today ${ms(todayMs)})` });
    break;
  }
  case 'end': {
    const offset = total - PAGE_ROWS;
    const [, newMs] = time(() => queries.page({ table: TABLE }, offset, PAGE_ROWS));
    const [, middleMs] = time(() => queries.page({ table: TABLE }, Math.floor(total / 2), PAGE_ROWS));
    const [, todayMs] = time(() => tablePage(store, { table: TABLE, offset, limit: PAGE_ROWS }));
    Object.assign(result, { newMs, middleMs, todayMs, note: `last page ${ms(newMs)}, then the middle ${ms(middleMs)} (today, last page ${ms(todayMs)})` });
    break;
  }
  case 'sorted-deep': {
    const query: GridQuery = { table: TABLE, sort: { column: 'email', descending: false } };
    const [, firstMs] = time(() => queries.page(query, 0, PAGE_ROWS));
    const [, buildMs] = time(() => queries.page(query, Math.floor(total * 0.6), PAGE_ROWS));
    const [, newMs] = time(() => queries.page(query, Math.floor(total * 0.9), PAGE_ROWS));
    const [, todayMs] = time(() => tablePage(store, { table: TABLE, offset: Math.floor(total * 0.9), limit: PAGE_ROWS, orderBy: 'email' }));
    Object.assign(result, {
      newMs, firstMs, buildMs, todayMs,
      note: `deep page ${ms(newMs)} once the sorted list exists (first page ${ms(firstMs)}, first deep jump builds the list: ${ms(buildMs)}; today ${ms(todayMs)} per deep page)`,
    });
    break;
  }
  case 'filter-common': {
    const query: GridQuery = { table: TABLE, filter: 'example' };
    const [page, newMs] = time(() => queries.page(query, 0, PAGE_ROWS));
    const [, todayMs] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS, filter: 'example' }));
    Object.assign(result, { newMs, todayMs, firstRows: page.rows.length, note: `first ${page.rows.length} rows ${ms(newMs)}, count streams in (today ${ms(todayMs)})` });
    break;
  }
  case 'filter-rare': {
    // A value that occurs in a handful of rows: the e-mail of one row three quarters of the way in.
    const needle = store.db.prepare(`SELECT email FROM ${TABLE} LIMIT 1 OFFSET ?`).pluck().get(Math.floor(total * 0.77)) as string;
    const query: GridQuery = { table: TABLE, filter: needle };
    let longestStepMs = 0;
    const [first, answerMs] = time(() => queries.page(query, 0, PAGE_ROWS));
    const [, newMs] = time(() => {
      while (queries.nextStep() !== null) longestStepMs = Math.max(longestStepMs, time(() => queries.step())[1]);
    });
    const completeMs = answerMs + newMs;
    const matches = queries.count(query).rows;
    // Cancelling: a scan stops between chunks, so the longest chunk bounds how long a cancel waits.
    const [, todayMs] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS, filter: needle }));
    Object.assign(result, {
      newMs: completeMs, answerMs, longestStepMs, todayMs, matches, firstAnswerRows: first.rows.length,
      note: `${matches} matches: first answer ${ms(answerMs)}, scan complete ${ms(completeMs)}, cancel within ${ms(longestStepMs)} (today ${ms(todayMs)})`,
    });
    break;
  }
  default:
    console.error(`unknown case "${which}"`);
    process.exit(2);
}

queries.close();
store.close();
console.log(JSON.stringify(result));
