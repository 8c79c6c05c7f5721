import fs from 'node:fs';

/**
 * Linux reports thread CPU in clock ticks of USER_HZ, which the kernel fixes
 * at 100 per second for user space on every architecture Node runs on
 * (sysconf(_SC_CLK_TCK)), so no call out to getconf is needed.
 */
const MS_PER_TICK = 1000 / 100;
/** utime and stime are fields 14 and 15 of the stat line; counted from the state field (3), after the command name. */
const UTIME_AFTER_COMM = 11;
const STIME_AFTER_COMM = 12;

/**
 * CPU time (user + system, in ms) the calling thread has used so far, from
 * /proc/thread-self/stat; undefined where there is no such file (not Linux,
 * no /proc). Threads end before their process does, so each thread reads its
 * own figure at its end and reports it: the bench's per-thread CPU columns
 * come from here. One small file read, so call it per run or per batch, not per row.
 */
export function readThreadCpuMs(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = fs.readFileSync('/proc/thread-self/stat', 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')': fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[UTIME_AFTER_COMM]);
  const stime = Number(fields[STIME_AFTER_COMM]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) * MS_PER_TICK;
}
