/**
 * CPU time of the browser this process launched, by kind of Chromium process (a page's
 * renderer, the GPU process that composites every page, the browser process itself, and the
 * network, audio and video-capture services), read from /proc. A call's setup runs two pages
 * and a server on two cores: how much of the machine each part takes says why a step waits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { statFields } from './proc.ts';

/** CPU milliseconds by kind of process (`renderer`, `gpu-process`, `browser`, `utility:audio`, ...). */
export type CpuByKind = Record<string, number>;

/** Chromium's kind of a process from its command line: `--type`, with a utility's service. */
function kindOf(cmdline: string): string {
  const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
  if (type === undefined) return 'browser';
  const service = /--utility-sub-type=([a-z_]+)/.exec(cmdline)?.[1];
  return service === undefined ? type : `${type}:${service}`;
}

/** Parent pid and CPU ticks (utime + stime) of every process that can be read. */
function processTable(): Map<number, { parent: number; ticks: number }> {
  const table = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      table.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** CPU milliseconds used so far by each kind of Chromium process descended from this one. */
export function browserCpuMs(ticksPerSecond: number): CpuByKind {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of table) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const used: CpuByKind = {};
  const pending = [...(children.get(process.pid) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    pending.push(...(children.get(pid) ?? []));
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
