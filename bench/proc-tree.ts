/**
 * Samples the resident memory of a process and all its descendants from
 * /proc. Linux only; on other systems every sample is empty.
 */
import fs from 'node:fs';

export interface TreeSample {
  /** Sum of VmRSS over the tree at this instant, in KiB. */
  treeRssKiB: number;
  /** Largest VmHWM (the kernel's own per-process peak) seen in the tree, in KiB. */
  maxProcessHwmKiB: number;
}

function childrenOf(pid: number): number[] {
  // Each thread has its own children file: a child spawned from a worker thread is listed under that thread.
  let threadIds: string[];
  try {
    threadIds = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of threadIds) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text !== '') for (const child of text.split(' ')) children.push(Number(child));
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return children;
}

function statusKiB(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** `excludeRoot` leaves out a wrapper such as GNU time, whose own few KiB are not the program's. */
export function sampleTree(rootPid: number, excludeRoot: boolean): TreeSample {
  const sample: TreeSample = { treeRssKiB: 0, maxProcessHwmKiB: 0 };
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    pending.push(...childrenOf(pid));
    if (excludeRoot && pid === rootPid) continue;
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    sample.treeRssKiB += statusKiB(status, 'VmRSS');
    sample.maxProcessHwmKiB = Math.max(sample.maxProcessHwmKiB, statusKiB(status, 'VmHWM'));
  }
  return sample;
}
