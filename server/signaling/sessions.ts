import { encode } from '../../protocol/encode.ts';
import { closeCodes } from '../../protocol/limits.ts';
import type { ProtocolErrorCode } from '../../protocol/error-codes.ts';
import type { RateVerdict } from '../rate-limiter.ts';
import type { ServerConfig } from '../config.ts';
import { frames, type Connection } from './connection.ts';
import { TextFrame, writeWhole } from './text-frame.ts';

const errorText: Partial<Record<ProtocolErrorCode, string>> = {
  'already-in-room': 'Leave your room first.',
  'not-in-room': 'You are not in a room.',
  'room-not-found': 'No such room.',
};

/** Every frame the server sends is text, a Buffer one included. */
const asText = { binary: false } as const;

interface SessionLog {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
}

/**
 * The open sockets of /ws by connection id, and the three ways the server speaks to one:
 * a frame, an error, or a close for a reason it chose. Counts what it handles for /metrics.
 */
export class Sessions {
  readonly connections = new Map<string, Connection>();
  /** Client messages handled by type, and errors sent by code, since the server started. */
  readonly counts = { frames: {} as Record<string, number>, errors: {} as Record<string, number> };

  constructor(
    private readonly config: Pick<ServerConfig, 'sendBufferLimit'>,
    private readonly log: SessionLog,
  ) {}

  countError(code: ProtocolErrorCode): void {
    this.counts.errors[code] = (this.counts.errors[code] ?? 0) + 1;
  }

  /** Closes a socket for a reason the server chose; `ending` says what its room should do. */
  end(connection: Connection, code: number, ending: 'leave' | 'lost'): void {
    connection.ending ??= ending;
    connection.socket.close(code);
  }

  /**
   * Sends a frame (a `TextFrame` in one write to a ws socket), unless the client stopped reading: once more than SEND_BUFFER_LIMIT bytes
   * wait to be sent, the socket is closed with 4001 and its seat held at once, as for a lost
   * connection, so what follows for it is queued (bounded) instead of buffered.
   */
  send(connection: Connection, frame: string | Buffer | TextFrame): void {
    if (connection.ending !== undefined) return;
    if (!(frame instanceof TextFrame)) connection.socket.send(frame, asText);
    else if (!writeWhole(connection.socket, frame)) connection.socket.send(frame.payload, asText);
    if (connection.socket.bufferedAmount <= this.config.sendBufferLimit) return;
    this.log.debug({ connection: connection.id }, 'closing a socket that does not read');
    const { room } = connection;
    connection.room = undefined;
    this.end(connection, closeCodes.slowReader, 'lost');
    if (room !== undefined && room.getSnapshot().status === 'active') room.send({ type: 'socket.lost', connection: connection.id });
  }

  /** Sends an `error` frame; `ref` is the offending message's type when known. */
  sendError(connection: Connection, code: ProtocolErrorCode, ref: string | undefined, message = errorText[code] ?? code): void {
    this.countError(code);
    this.send(connection, encode(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref }));
  }

  /** Answers a frame over the rate limit: a notice now and then, a close once it goes on too long. */
  overLimit(connection: Connection, verdict: Exclude<RateVerdict, 'accept'>): void {
    if (verdict === 'notify') {
      this.countError('rate-limited');
      this.send(connection, frames.rateLimited);
    }
    else if (verdict === 'close') {
      this.log.info({ connection: connection.id }, 'closing a socket still over the rate limit');
      this.end(connection, closeCodes.policyViolation, 'leave');
    }
  }
}
