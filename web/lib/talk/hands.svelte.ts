import { encodePeerMessage } from '../../../protocol/peer-messages.ts';
import type { PeerLinks } from '../actors/peer-links.ts';

/** Your own entry among the raised hands: no peer id is empty. */
const you = '';
/**
 * How long your hand must have been up before speaking lowers it: a sentence counts only if all
 * of it came after the hand went up (the microphone judges the last two seconds).
 */
export const floorAfterMs = 2_000;

/**
 * Raised hands, to ask for a turn to speak in a group: yours, told to everyone on every change
 * and to each person again as the data channel with them opens (a newcomer, or a connection
 * made anew), and everyone else's as they tell it. Over the data channels, like chat: no server.
 * Everyone's hand, yours too, takes its place in one queue in the order the hands went up here.
 */
export class Hands {
  /** The raised hands in the order they went up: peer ids, and `''` for yours. */
  #queue = $state<string[]>([]);
  readonly #links: PeerLinks;
  readonly #stop: () => void;
  readonly #onRaise = new Set<(peerId: string) => void>();
  #raisedAt = 0;

  constructor(links: PeerLinks) {
    this.#links = links;
    this.#stop = links.listen({
      message: (peerId, message) => message.type === 'hand' && this.#set(peerId, message.raised),
      linked: (peerId) => this.#tellOnOpen(peerId),
    });
  }

  /** Whether your own hand is raised. */
  get mine(): boolean {
    return this.#queue.includes(you);
  }

  /** The peers whose hand is raised, in the order they raised it. */
  get raised(): string[] {
    return this.#queue.filter((id) => id !== you);
  }

  /** How many hands are raised, yours included. */
  get count(): number {
    return this.#queue.length;
  }

  /** A peer's place among the raised hands, 1 first, or yours without a peer id; `null` when that hand is down. */
  placeOf(peerId: string = you): number | null {
    const index = this.#queue.indexOf(peerId);
    return index === -1 ? null : index + 1;
  }

  /** Raises your hand, or lowers it. */
  toggle(): void {
    const raised = !this.mine;
    this.#put(you, raised);
    if (raised) this.#raisedAt = performance.now();
    this.#links.broadcast({ type: 'hand', raised });
  }

  /**
   * You are talking steadily into the open microphone: you have the floor, so your raised hand
   * goes down for everyone, as Meet does; but only once it has been up for `floorAfterMs`, so
   * the sentence that made you raise it does not lower it again. Whether it went down.
   */
  spoke(): boolean {
    if (!this.mine || this.floorIn() > 0) return false;
    this.toggle();
    return true;
  }

  /**
   * You started talking steadily: your raised hand goes down as soon as `spoke` lets it, the
   * rest of `floorAfterMs` waited out, and `onLowered` is told. Returns what cancels the wait
   * (you stopped talking first, or lowered it yourself).
   */
  speaking(onLowered: () => void): () => void {
    // A timer may fire a fraction of a millisecond before the clock the wait was read from says
    // it is time: it then waits again, rather than leaving the hand up for good.
    let wait: ReturnType<typeof setTimeout> | undefined;
    const lower = () => {
      const left = this.floorIn();
      if (left > 0) wait = setTimeout(lower, left);
      else if (this.spoke()) onLowered();
    };
    lower();
    return () => clearTimeout(wait);
  }

  /** How long until talking would lower your raised hand (`spoke`): 0 once it has been up long enough. */
  floorIn(): number {
    return Math.max(0, this.#raisedAt + floorAfterMs - performance.now());
  }

  /** Calls `listener` with the peer's id each time another person raises their hand; returns what stops it. */
  onRaise(listener: (peerId: string) => void): () => void {
    this.#onRaise.add(listener);
    return () => this.#onRaise.delete(listener);
  }

  /** Forgets the hands of people no longer in the call. */
  keepOnly(peerIds: readonly string[]): void {
    const kept = this.#queue.filter((id) => id === you || peerIds.includes(id));
    if (kept.length !== this.#queue.length) this.#queue = kept;
  }

  /** Forgets every hand, yours too: you left the call, and come back (if you do) with your hand down. */
  clear(): void {
    this.#queue = [];
  }

  /** Stops listening (the call is over). */
  stop(): void {
    this.#stop();
    this.#onRaise.clear();
  }

  #set(peerId: string, raised: boolean): void {
    if (peerId === you || !this.#put(peerId, raised) || !raised) return;
    for (const listener of this.#onRaise) listener(peerId);
  }

  /** Puts a hand up at the end of the queue or takes it out; whether that changed anything. */
  #put(id: string, raised: boolean): boolean {
    if (raised === this.#queue.includes(id)) return false;
    this.#queue = raised ? [...this.#queue, id] : this.#queue.filter((other) => other !== id);
    return true;
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
