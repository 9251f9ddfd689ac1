import type { ReactionEmoji } from '../../../protocol/peer-messages.ts';
import type { PeerLinks } from '../actors/peer-links.ts';

/** How long a reaction stays on a tile. */
export const reactionShownMs = 4_000;
/** The most reactions one tile shows at once: another replaces the oldest, so nobody can flood a screen. */
export const maxShownPerTile = 3;
/** The least time between two reactions you send: a held key sends a few, not thirty a second. */
export const minSendGapMs = 250;

/** Your own tile's key among the shown reactions: no peer id is empty. */
const you = '';

/** A reaction on a tile; `key` tells two of the same emoji apart. */
export interface ShownReaction {
  key: number;
  emoji: ReactionEmoji;
}

/**
 * Reactions to what is being said (👍, 👏 and the like): sent to everyone over the data
 * channels, shown for a few seconds over the sender's tile, yours over your own. Nothing is
 * kept: a reaction missed is not sent again.
 */
export class Reactions {
  /** The reactions on screen, by tile: a peer id, or `''` for yours. */
  #shown = $state<Record<string, ShownReaction[]>>({});
  readonly #links: PeerLinks;
  readonly #stop: () => void;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #onReact = new Set<(peerId: string, emoji: ReactionEmoji) => void>();
  #nextKey = 0;
  #lastSentAt = -Infinity;

  constructor(links: PeerLinks) {
    this.#links = links;
    this.#stop = links.listen({
      message: (peerId, message) => {
        if (message.type !== 'reaction' || peerId === you) return;
        this.#show(peerId, message.emoji);
        for (const listener of this.#onReact) listener(peerId, message.emoji);
      },
    });
  }

  /** The reactions shown on a peer's tile now, or on yours without a peer id. */
  on(peerId: string = you): ShownReaction[] {
    return this.#shown[peerId] ?? [];
  }

  /** Calls `listener` each time someone else sends a reaction; returns what stops it. */
  onReact(listener: (peerId: string, emoji: ReactionEmoji) => void): () => void {
    this.#onReact.add(listener);
    return () => this.#onReact.delete(listener);
  }

  /** Sends a reaction to everyone and shows it on your tile; one sooner than `minSendGapMs` after the last is dropped. */
  send(emoji: ReactionEmoji): void {
    const now = performance.now();
    if (now - this.#lastSentAt < minSendGapMs) return;
    this.#lastSentAt = now;
    this.#links.broadcast({ type: 'reaction', emoji });
    this.#show(you, emoji);
  }

  /** Takes every reaction off the screen (the call is over). */
  stop(): void {
    this.#stop();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#shown = {};
    this.#onReact.clear();
  }

  #show(tile: string, emoji: ReactionEmoji): void {
    const key = (this.#nextKey += 1);
    this.#shown = { ...this.#shown, [tile]: [...this.on(tile), { key, emoji }].slice(-maxShownPerTile) };
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const left = this.on(tile).filter((shown) => shown.key !== key);
      const { [tile]: _gone, ...others } = this.#shown;
      this.#shown = left.length > 0 ? { ...others, [tile]: left } : others;
    }, reactionShownMs);
    this.#timers.add(timer);
  }
}
