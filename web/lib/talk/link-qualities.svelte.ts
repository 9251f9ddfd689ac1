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
 * Trouble that lies with your own connection, as far as the page can tell: what you send is
 * lost on the way to every person (`sending`), or, with two people or more, what every one of
 * them sends you is (`receiving`). The share lost is the least among them.
 */
export interface OwnTrouble {
  quality: Exclude<LinkQuality, 'good'>;
  direction: 'sending' | 'receiving';
  lossPercent: number | null;
}

/**
 * Whose connection is weak or poor, judged from every connected peer's stats through the whole
 * call (the stats panel reads its own, once a second, only while open). Only people in trouble
 * are listed, so nothing changes, and no tile is drawn again, while every connection is good.
 */
export class LinkQualities {
  trouble = $state<Record<string, LinkTrouble>>({});
  /** Trouble on your side, shown to you alone; `null` while any connection is fine. */
  own = $state<OwnTrouble | null>(null);
  readonly #latest = new Map<string, LinkQuality>();
  /** Per person: what you send them, as last read, and as shown (the milder of the last two). */
  readonly #sent = new Map<string, { latest: LinkQuality; shown: LinkQuality; lossPercent: number | null }>();

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
    for (const peerId of this.#sent.keys()) if (!ids.has(peerId)) this.#sent.delete(peerId);
    if (Object.keys(this.trouble).some((peerId) => !ids.has(peerId))) {
      this.trouble = Object.fromEntries(Object.entries(this.trouble).filter(([peerId]) => ids.has(peerId)));
    }
    this.#judgeOwn();
    return connected;
  }

  #judge(peerId: string, sample: StatsSample): void {
    this.#judgeReceived(peerId, sample);
    const latest = qualityOf({ lossPercent: sample.sentLossPercent, rttMs: null });
    this.#sent.set(peerId, { latest, shown: shownQuality(this.#sent.get(peerId)?.latest ?? 'good', latest), lossPercent: sample.sentLossPercent });
    this.#judgeOwn();
  }

  #judgeReceived(peerId: string, { lossPercent, rttMs }: StatsSample): void {
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

  /** Your own side is in trouble when every connection is, in the same direction. */
  #judgeOwn(): void {
    const sent = [...this.#sent.values()];
    const received = [...this.#latest.keys()].map((peerId) => this.trouble[peerId]);
    let own: OwnTrouble | null = null;
    if (sent.length > 0 && sent.every((link) => link.shown !== 'good')) {
      own = { quality: mildest(sent.map((link) => link.shown)), direction: 'sending', lossPercent: least(sent.map((link) => link.lossPercent)) };
    } else if (received.length > 1 && received.every((trouble) => trouble !== undefined)) {
      const troubles = received as LinkTrouble[];
      own = { quality: mildest(troubles.map((trouble) => trouble.quality)), direction: 'receiving', lossPercent: least(troubles.map((trouble) => trouble.lossPercent)) };
    }
    if (JSON.stringify(own) !== JSON.stringify(this.own)) this.own = own;
  }
}

const mildest = (qualities: LinkQuality[]): Exclude<LinkQuality, 'good'> => (qualities.includes('weak') ? 'weak' : 'poor');

function least(shares: Array<number | null>): number | null {
  const known = shares.filter((share) => share !== null);
  return known.length > 0 ? Math.min(...known) : null;
}
