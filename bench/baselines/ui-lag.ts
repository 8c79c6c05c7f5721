/**
 * The UI side of an import: a loopback HTTP server, like browser mode's, stays
 * in this process while an import runs off-thread (importInWorker, as the app
 * runs it). Measures the server thread's event-loop delay and the latency of
 * a small request sent every 20 ms, and prints the import's summary plus
 * those figures as one JSON line.
 *
 * Usage: node dist/bench/baselines/ui-lag.js <file> <db> <rules.json>
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { importInWorker } from '../../main/engine/pipeline/import-in-worker.js';

const [file, dbPath, rulesPath] = process.argv.slice(2);
if (!file || !dbPath || !rulesPath) throw new Error('usage: ui-lag <file> <db> <rules.json>');

const REQUEST_INTERVAL_MS = 20;
const server = http.createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end('{"ok":true}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

const lag = monitorEventLoopDelay({ resolution: 5 });
const requestMs: number[] = [];
let stopped = false;
const requests = (async () => {
  while (!stopped) {
    const sent = performance.now();
    await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.text());
    requestMs.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, REQUEST_INTERVAL_MS));
  }
})();

lag.enable();
const summary = await importInWorker({ sourcePath: file, dbPath, schemaPath: rulesPath, workers: 2 });
lag.disable();
stopped = true;
await requests;
server.close();

const sorted = requestMs.sort((a, b) => a - b);
const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
process.stdout.write(
  `${JSON.stringify({
    ...summary,
    lagP50Ms: ms(lag.percentile(50)),
    lagP99Ms: ms(lag.percentile(99)),
    lagMaxMs: ms(lag.max),
    requestP50Ms: Math.round(percentile(50) * 10) / 10,
    requestP99Ms: Math.round(percentile(99) * 10) / 10,
    requests: sorted.length,
  })}\n`,
);
