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

/** A figure: wall time and this process's CPU time (the child runs every query on its one thread). */
interface Figure {
  wallMs: number;
  cpuMs: number;
}

const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

function time<T>(fn: () => T): [T, number, Figure] {
  const startedMs = performance.now();
  const startedCpuMs = cpuMs();
  const value = fn();
  const figure = { wallMs: performance.now() - startedMs, cpuMs: cpuMs() - startedCpuMs };
  return [value, figure.wallMs, figure];
}

const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
/** Wall time, and CPU time when the machine was busy enough for them to differ (other work took the cores). */
const fig = (figure: Figure): string => (figure.wallMs > figure.cpuMs * 1.25 + 1 ? `${ms(figure.wallMs)} (CPU ${ms(figure.cpuMs)})` : ms(figure.wallMs));

const store = Store.open(dbPath, { readonly: true });
const total = store.db.prepare(`SELECT count(*) FROM ${TABLE}`).pluck().get() as number;
// Both paths start from the same warm page cache: the first read of the file is not what is measured.
store.db.prepare(`SELECT count(*) FROM ${TABLE} WHERE email LIKE '%never%'`).get();
store.db.prepare(`SELECT count(*) FROM ${TABLE}`).get();
const queries = new TableQueries(store);
const result: Record<string, unknown> = { case: which, rows: total };

const cpuOf = (figure: Figure): number => Math.round(figure.cpuMs * 10) / 10;

switch (which) {
  case 'first': {
    const [, newMs, fresh] = time(() => queries.page({ table: TABLE }, 0, PAGE_ROWS));
    const [, todayMs, today] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS }));
    // In the app the table list has counted the table already (one count per table and change): the page alone.
    const listed = new TableQueries(store);
    listed.tableRowCount(TABLE);
    const [, , counted] = time(() => listed.page({ table: TABLE }, 0, PAGE_ROWS));
    listed.close();
    Object.assign(result, {
      newMs, newCpuMs: cpuOf(fresh), countedMs: counted.wallMs, todayMs, todayCpuMs: cpuOf(today),
      note: `first ${PAGE_ROWS} rows: ${fig(fresh)}, ${fig(counted)} once the table list has counted the table (today ${fig(today)})`,
    });
    break;
  }
  case 'end': {
    const offset = total - PAGE_ROWS;
    const [, newMs, last] = time(() => queries.page({ table: TABLE }, offset, PAGE_ROWS));
    const [, middleMs, middle] = time(() => queries.page({ table: TABLE }, Math.floor(total / 2), PAGE_ROWS));
    const [, todayMs, today] = time(() => tablePage(store, { table: TABLE, offset, limit: PAGE_ROWS }));
    Object.assign(result, {
      newMs, newCpuMs: cpuOf(last), middleMs, todayMs, todayCpuMs: cpuOf(today),
      note: `last page ${fig(last)}, then the middle ${fig(middle)} (today, last page ${fig(today)})`,
    });
    break;
  }
  case 'sorted-deep': {
    const query: GridQuery = { table: TABLE, sort: { column: 'email', descending: false } };
    const deep = Math.floor(total * 0.9);
    // Today's first: once the new path has made its index, OFFSET paging would walk that index too.
    const [, todayMs, today] = time(() => tablePage(store, { table: TABLE, offset: deep, limit: PAGE_ROWS, orderBy: 'email' }));
    const [, firstMs, first] = time(() => queries.page(query, 0, PAGE_ROWS));
    // The first sort of a column on a big table makes its index (once: it stays in the store), then the list.
    const [, buildMs, build] = time(() => queries.page(query, Math.floor(total * 0.6), PAGE_ROWS));
    const [, nextDeepMs, nextDeep] = time(() => queries.page(query, deep, PAGE_ROWS));
    // What every later view sorted by that column costs: a new reader (as in the next session), first page and first deep jump.
    const later = new TableQueries(store);
    const [, laterFirstMs, laterFirst] = time(() => later.page(query, 0, PAGE_ROWS));
    const [, newMs, jump] = time(() => later.page(query, deep, PAGE_ROWS));
    const [, descendingMs, descending] = time(() => later.page({ ...query, sort: { column: 'email', descending: true } }, Math.floor(total * 0.3), PAGE_ROWS));
    later.close();
    Object.assign(result, {
      newMs, newCpuMs: cpuOf(jump), firstMs, buildMs, buildCpuMs: cpuOf(build), nextDeepMs, laterFirstMs, descendingMs, todayMs, todayCpuMs: cpuOf(today),
      note:
        `sorted deep jump ${fig(jump)} (first page ${fig(laterFirst)}, descending deep jump ${fig(descending)}) once the column has its index; ` +
        `first sort of a column: first page ${fig(first)}, first deep jump makes the index ${fig(build)}, next deep page ${fig(nextDeep)}; today ${fig(today)} per deep page`,
    });
    break;
  }
  case 'filter-common': {
    const query: GridQuery = { table: TABLE, filter: 'example' };
    const [page, newMs, fresh] = time(() => queries.page(query, 0, PAGE_ROWS));
    const [, todayMs, today] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS, filter: 'example' }));
    Object.assign(result, {
      newMs, newCpuMs: cpuOf(fresh), todayMs, todayCpuMs: cpuOf(today), firstRows: page.rows.length,
      note: `first ${page.rows.length} rows ${fig(fresh)}, count streams in (today ${fig(today)})`,
    });
    break;
  }
  case 'filter-rare': {
    // A value that occurs in a handful of rows: the e-mail of one row three quarters of the way in.
    const needle = store.db.prepare(`SELECT email FROM ${TABLE} LIMIT 1 OFFSET ?`).pluck().get(Math.floor(total * 0.77)) as string;
    const query: GridQuery = { table: TABLE, filter: needle };
    let longestStepMs = 0;
    const [first, answerMs, answer] = time(() => queries.page(query, 0, PAGE_ROWS));
    const [, , rest] = time(() => {
      while (queries.nextStep() !== null) longestStepMs = Math.max(longestStepMs, time(() => queries.step())[1]);
    });
    const complete = { wallMs: answer.wallMs + rest.wallMs, cpuMs: answer.cpuMs + rest.cpuMs };
    const matches = queries.count(query).rows;
    // Cancelling: a scan stops between chunks, so the longest chunk bounds how long a cancel waits.
    const [, todayMs, today] = time(() => tablePage(store, { table: TABLE, offset: 0, limit: PAGE_ROWS, filter: needle }));
    Object.assign(result, {
      newMs: complete.wallMs, newCpuMs: cpuOf(complete), answerMs, longestStepMs, todayMs, todayCpuMs: cpuOf(today), matches, firstAnswerRows: first.rows.length,
      note: `${matches} matches: first answer ${fig(answer)}, scan complete ${fig(complete)}, cancel within ${ms(longestStepMs)} (today ${fig(today)})`,
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
