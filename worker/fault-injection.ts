/**
 * Test-only fault injection, off unless SLUICE_FAULTS is set (e.g.
 * "crash:POISON,hang:SLOW"): a chunk containing the marker makes this worker
 * crash, hang, run out of memory or throw, so tests can prove that a poison
 * row is quarantined and never takes an import down.
 */
type Fault = 'crash' | 'hang' | 'oom' | 'throw';

const faults: { fault: Fault; marker: Buffer }[] = (process.env.SLUICE_FAULTS ?? '')
  .split(',')
  .map((entry) => entry.split(':'))
  .filter((parts): parts is [Fault, string] => parts.length === 2 && ['crash', 'hang', 'oom', 'throw'].includes(parts[0]!) && parts[1] !== '')
  .map(([fault, marker]) => ({ fault, marker: Buffer.from(marker) }));

export function injectFaults(bytes: Uint8Array): void {
  if (faults.length === 0) return;
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { fault, marker } of faults) {
    if (haystack.indexOf(marker) === -1) continue;
    if (fault === 'crash') process.exit(70);
    if (fault === 'throw') throw new Error('injected fault');
    if (fault === 'hang') for (;;);
    if (fault === 'oom') {
      const hog: string[][] = [];
      for (;;) hog.push(new Array(1e6).fill('x'.repeat(64)));
    }
  }
}
