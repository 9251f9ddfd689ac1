import type { PeerLink } from '../actors/peer-links.ts';
import { summarizeStats, type StatsCounters, type StatsSample } from './peer-stats.ts';

/** How often the open stats panel reads `getStats()`: once a second, as the numbers are read by eye. */
export const statsIntervalMs = 1_000;

/** What the poll reads from and writes to. */
export interface StatsPollTarget {
  /** The connections to read, at each tick. */
  links(): PeerLink[];
  add(peerId: string, sample: StatsSample): void;
}

/** How a poll runs: every `intervalMs` (once a second unless told), timed by `now`. */
export interface StatsPollOptions {
  intervalMs?: number;
  now?: () => number;
}

/**
 * Reads every connection's `getStats()` at once and then every interval, until the returned
 * function is called (the stats panel closes, the call ends).
 */
export function pollStats(target: StatsPollTarget, { intervalMs = statsIntervalMs, now = () => performance.now() }: StatsPollOptions = {}): () => void {
  const counters = new Map<RTCPeerConnection, StatsCounters>();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await Promise.all(
        target.links().map(async ({ peerId, pc }) => {
          if (pc.connectionState === 'closed') return;
          // A connection closing under us refuses: it is skipped, and gone by the next tick.
          const report = await pc.getStats().catch(() => null);
          if (report === null) return;
          const { sample, counters: next } = summarizeStats(report.values(), now(), counters.get(pc) ?? null);
          counters.set(pc, next);
          target.add(peerId, sample);
        }),
      );
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return () => clearInterval(timer);
}
