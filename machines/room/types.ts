import type { SignalData } from '../../protocol/messages.ts';
import type { Member } from './members.ts';

/** What a room starts with: it is created together with its first member. */
export interface RoomInput {
  roomId: string;
  /** How many members the room holds (2..MAX_CAPACITY, checked by the protocol parser). */
  capacity: number;
  /** The creator's socket, and the peer id and resume token the server drew for it. */
  creator: { connection: string; peerId: string; token: string; previousToken?: string; name?: string };
  /**
   * The room is re-established after the server lost it (docs/protocol.md, "The seat outlives the
   * server process"): its creator is a returning seat, with its old `peerId` and token.
   */
  restored?: boolean;
}

/** A room's state: its members in join order (oldest first). */
export interface RoomContext {
  roomId: string;
  capacity: number;
  members: Member[];
  /** Re-established from returning seats after the server lost it; see `RoomInput.restored`. */
  restored: boolean;
}

/**
 * Everything a room reacts to, namespaced by source: `client.*` are protocol messages from a
 * socket, `socket.*` the socket's end as the server saw it, `grace.*` the room's own timer.
 * The server draws a fresh candidate `peerId` and `token` for every join so the machine stays
 * pure; a successful resume keeps the old peer id and takes the fresh token.
 */
export type RoomEvent =
  | {
      type: 'client.join';
      connection: string;
      peerId: string;
      token: string;
      resume?: string;
      /**
       * The seat's `peerId` when the server verified that `resume` names a seat of this room
       * from before the server lost it: the seat comes back if it is free (`peerId` is then unused).
       */
      returning?: string;
      /** The display name given with `join`, already checked. */
      name?: string;
    }
  | { type: 'client.signal'; connection: string; to: string; data: SignalData }
  | { type: 'client.leave'; connection: string }
  /** The client closed its socket with a close frame: it leaves at once. */
  | { type: 'socket.closed'; connection: string }
  /** The socket died without a close frame: the seat is held for the grace period. */
  | { type: 'socket.lost'; connection: string }
  /** A held seat's grace period ran out (raised by the machine's `resumeGrace` delay). */
  | { type: 'grace.expired'; peerId: string };

/**
 * What the room asks the server to do, emitted in order. Handlers run synchronously, so a
 * `member.joined` is carried out before the `send`s that follow it.
 */
export type RoomEmitted =
  /** Write an already encoded frame to a socket. */
  | { type: 'send'; connection: string; frame: string }
  /** Close a socket (a resumed connection replaced it). */
  | { type: 'close'; connection: string; code: number }
  /** `connection` now holds seat `peerId`: the server answers it with `joined`. */
  | {
      type: 'member.joined';
      connection: string;
      roomId: string;
      peerId: string;
      peers: string[];
      capacity: number;
      token: string;
      resumed: boolean;
      /** Display names of the members who gave one, the newcomer's own included; absent when none did. */
      names?: Record<string, string>;
    }
  /** `connection` no longer belongs to the room (it left, or was replaced). */
  | { type: 'member.left'; connection: string; peerId: string };
