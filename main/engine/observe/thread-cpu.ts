import fs from 'node:fs';

/**
 * CPU time (user + system) the calling thread has used so far, in ms, from
 * /proc/thread-self/stat; undefined where there is no /proc (macOS, Windows).
 * Per-thread figures are what tell the writer's cost from the workers' on a
 * shared machine, where wall time says little.
 */
export function readThreadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/thread-self/stat', 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/** Linux reports thread times in clock ticks of USER_HZ, which is 100 on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** Opt-in (SLUICE_THREAD_CPU=1): the import thread and the workers report their CPU for measurements. */
export const THREAD_CPU_REPORTING = process.env['SLUICE_THREAD_CPU'] === '1';
