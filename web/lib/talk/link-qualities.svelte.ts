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
  /** Per person: what they send you, and what you send them, as last read and as shown. */
  readonly #received = new Map<string, Judged>();
  readonly #sent = new Map<string, Judged>();

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
    for (const judged of [this.#received, this.#sent]) for (const peerId of judged.keys()) if (!ids.has(peerId)) judged.delete(peerId);
    if (Object.keys(this.trouble).some((peerId) => !ids.has(peerId))) {
      this.trouble = Object.fromEntries(Object.entries(this.trouble).filter(([peerId]) => ids.has(peerId)));
    }
    this.#judgeOwn();
    return connected;
  }

  #judge(peerId: string, sample: StatsSample): void {
    const { lossPercent, rttMs } = sample;
    const received = judge(this.#received, peerId, qualityOf({ lossPercent, rttMs }), lossPercent);
    if (received.shown !== 'good') {
      // A good moment in a stretch of trouble keeps the numbers the trouble was shown with.
      const numbers = received.latest === 'good' ? (this.trouble[peerId] ?? { lossPercent, rttMs }) : { lossPercent, rttMs };
      this.trouble = { ...this.trouble, [peerId]: { quality: received.shown, lossPercent: numbers.lossPercent, rttMs: numbers.rttMs } };
    } else if (peerId in this.trouble) {
      const { [peerId]: _cleared, ...rest } = this.trouble;
      this.trouble = rest;
    }
    judge(this.#sent, peerId, qualityOf({ lossPercent: sample.sentLossPercent, rttMs: null }), sample.sentLossPercent);
    this.#judgeOwn();
  }

  /** Your own side is in trouble when every connection is, in the same direction. */
  #judgeOwn(): void {
    const sent = [...this.#sent.values()];
    const received = [...this.#received.keys()].map((peerId) => this.trouble[peerId]);
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

/** One direction of one connection: the latest reading, what is shown, and the share lost. */
interface Judged {
  latest: LinkQuality;
  shown: LinkQuality;
  lossPercent: number | null;
}

/** Records a reading of `peerId` in `judged`, and returns what is shown now (`shownQuality`). */
function judge(judged: Map<string, Judged>, peerId: string, latest: LinkQuality, lossPercent: number | null): Judged {
  const before = judged.get(peerId) ?? { latest: 'good', shown: 'good', lossPercent: null };
  const now = { latest, shown: shownQuality(before.shown, before.latest, latest), lossPercent };
  judged.set(peerId, now);
  return now;
}

const mildest = (qualities: LinkQuality[]): Exclude<LinkQuality, 'good'> => (qualities.includes('weak') ? 'weak' : 'poor');

function least(shares: Array<number | null>): number | null {
  const known = shares.filter((share) => share !== null);
  return known.length > 0 ? Math.min(...known) : null;
}
