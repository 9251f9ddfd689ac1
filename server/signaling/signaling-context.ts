import type { ClientMessage } from '../../protocol/messages.ts';
import type { ServerConfig } from '../config.ts';
import type { RoomRegistry, RoomSink } from '../plugins/rooms.ts';
import type { SeatStore } from '../seats/seat-store.ts';
import type { Connection } from './connection.ts';
import type { Sessions } from './sessions.ts';

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
  /** Handles one parsed client message of `connection` (room-routing.ts). */
  handle(connection: Connection, message: ClientMessage, size: number): void;
}
