import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../engine/errors.js';
import { Store } from '../engine/store/store.js';
import { profileColumn } from '../engine/store/column-profile.js';
import { tablePage } from '../engine/store/table-browser.js';
import { TableQueries } from '../engine/store/table-query.js';
import type { FromReader, ToReader } from './table-reader-protocol.js';
import { staleRequests } from './table-reader-queue.js';

// Every read the grid makes runs here, on this thread's own read-only connection (WAL lets it read while an
// import writes), so a full scan of a big table never delays the thread that serves the UI.
const port = parentPort!;
const { dbPath } = workerData as { dbPath: string };
const store = Store.open(dbPath, { readonly: true });
const queries = new TableQueries(store);

/** A whole sorted list (or a sort's index) is built only after the UI has been quiet this long, so scrolling near the top stays instant. */
const BUILD_AFTER_IDLE_MS = 120;
let lastRequestAt = 0;
let pumpScheduled = false;

function answer(message: ToReader): unknown {
  switch (message.type) {
    case 'page':
      return queries.page(message.query, message.offset, message.limit);
    case 'count':
      return queries.count(message.query);
    case 'cancel':
      queries.cancel(message.query, message.keepFound);
      return null;
    case 'tables':
      return store.listTables().map((name) => ({ name, rowCount: queries.tableRowCount(name) }));
    case 'tablePage':
      return tablePage(store, message.request);
    case 'profile':
      return profileColumn(store.db, message.query, queries.columns(message.query.table), message.column);
  }
}

// Background work (a filter's scan, a sorted list) goes one bounded step at a time, between requests.
function pump(): void {
  pumpScheduled = false;
  const next = queries.nextStep();
  if (next === null) return;
  if (next === 'build' && Date.now() - lastRequestAt < BUILD_AFTER_IDLE_MS) return schedule(BUILD_AFTER_IDLE_MS);
  try {
    queries.step();
  } catch {
    // The next request for that query reports the error itself.
    return;
  }
  schedule(0);
}

function schedule(delayMs: number): void {
  if (pumpScheduled) return;
  pumpScheduled = true;
  if (delayMs === 0) setImmediate(pump);
  else setTimeout(pump, delayMs);
}

let batch: ToReader[] = [];
let drainScheduled = false;

/** Answers every request that arrived meanwhile, skipping those a later cancel in the same batch made stale. */
function drain(): void {
  drainScheduled = false;
  const messages = batch;
  batch = [];
  const stale = staleRequests(messages);
  for (const message of messages) {
    let reply: FromReader;
    if (stale.has(message.id)) {
      reply = { id: message.id, ok: false, error: { code: 'CANCELLED', message: 'This view was replaced before its rows were read.' } };
    } else {
      try {
        reply = { id: message.id, ok: true, value: answer(message) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: serializeError(error) };
      }
    }
    port.postMessage(reply);
  }
  schedule(queries.nextStep() === 'build' ? BUILD_AFTER_IDLE_MS : 0);
}

port.on('message', (message: ToReader) => {
  lastRequestAt = Date.now();
  batch.push(message);
  if (drainScheduled) return;
  drainScheduled = true;
  // After every message the port has queued (they arrive together after a long step), so a cancel can void what it follows.
  setImmediate(drain);
});
