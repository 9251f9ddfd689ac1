import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { closeCodes } from '../../protocol/limits.ts';
import { createClientMessageParser } from '../../protocol/parse-client-message.ts';
import { RateLimiter } from '../rate-limiter.ts';
import { frames, type ClientSocket, type Connection } from '../signaling/connection.ts';
import { Sessions } from '../signaling/sessions.ts';
import { createRoomSink } from '../signaling/room-sink.ts';
import { routeMessage } from '../signaling/room-routing.ts';
import type { SignalingContext } from '../signaling/signaling-context.ts';
import { ClusterNode } from '../cluster/cluster-node.ts';
import { compactListeners } from '../compact-listeners.ts';
import { renewReceiverArrays } from '../signaling/receiver-arrays.ts';
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
      /**
       * Cluster mode: sockets here whose room another instance owns (`piped`), and sockets of
       * other instances whose room is here (`remote`, also in `connections`). Across a
       * deployment both totals agree once every close has reached the room's owner.
       */
      pipes(): { piped: number; remote: number };
      /** The sockets of this instance's connections (not those another instance holds). */
      sockets(): IterableIterator<ClientSocket>;
      /** Client messages handled by type, and errors sent by code, since the server started. */
      readonly counts: { frames: Record<string, number>; errors: Record<string, number> };
    };
  }
}

/**
 * The signaling endpoint `/ws` (docs/protocol.md): welcome, message validation, room membership by
 * way of the room actors, rate limiting, and the close rules (a close frame leaves at once, a
 * lost connection keeps its seat for the grace period). On shutdown every socket gets
 * `shutting-down` and close code 1012.
 */
export const signalingPlugin = fp(
  async (app) => {
    const { config, rooms, seats, edge } = app;
    const sessions = new Sessions(config, app.log);
    const { connections, counts } = sessions;
    const parse = createClientMessageParser({ maxCapacity: config.maxCapacity });
    let nextConnection = 0;
    let drained: (() => void) | undefined;
    const context: SignalingContext = {
      config,
      rooms,
      seats,
      sessions,
      sink: createRoomSink(config, seats, sessions),
      mayCreate: (address) => edge.mayCreate(address),
      cluster: undefined,
      closed: (connection, code) => onClose(connection, code),
      handle: (connection, message, size, received) => routeMessage(context, connection, message, size, received),
    };
    const cluster = app.cluster === undefined ? undefined : new ClusterNode(app.cluster, context, app.log);
    context.cluster = cluster;
    // Connection ids are unique in the whole cluster: a room may hold sockets of several instances.
    const idPrefix = app.cluster === undefined ? '' : `${app.cluster.link.instanceId}.`;

    const onMessage = (connection: Connection, data: Buffer, isBinary: boolean): void => {
      if (connection.ending !== undefined) return;
      const verdict = connection.limiter.take(performance.now(), data.length);
      if (verdict !== 'accept') return sessions.overLimit(connection, verdict);
      if (isBinary) return sessions.end(connection, closeCodes.unsupportedData, 'leave');
      const text = data.toString();
      const result = parse(text);
      if (!result.ok) sessions.sendError(connection, result.error.code, result.error.ref, result.error.message);
      else if (connection.backlog !== undefined) connection.backlog.push({ message: result.message, size: data.length });
      else context.handle(connection, result.message, data.length, { text, bytes: data, dataSpan: result.dataSpan });
    };

    const onClose = (connection: Connection, code: number): void => {
      connections.delete(connection.id);
      clearTimeout(connection.idle);
      if (connections.size === 0) drained?.();
      const { room } = connection;
      connection.room = undefined;
      if (connection.owner !== undefined) cluster?.ended(connection, code);
      if (room === undefined || room.getSnapshot().status !== 'active') return;
      // No close frame from the client (1006: network gone, heartbeat) and 1012 keep the seat.
      const lost = connection.ending === 'lost' || (connection.ending === undefined && code === 1006);
      room.send({ type: lost ? 'socket.lost' : 'socket.closed', connection: connection.id });
    };

    await app.register(websocket, {
      // No `clientTracking`: ws's set of clients adds a third 'close' listener to every socket,
      // which grows the listener array to 19 slots; the server keeps its sockets itself.
      options: { maxPayload: config.maxPayload, perMessageDeflate: false, clientTracking: false },
      // Shutdown: every socket is told, then closed with 1012 (its seat is held, as for a lost
      // connection); sockets that do not finish the close handshake in time are cut.
      preClose: async () => {
        await cluster?.handOver();
        for (const connection of connections.values()) {
          if (connection.ending !== undefined) continue;
          sessions.send(connection, frames.shuttingDown);
          sessions.end(connection, closeCodes.serviceRestart, 'lost');
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

    // Shared listeners (`this` is the socket), found through `bySocket`: no closures per socket.
    const bySocket = new Map<WebSocket, Connection>();
    function socketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
      renewReceiverArrays(this);
      onMessage(bySocket.get(this)!, data as Buffer, isBinary);
    }
    function socketClose(this: WebSocket, code: number): void {
      const connection = bySocket.get(this)!;
      bySocket.delete(this);
      onClose(connection, code);
    }
    // ws reports a protocol violation (too big, bad UTF-8, bad opcode) after closing with its code.
    function socketError(this: WebSocket, error: Error): void {
      const connection = bySocket.get(this);
      app.log.debug({ err: error, connection: connection?.id }, 'websocket protocol error');
      if (connection !== undefined) connection.ending ??= 'leave';
    }

    app.get('/ws', { websocket: true, onRequest: keepResponse }, (socket, request) => {
      const tcp = request.raw.socket;
      upgradeResponses.get(request.raw)?.detachSocket(tcp);
      // The upgrade added and removed many listeners (HTTP's, the response's, @fastify/websocket's
      // 'error' one, which is dropped here): both sockets get listener arrays of their own size
      // (tests/server/upgrade-release.test.ts checks all are kept).
      compactListeners(socket, 'renew', ['error']);
      compactListeners(tcp, 'keep');
      const connection: Connection = {
        id: `${idPrefix}c${(nextConnection++).toString(36)}`,
        socket,
        address: request.ip,
        idle: undefined,
        limiter: new RateLimiter(config.rateLimit, performance.now()),
        room: undefined,
        ending: undefined,
        backlog: undefined,
        owner: undefined,
        holder: undefined,
      };
      connection.idle = setTimeout(() => sessions.end(connection, closeCodes.policyViolation, 'leave'), config.idleTimeoutMs);
      connections.set(connection.id, connection);
      bySocket.set(socket, connection);
      socket.on('message', socketMessage);
      socket.on('close', socketClose);
      socket.on('error', socketError);
      sessions.send(connection, frames.welcome);
    });

    app.decorate('signaling', {
      stats: () => ({ rooms: rooms.size, connections: connections.size, members: rooms.memberCount() }),
      pipes: () => {
        const counts = { piped: 0, remote: 0 };
        for (const connection of connections.values()) {
          if (connection.owner !== undefined) counts.piped++;
          if (connection.holder !== undefined) counts.remote++;
        }
        return counts;
      },
      sockets: function* () {
        for (const connection of connections.values()) if (connection.holder === undefined) yield connection.socket;
      },
      counts,
    });
  },
  { name: 'parley-signaling', dependencies: ['parley-config', 'parley-rooms', 'parley-seats', 'parley-cluster', 'parley-edge-limits'] },
);
