import type { Seat, SeatStore } from '../seats/seat-store.ts';
import type { SignedSeats } from '../seats/signed-seats.ts';

/** A room this instance took over from one that died, and the seats that may come back to it. */
interface Takeover {
  /** When this instance took the room over, ms since the epoch. */
  at: number;
  /** Peer ids of the room's seats when its last owner wrote them. */
  peers: string[];
  /** When the last owner wrote them: a seat issued later may be missing only because it died first. */
  writtenAt: number;
}

/**
 * The `SeatStore` of cluster mode. Tokens are signed as in one process (`SignedSeats`, with
 * the `SECRET` every instance shares); a seat comes back into a room only when this instance
 * took the room over from a dead owner, within the grace period after that, and only if the
 * seat was still in the room when Redis last heard of it (so a peer that left stays gone), or
 * was issued after that (the owner died before it could write it).
 */
export class ClusterSeats implements SeatStore {
  private readonly takeovers = new Map<string, Takeover>();

  constructor(
    private readonly signed: SignedSeats,
    private readonly graceMs: number,
  ) {}

  issue(seat: Seat, now: number): string {
    return this.signed.issue(seat, now);
  }

  nonceOf(token: string): string | undefined {
    return this.signed.nonceOf(token);
  }

  async recall(token: string, roomId: string, now: number): Promise<Seat | null> {
    const seat = this.signed.read(token);
    const takeover = this.takeovers.get(roomId);
    if (seat === undefined || seat.roomId !== roomId || takeover === undefined || !this.isReturnWindow(now, roomId)) return null;
    if (!takeover.peers.includes(seat.peerId) && seat.issuedAt <= takeover.writtenAt) return null;
    return { roomId, capacity: seat.capacity, peerId: seat.peerId, nonce: seat.nonce };
  }

  isReturnWindow(now: number, roomId?: string): boolean {
    const takeover = roomId === undefined ? undefined : this.takeovers.get(roomId);
    return takeover !== undefined && now - takeover.at <= this.graceMs;
  }

  /** This instance took `roomId` over at `now`; `peers` are the seats Redis knew, written at `writtenAt`. */
  tookOver(roomId: string, peers: string[], writtenAt: number, now: number): void {
    this.takeovers.set(roomId, { at: now, peers, writtenAt });
  }

  /** Seats of `roomId` that may still come back at `now` (none once the window closed). */
  awaited(roomId: string, now: number): string[] {
    if (!this.isReturnWindow(now, roomId)) this.takeovers.delete(roomId);
    return this.takeovers.get(roomId)?.peers ?? [];
  }

  /** The room ended here: nothing of it may come back through this instance. */
  forget(roomId: string): void {
    this.takeovers.delete(roomId);
  }
}
