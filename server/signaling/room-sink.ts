import { encode } from '../../protocol/encode.ts';
import { iceServersFor } from '../ice-servers.ts';
import type { ServerConfig } from '../config.ts';
import type { RoomSink } from '../plugins/rooms.ts';
import type { SeatStore } from '../seats/seat-store.ts';
import type { Sessions } from './sessions.ts';

/**
 * The sink every room emits into: frames to sockets, `joined` with a fresh resume token and
 * ICE servers, and the closes of replaced sockets. The room machine decides; this carries out.
 */
export function createRoomSink(config: ServerConfig, seats: SeatStore, sessions: Sessions): RoomSink {
  return (event, room) => {
    const connection = sessions.connections.get(event.connection);
    if (connection === undefined) return;
    switch (event.type) {
      case 'send':
        sessions.send(connection, event.frame);
        return;
      case 'member.joined': {
        connection.room = room;
        // Dropped, not only cleared: a cleared Timeout still holds its callback and the connection.
        clearTimeout(connection.idle);
        connection.idle = undefined;
        const now = Date.now();
        const seat = { roomId: event.roomId, capacity: event.capacity, peerId: event.peerId, nonce: event.token };
        // Peers missing from `peers` of a re-established room may still come back.
        const restored = room.getSnapshot().context.restored && seats.isReturnWindow(now, event.roomId);
        sessions.send(
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
        sessions.end(connection, event.code, 'leave');
        return;
    }
  };
}
