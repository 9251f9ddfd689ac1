import type { ClientMessage } from '../../protocol/messages.ts';
import type { ServerConfig } from '../config.ts';
import type { RoomRegistry, RoomSink } from '../plugins/rooms.ts';
import type { SeatStore } from '../seats/seat-store.ts';
import type { Connection } from './connection.ts';
import type { ReceivedFrame } from './relay-frame.ts';
import type { Sessions } from './sessions.ts';

/** Where a room not held here lives, as cluster mode finds it in Redis. */
export type RoomLocation =
  | { kind: 'owner'; instance: string }
  /** Its owner died and this instance took it over: its seats may come back here. */
  | { kind: 'claimed' }
  | { kind: 'none' }
  /** Redis does not answer. */
  | { kind: 'unavailable' };

/** What the signaling endpoint asks of cluster mode (server/cluster/); absent in one process. */
export interface ClusterRouting {
  /** Registers the new room `roomId` in Redis before it starts; `false` while Redis is away. */
  claimNew(roomId: string, capacity: number, peerId: string): Promise<boolean>;
  /** Finds the owner of `roomId`, taking the room over when its owner died and `mayClaim`. */
  locate(roomId: string, mayClaim: boolean): Promise<RoomLocation>;
  /** From now on, every message of `connection` goes to the room's owner `instance`. */
  pipe(connection: Connection, instance: string): void;
  /** Sends a message of a piped connection to its owner. */
  forward(connection: Connection, message: ClientMessage, size: number): void;
  /** A piped connection closed with `code`: its owner hears of it. */
  ended(connection: Connection, code: number): void;
  /** Forgets a room this instance claimed but did not start. */
  release(roomId: string): void;
}

/** What the parts of the signaling endpoint share: its settings, rooms, seats and sockets. */
export interface SignalingContext {
  readonly config: ServerConfig;
  readonly rooms: RoomRegistry;
  readonly seats: SeatStore;
  readonly sessions: Sessions;
  /** Carries out what the rooms emit (room-sink.ts). */
  readonly sink: RoomSink;
  /** Whether `address` may create another room now (the edge limits). */
  mayCreate(address: string): boolean;
  /** Cluster mode, when REDIS_URL is set. */
  cluster: ClusterRouting | undefined;
  /** The socket of `connection` closed with `code` (a remote socket's close comes this way too). */
  closed(connection: Connection, code: number): void;
  /**
   * Handles one parsed client message of `connection` (room-routing.ts); `received` is the frame
   * as received, when at hand, so a relayed signal can reuse the sender's `data`.
   */
  handle(connection: Connection, message: ClientMessage, size: number, received?: ReceivedFrame): void;
}
