import type { PeerLink } from '../actors/peer-links.ts';
import { qualityOf, shownQuality, type LinkQuality } from './link-quality.ts';
import type { StatsSample } from './peer-stats.ts';
import { pollStats } from './stats-poll.ts';

/** How often each connection is judged through the call: one `getStats()` per person every two seconds. */
export const qualityIntervalMs = 2_000;

/** A connection in trouble, as the person's tile shows it, with the numbers behind it. */
export interface LinkTrouble {
  quality: Exclude<LinkQuality, 'good'>;
  lossPercent: number | null;
  rttMs: number | null;
}

/**
 * Whose connection is weak or poor, judged from every connected peer's stats through the whole
 * call (the stats panel reads its own, once a second, only while open). Only people in trouble
 * are listed, so nothing changes, and no tile is drawn again, while every connection is good.
 */
export class LinkQualities {
  trouble = $state<Record<string, LinkTrouble>>({});
  readonly #latest = new Map<string, LinkQuality>();

  /** `links` gives every registered connection at each reading. */
  constructor(private readonly links: () => readonly PeerLink[]) {}

  /** Starts watching; returns what stops it (the call view goes). */
  start(): () => void {
    return pollStats({ links: () => this.#connected(), add: (peerId, sample) => this.#judge(peerId, sample) }, { intervalMs: qualityIntervalMs });
  }

  /** The connections that are up. Anyone else (gone, reconnecting) is forgotten: their tile says so itself. */
  #connected() {
    const connected = this.links().filter((link) => link.pc.connectionState === 'connected');
    const ids = new Set(connected.map((link) => link.peerId));
    for (const peerId of this.#latest.keys()) if (!ids.has(peerId)) this.#latest.delete(peerId);
    if (Object.keys(this.trouble).some((peerId) => !ids.has(peerId))) {
      this.trouble = Object.fromEntries(Object.entries(this.trouble).filter(([peerId]) => ids.has(peerId)));
    }
    return connected;
  }

  #judge(peerId: string, { lossPercent, rttMs }: StatsSample): void {
    const latest = qualityOf({ lossPercent, rttMs });
    const shown = shownQuality(this.#latest.get(peerId) ?? 'good', latest);
    this.#latest.set(peerId, latest);
    if (shown !== 'good') {
      this.trouble = { ...this.trouble, [peerId]: { quality: shown, lossPercent, rttMs } };
    } else if (peerId in this.trouble) {
      const { [peerId]: _cleared, ...rest } = this.trouble;
      this.trouble = rest;
    }
  }
}
