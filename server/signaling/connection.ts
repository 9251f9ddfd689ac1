import type { ClientMessage } from '../../protocol/messages.ts';
import { encode } from '../../protocol/encode.ts';
import { limits } from '../../protocol/limits.ts';
import type { RateLimiter } from '../rate-limiter.ts';
import type { RoomActor } from '../plugins/rooms.ts';

/**
 * What the signaling endpoint needs of a client's socket: a `ws` WebSocket has it, and so can
 * a socket held by another instance of a cluster (server/cluster/).
 */
export interface ClientSocket {
  /** Sends a text frame; a Buffer holds its UTF-8 bytes (`{ binary: false }` keeps it a text frame on a ws socket). */
  send(frame: string | Buffer, options: { binary: false }): void;
  close(code: number): void;
  terminate(): void;
  /** Bytes written but not yet sent. */
  readonly bufferedAmount: number;
}

/** One socket on /ws; kept small, since an idle joined client should cost little memory. */
export interface Connection {
  readonly id: string;
  readonly socket: ClientSocket;
  /** The client's address (after TRUST_PROXY), for the per-address limits. */
  readonly address: string;
  /** Closes the socket if it never creates or joins a room; cleared once it does. */
  idle: NodeJS.Timeout | undefined;
  readonly limiter: RateLimiter;
  /** The room this socket holds a seat in, if any. */
  room: RoomActor | undefined;
  /** How the room must treat this socket's end once the server has decided it. */
  ending: 'leave' | 'lost' | undefined;
  /**
   * While a seat from before a restart is looked up for this socket's `join`, the messages
   * that arrive meanwhile, handled in order once it is known; `undefined` otherwise.
   */
  backlog: { message: ClientMessage; size: number }[] | undefined;
  /** Cluster mode: the instance that owns this socket's room, when another does; its messages go there. */
  owner: string | undefined;
  /** Cluster mode: the instance that holds this socket, when another does (the socket is remote). */
  holder: string | undefined;
}

/** Frames that never change, encoded once. */
export const frames = {
  welcome: encode({ type: 'welcome', protocol: limits.protocol }),
  pong: encode({ type: 'pong' }),
  shuttingDown: encode({ type: 'error', code: 'shutting-down', message: 'The server is restarting; reconnect and resume.' }),
  rateLimited: encode({ type: 'error', code: 'rate-limited', message: 'Too many messages; some were dropped.' }),
  createLimited: encode({ type: 'error', code: 'rate-limited', message: 'Too many rooms created; try again in a minute.', ref: 'create' }),
};
