import type { StatsSample } from './peer-stats.ts';

/** How much history is kept per peer: the last minute, as the plots show it and the log exports it. */
export const statsWindowSeconds = 60;

/**
 * The last minute of each remote peer's stats, filled once a second while the stats panel is
 * open (and only then) and exported with the inspector's log.
 */
export class StatsHistory {
  byPeer = $state<Record<string, StatsSample[]>>({});

  /** Adds one sample, dropping those older than a minute before it. */
  add(peerId: string, sample: StatsSample): void {
    const kept = (this.byPeer[peerId] ?? []).filter((old) => old.t > sample.t - statsWindowSeconds);
    this.byPeer = { ...this.byPeer, [peerId]: [...kept, sample] };
  }

  /** Forgets peers no longer in the call. */
  keepOnly(peerIds: readonly string[]): void {
    const kept = Object.entries(this.byPeer).filter(([peerId]) => peerIds.includes(peerId));
    if (kept.length !== Object.keys(this.byPeer).length) this.byPeer = Object.fromEntries(kept);
  }

  /** A plain copy for the exported log. */
  export(): Record<string, StatsSample[]> {
    return $state.snapshot(this.byPeer);
  }
}
