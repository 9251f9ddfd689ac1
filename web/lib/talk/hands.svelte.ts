import { encodePeerMessage } from '../../../protocol/peer-messages.ts';
import type { PeerLinks } from '../actors/peer-links.ts';

/**
 * Raised hands, to ask for a turn to speak in a group: yours, told to everyone on every change
 * and to each person again as the data channel with them opens (a newcomer, or a connection
 * made anew), and everyone else's as they tell it. Over the data channels, like chat: no server.
 */
export class Hands {
  /** Whether your own hand is raised. */
  mine = $state(false);
  /** The peers whose hand is raised, in the order they raised it. */
  raised = $state<string[]>([]);
  /** The last peer who raised their hand, for the page to say so; `null` until someone does. */
  lastRaised = $state<string | null>(null);
  readonly #links: PeerLinks;
  readonly #stop: () => void;

  constructor(links: PeerLinks) {
    this.#links = links;
    this.#stop = links.listen({
      message: (peerId, message) => message.type === 'hand' && this.#set(peerId, message.raised),
      linked: (peerId) => this.#tellOnOpen(peerId),
    });
  }

  /** Raises your hand, or lowers it. */
  toggle(): void {
    this.mine = !this.mine;
    this.#links.broadcast({ type: 'hand', raised: this.mine });
  }

  /** Forgets the hands of people no longer in the call. */
  keepOnly(peerIds: readonly string[]): void {
    const kept = this.raised.filter((peerId) => peerIds.includes(peerId));
    if (kept.length !== this.raised.length) this.raised = kept;
  }

  /** Forgets every hand, yours too: you left the call, and come back (if you do) with your hand down. */
  clear(): void {
    this.mine = false;
    this.raised = [];
    this.lastRaised = null;
  }

  /** Stops listening (the call is over). */
  stop(): void {
    this.#stop();
  }

  #set(peerId: string, raised: boolean): void {
    const was = this.raised.includes(peerId);
    if (raised === was) return;
    this.raised = raised ? [...this.raised, peerId] : this.raised.filter((id) => id !== peerId);
    if (raised) this.lastRaised = peerId;
  }

  /**
   * Tells a peer where your hand is once the channel with them is open: a message broadcast
   * before then missed them. Lowered is told too, so a hand they saw before a reconnection
   * cannot stay up on their screen.
   */
  #tellOnOpen(peerId: string): void {
    const channel = this.#links.get(peerId)?.channel;
    if (channel === undefined) return;
    const tell = () => channel.readyState === 'open' && channel.send(encodePeerMessage({ type: 'hand', raised: this.mine }));
    if (channel.readyState === 'open') tell();
    else channel.addEventListener('open', tell, { once: true });
  }
}
