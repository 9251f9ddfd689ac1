/**
 * How a deployment remembers seats beyond one server process (docs/protocol.md, "The seat outlives
 * the server process"). The rooms themselves live in memory; a seat's resume token is all a
 * server needs to take the seat back after a restart, or on another instance.
 *
 * One small interface, so the in-memory default (`SignedSeats`: tokens signed with a key that
 * survives restarts, see docs/seats.md) and a shared store (Redis) are interchangeable.
 */

/** A seat as its resume token stands for it. */
export interface Seat {
  roomId: string;
  capacity: number;
  peerId: string;
  /**
   * The random secret the room machine compares on a resume (128 bits); the wire token wraps
   * it, so rooms stay pure and never see how tokens are made.
   */
  nonce: string;
}

/** What the signaling endpoint needs of the seat store. */
export interface SeatStore {
  /** The resume token handed out in `joined` for `seat`, issued at `now` (ms since the epoch). */
  issue(seat: Seat, now: number): string;
  /**
   * The nonce inside a token this deployment issued, for a room the server knows; `undefined`
   * for anything else (a forged, foreign or malformed token), which makes the join an ordinary one.
   */
  nonceOf(token: string): string | undefined;
  /**
   * The seat of room `roomId` that `token` names, when it may come back into a room this
   * server does not hold (or re-established): issued before this server started, and
   * presented within the grace period after the start. Otherwise `null`. Never rejects.
   */
  recall(token: string, roomId: string, now: number): Promise<Seat | null>;
  /**
   * Whether seats from before this server started (or, in a cluster, from before this instance
   * took room `roomId` over) may still come back at `now`.
   */
  isReturnWindow(now: number, roomId?: string): boolean;
}
