/**
 * The I/O floor: read the file once through a 1 MiB buffer and do nothing
 * else. No import can be faster than this on the same machine.
 *
 *   node dist/bench/baselines/io-floor.js <file>
 */
import fs from 'node:fs';

const READ_BUFFER_BYTES = 1024 * 1024;

const filePath = process.argv[2];
if (filePath === undefined) {
  console.error('usage: io-floor.js <file>');
  process.exit(2);
}

const startedMs = performance.now();
const fd = fs.openSync(filePath, 'r');
const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
let bytesRead = 0;
for (;;) {
  const count = fs.readSync(fd, buffer, 0, READ_BUFFER_BYTES, null);
  if (count === 0) break;
  bytesRead += count;
}
fs.closeSync(fd);
console.log(JSON.stringify({ bytesRead, innerMs: performance.now() - startedMs }));
