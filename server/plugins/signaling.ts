import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { encode } from '../../protocol/encode.ts';
import { closeCodes, limits } from '../../protocol/limits.ts';
import type { ProtocolErrorCode } from '../../protocol/error-codes.ts';
import { createClientMessageParser } from '../../protocol/parse-client-message.ts';
import type { ClientMessage } from '../../protocol/messages.ts';
import { iceServersFor } from '../ice-servers.ts';
import { ids } from '../ids.ts';
import { RateLimiter, type RateVerdict } from '../rate-limiter.ts';
import { memberByToken, signalEnds } from '../../machines/room/members.ts';
import { signalFrame } from '../../machines/room/frames.ts';
import type { RoomActor, RoomSink } from './rooms.ts';
import type { Seat } from '../seats/seat-store.ts';

/** Counts that tell whether anything leaked; tests and benchmarks check them. */
export interface SignalingStats {
  /** Live rooms. */
  rooms: number;
  /** Open (or closing) sockets on /ws. */
  connections: number;
  /** Seats taken across all rooms, held seats included. */
  members: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The /ws signaling endpoint. */
    signaling: {
      stats(): SignalingStats;
      /** Client messages handled by type, and errors sent by code, since the server started. */
      readonly counts: { frames: Record<string, number>; errors: Record<string, number> };
    };
  }
}

/** One socket on /ws; kept small, since an idle joined client should cost little memory. */
interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
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
}

/** Frames that never change, encoded once. */
const frames = {
  welcome: encode({ type: 'welcome', protocol: limits.protocol }),
  pong: encode({ type: 'pong' }),
  shuttingDown: encode({ type: 'error', code: 'shutting-down', message: 'The server is restarting; reconnect and resume.' }),
  rateLimited: encode({ type: 'error', code: 'rate-limited', message: 'Too many messages; some were dropped.' }),
  createLimited: encode({ type: 'error', code: 'rate-limited', message: 'Too many rooms created; try again in a minute.', ref: 'create' }),
};

const errorText: Partial<Record<ProtocolErrorCode, string>> = {
  'already-in-room': 'Leave your room first.',
  'not-in-room': 'You are not in a room.',
  'room-not-found': 'No such room.',
};

/**
 * The signaling endpoint `/ws` (PROTOCOL.md): welcome, message validation, room membership by
 * way of the room actors, rate limiting, and the close rules (a close frame leaves at once, a
 * lost connection keeps its seat for the grace period). On shutdown every socket gets
 * `shutting-down` and close code 1012.
 */
export const signalingPlugin = fp(
  async (app) => {
    const { config, rooms, seats, edge } = app;
    const counts = { frames: {} as Record<string, number>, errors: {} as Record<string, number> };
    const countError = (code: ProtocolErrorCode): void => {
      counts.errors[code] = (counts.errors[code] ?? 0) + 1;
    };
    const connections = new Map<string, Connection>();
    const parse = createClientMessageParser({ maxCapacity: config.maxCapacity });
    let nextConnection = 0;
    let drained: (() => void) | undefined;

    /** Closes a socket for a reason the server chose; `ending` says what its room should do. */
    const end = (connection: Connection, code: number, ending: 'leave' | 'lost'): void => {
      connection.ending ??= ending;
      connection.socket.close(code);
    };

    /**
     * Sends a frame, unless the client stopped reading: once more than SEND_BUFFER_LIMIT bytes
     * wait to be sent, the socket is closed with 4001 and its seat held at once, as for a lost
     * connection, so what follows for it is queued (bounded) instead of buffered.
     */
    const send = (connection: Connection, frame: string): void => {
      if (connection.ending !== undefined) return;
      connection.socket.send(frame);
      if (connection.socket.bufferedAmount <= config.sendBufferLimit) return;
      app.log.debug({ connection: connection.id }, 'closing a socket that does not read');
      const { room } = connection;
      connection.room = undefined;
      end(connection, closeCodes.slowReader, 'lost');
      if (room !== undefined && room.getSnapshot().status === 'active') room.send({ type: 'socket.lost', connection: connection.id });
    };

    /** Sends an `error` frame; `ref` is the offending message's type when known. */
    const sendError = (connection: Connection, code: ProtocolErrorCode, ref: string | undefined, message = errorText[code] ?? code): void => {
      countError(code);
      send(connection, encode(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref }));
    };

    /**
     * Whether a signal of `size` bytes for a held seat fits in the whole server's budget for
     * held-seat queues (HELD_QUEUE_BYTES); past it such signals are dropped, which PROTOCOL.md
     * allows, since peers repair lost signals themselves.
     */
    const fitsHeldBudget = (size: number): boolean => rooms.queuedBytes + size <= config.heldQueueBytes;

    const sink: RoomSink = (event, room) => {
      const connection = connections.get(event.connection);
      if (connection === undefined) return;
      switch (event.type) {
        case 'send':
          send(connection, event.frame);
          return;
        case 'member.joined': {
          connection.room = room;
          clearTimeout(connection.idle);
          const now = Date.now();
          const seat = { roomId: event.roomId, capacity: event.capacity, peerId: event.peerId, nonce: event.token };
          // Peers missing from `peers` of a re-established room may still come back.
          const restored = room.getSnapshot().context.restored && seats.isReturnWindow(now);
          send(
            connection,
            encode({
              type: 'joined',
              roomId: event.roomId,
              peerId: event.peerId,
              peers: event.peers,
              capacity: event.capacity,
              resume: seats.issue(seat, now),
              resumeGraceMs: config.resumeGraceMs,
              ...(restored ? { restored: true as const } : {}),
              names: event.names ?? {},
              iceServers: iceServersFor(config, event.peerId, now),
            }),
          );
          return;
        }
        case 'member.left':
          connection.room = undefined;
          return;
        case 'close':
          // Replaced by a resumed socket: it no longer speaks for its seat, nor for anything else.
          connection.room = undefined;
          end(connection, event.code, 'leave');
          return;
      }
    };

    const overLimit = (connection: Connection, verdict: Exclude<RateVerdict, 'accept'>): void => {
      if (verdict === 'notify') {
        countError('rate-limited');
        send(connection, frames.rateLimited);
      }
      else if (verdict === 'close') {
        app.log.info({ connection: connection.id }, 'closing a socket still over the rate limit');
        end(connection, closeCodes.policyViolation, 'leave');
      }
    };

    /**
     * A `join` with a token from before this server started, for a room it does not hold (or
     * re-established from such tokens): the seat comes back with its peer id, re-establishing
     * the room when it is the first (PROTOCOL.md, "The seat outlives the server process").
     */
    const recallSeat = async (connection: Connection, roomId: string, token: string, name: string | undefined): Promise<void> => {
      connection.backlog = [];
      const seat = await seats.recall(token, roomId, Date.now()).catch(() => null);
      if (!connections.has(connection.id) || connection.ending !== undefined) return;
      answerRecall(connection, roomId, token, seat, name);
      // What the socket sent meanwhile, in order; a `join` among it may start another recall.
      const backlog = connection.backlog;
      connection.backlog = undefined;
      for (const entry of backlog) {
        // A `join` just handled may have started another recall: the rest waits for that one.
        const later = connection.backlog as Connection['backlog'];
        if (later === undefined) handle(connection, entry.message, entry.size);
        else later.push(entry);
      }
    };

    const answerRecall = (connection: Connection, roomId: string, token: string, seat: Seat | null, name: string | undefined): void => {
      const target = rooms.get(roomId);
      const fresh = { connection: connection.id, peerId: ids.peer(), token: ids.token(), ...(name === undefined ? {} : { name }) };
      if (target !== undefined) {
        target.send({ type: 'client.join', ...fresh, resume: seat?.nonce ?? seats.nonceOf(token), returning: seat?.peerId });
      } else if (seat === null) {
        sendError(connection, 'room-not-found', 'join');
      } else {
        const capacity = Math.min(Math.max(seat.capacity, limits.defaultCapacity), config.maxCapacity);
        const creator = { ...fresh, peerId: seat.peerId, previousToken: seat.nonce };
        rooms.create({ roomId, capacity, restored: true, creator }, sink);
      }
    };

    /** Whether `resume` may name a seat from before this server started, for room `target`. */
    const mayReturn = (target: RoomActor | undefined, nonce: string | undefined): boolean => {
      if (!seats.isReturnWindow(Date.now())) return false;
      if (target === undefined) return true;
      const { restored, members } = target.getSnapshot().context;
      return restored && (nonce === undefined || memberByToken(members, nonce) === undefined);
    };

    const handle = (connection: Connection, message: ClientMessage, size: number): void => {
      counts.frames[message.type] = (counts.frames[message.type] ?? 0) + 1;
      const { room } = connection;
      switch (message.type) {
        case 'signal': {
          if (room === undefined) return sendError(connection, 'not-in-room', 'signal');
          // Hot path: relaying to a connected peer changes no room state, so it is taken from
          // the room's current snapshot with the machine's own rule (signalEnds) and frame,
          // without a full transition. Queueing for a held seat and refusals go to the actor.
          const ends = signalEnds(room.getSnapshot().context.members, connection.id, message.to);
          const target = ends?.to.connection == null ? undefined : connections.get(ends.to.connection);
          if (target !== undefined) send(target, signalFrame(ends!.from.peerId, message.data));
          else if (ends?.to.connection === null && !fitsHeldBudget(size)) return;
          else room.send({ type: 'client.signal', connection: connection.id, to: message.to, data: message.data });
          return;
        }
        case 'ping':
          send(connection, frames.pong);
          return;
        case 'create':
          if (room !== undefined) sendError(connection, 'already-in-room', 'create');
          else if (!edge.mayCreate(connection.address)) {
            countError('rate-limited');
            send(connection, frames.createLimited);
          }
          else {
            const named = message.name === undefined ? {} : { name: message.name };
            const creator = { connection: connection.id, peerId: ids.peer(), token: ids.token(), ...named };
            rooms.create({ capacity: message.capacity ?? limits.defaultCapacity, creator }, sink);
          }
          return;
        case 'join': {
          if (room !== undefined) return sendError(connection, 'already-in-room', 'join');
          if (!ids.isRoomId(message.roomId)) return sendError(connection, 'room-not-found', 'join');
          const target = rooms.get(message.roomId);
          const nonce = message.resume === undefined ? undefined : seats.nonceOf(message.resume);
          if (message.resume !== undefined && mayReturn(target, nonce)) return void recallSeat(connection, message.roomId, message.resume, message.name);
          if (target === undefined) return sendError(connection, 'room-not-found', 'join');
          target.send({ type: 'client.join', connection: connection.id, peerId: ids.peer(), token: ids.token(), resume: nonce, name: message.name });
          return;
        }
        case 'peek': {
          // Whether a join could succeed now, asked before a page takes the camera; it changes nothing.
          const target = rooms.get(message.roomId);
          if (target === undefined) return sendError(connection, 'room-not-found', 'peek');
          const { capacity, members } = target.getSnapshot().context;
          if (members.length >= capacity) return sendError(connection, 'room-full', 'peek', 'The room is full.');
          send(connection, encode({ type: 'room', roomId: message.roomId, capacity, peers: members.length }));
          return;
        }
        case 'leave':
          if (room === undefined) sendError(connection, 'not-in-room', 'leave');
          else room.send({ type: 'client.leave', connection: connection.id });
          return;
      }
    };

    const onMessage = (connection: Connection, data: Buffer, isBinary: boolean): void => {
      if (connection.ending !== undefined) return;
      const verdict = connection.limiter.take(performance.now(), data.length);
      if (verdict !== 'accept') return overLimit(connection, verdict);
      if (isBinary) return end(connection, closeCodes.unsupportedData, 'leave');
      const result = parse(data.toString());
      if (!result.ok) sendError(connection, result.error.code, result.error.ref, result.error.message);
      else if (connection.backlog !== undefined) connection.backlog.push({ message: result.message, size: data.length });
      else handle(connection, result.message, data.length);
    };

    const onClose = (connection: Connection, code: number): void => {
      connections.delete(connection.id);
      clearTimeout(connection.idle);
      if (connections.size === 0) drained?.();
      const { room } = connection;
      connection.room = undefined;
      if (room === undefined || room.getSnapshot().status !== 'active') return;
      // No close frame from the client (1006: network gone, heartbeat) and 1012 keep the seat.
      const lost = connection.ending === 'lost' || (connection.ending === undefined && code === 1006);
      room.send({ type: lost ? 'socket.lost' : 'socket.closed', connection: connection.id });
    };

    await app.register(websocket, {
      options: { maxPayload: config.maxPayload, perMessageDeflate: false },
      // Shutdown: every socket is told, then closed with 1012 (its seat is held, as for a lost
      // connection); sockets that do not finish the close handshake in time are cut.
      preClose: async () => {
        for (const connection of connections.values()) {
          if (connection.ending !== undefined) continue;
          send(connection, frames.shuttingDown);
          end(connection, closeCodes.serviceRestart, 'lost');
        }
        if (connections.size > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, config.shutdownTimeoutMs).unref();
          });
        }
        for (const connection of connections.values()) connection.socket.terminate();
        app.websocketServer.close();
      },
    });

    // @fastify/websocket upgrades through a ServerResponse bound to the TCP socket and keeps the
    // request and reply in its 'error' listener. Both are released once the socket is upgraded
    // (our own 'error' listener replaces theirs), which saves about 2 KiB per open socket. Both
    // calls are public APIs (ServerResponse.detachSocket, EventEmitter.removeAllListeners); what
    // they rely on in @fastify/websocket is checked by tests/server/upgrade-release.test.ts.
    const upgradeResponses = new WeakMap<IncomingMessage, ServerResponse>();
    const keepResponse = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
      upgradeResponses.set(request.raw, reply.raw);
      done();
    };

    app.get('/ws', { websocket: true, onRequest: keepResponse }, (socket, request) => {
      upgradeResponses.get(request.raw)?.detachSocket(request.raw.socket);
      socket.removeAllListeners('error');
      const connection: Connection = {
        id: `c${(nextConnection++).toString(36)}`,
        socket,
        address: request.ip,
        idle: undefined,
        limiter: new RateLimiter(config.rateLimit, performance.now()),
        room: undefined,
        ending: undefined,
        backlog: undefined,
      };
      connection.idle = setTimeout(() => end(connection, closeCodes.policyViolation, 'leave'), config.idleTimeoutMs);
      connections.set(connection.id, connection);
      socket.on('message', (data, isBinary) => onMessage(connection, data as Buffer, isBinary));
      socket.on('close', (code) => onClose(connection, code));
      // ws reports a protocol violation (too big, bad UTF-8, bad opcode) after closing with its code.
      socket.on('error', (error) => {
        app.log.debug({ err: error, connection: connection.id }, 'websocket protocol error');
        connection.ending ??= 'leave';
      });
      send(connection, frames.welcome);
    });

    app.decorate('signaling', {
      stats: () => ({ rooms: rooms.size, connections: connections.size, members: rooms.memberCount() }),
      counts,
    });
  },
  { name: 'parley-signaling', dependencies: ['parley-config', 'parley-rooms', 'parley-edge-limits'] },
);
