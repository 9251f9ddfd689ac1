/**
 * CPU time of the browser this process launched, by kind of Chromium process (a page's
 * renderer, the GPU process that composites every page, the browser process itself, and the
 * network, audio and video-capture services), read from /proc. A call's setup runs two pages
 * and a server on two cores: how much of the machine each part takes says why a step waits.
 */
import { readFileSync } from 'node:fs';
import { descendantsOf, processTable } from './proc.ts';

/** CPU milliseconds by kind of process (`renderer`, `gpu-process`, `browser`, `utility:audio`, ...). */
export type CpuByKind = Record<string, number>;

/** Chromium's kind of a process from its command line: `--type`, with a utility's service. */
function kindOf(cmdline: string): string {
  const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
  if (type === undefined) return 'browser';
  const service = /--utility-sub-type=([a-z_]+)/.exec(cmdline)?.[1];
  return service === undefined ? type : `${type}:${service}`;
}

/** CPU milliseconds used so far by each kind of Chromium process descended from this one. */
export function browserCpuMs(ticksPerSecond: number): CpuByKind {
  const table = processTable();
  const used: CpuByKind = {};
  for (const pid of descendantsOf(process.pid, table)) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('chrom')) continue;
    const kind = kindOf(cmdline);
    used[kind] = (used[kind] ?? 0) + (table.get(pid)!.ticks * 1000) / ticksPerSecond;
  }
  return used;
}

/** What each kind used between two readings (a process started in between counts from 0). */
export function cpuBetween(before: CpuByKind, after: CpuByKind): CpuByKind {
  return Object.fromEntries(Object.entries(after).map(([kind, ms]) => [kind, Math.max(0, ms - (before[kind] ?? 0))]));
}
