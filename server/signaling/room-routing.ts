import { encode } from '../../protocol/encode.ts';
import { limits } from '../../protocol/limits.ts';
import type { ClientMessage } from '../../protocol/messages.ts';
import { ids } from '../ids.ts';
import { signalEnds } from '../../machines/room/members.ts';
import { frames, type Connection } from './connection.ts';
import { relayFrame, type ReceivedFrame } from './relay-frame.ts';
import { afterLookup, mayReturn, recallSeat } from './seat-return.ts';
import { routeElsewhere, sendUnavailable } from '../cluster/cluster-joins.ts';
import type { SignalingContext } from './signaling-context.ts';

/**
 * Handles one parsed client message: signals relayed on the hot path, everything else
 * turned into events of the room actor it concerns. `received`, the frame as received, lets a
 * relayed signal reuse the sender's `data` instead of serialising it again.
 */
export function routeMessage(context: SignalingContext, connection: Connection, message: ClientMessage, size: number, received?: ReceivedFrame): void {
  const { rooms, seats, sessions, config } = context;
  // A socket whose room another instance owns is only a pipe to it: that instance handles all.
  if (connection.owner !== undefined) return context.cluster!.forward(connection, message, size);
  sessions.counts.frames[message.type] = (sessions.counts.frames[message.type] ?? 0) + 1;
  const { room } = connection;
  const { cluster } = context;
  switch (message.type) {
    case 'signal': {
      if (room === undefined) return sessions.sendError(connection, 'not-in-room', 'signal');
      // Hot path: relaying to a connected peer changes no room state, so it is taken from
      // the room's current snapshot with the machine's own rule (signalEnds) and frame,
      // without a full transition. Queueing for a held seat and refusals go to the actor.
      const ends = signalEnds(room.getSnapshot().context.members, connection.id, message.to);
      const target = ends?.to.connection == null ? undefined : sessions.connections.get(ends.to.connection);
      if (target !== undefined) sessions.send(target, relayFrame(ends!.from.peerId, message.data, received));
      // Whether the signal for a held seat fits in the whole server's budget for held-seat
      // queues (HELD_QUEUE_BYTES); past it such signals are dropped, which docs/protocol.md
      // allows, since peers repair lost signals themselves.
      else if (ends?.to.connection === null && rooms.queuedBytes + size > config.heldQueueBytes) return;
      else room.send({ type: 'client.signal', connection: connection.id, to: message.to, data: message.data });
      return;
    }
    case 'ping':
      sessions.send(connection, frames.pong);
      return;
    case 'create':
      if (room !== undefined) sessions.sendError(connection, 'already-in-room', 'create');
      else if (!context.mayCreate(connection.address)) {
        sessions.countError('rate-limited');
        sessions.send(connection, frames.createLimited);
      }
      else {
        const named = message.name === undefined ? {} : { name: message.name };
        const creator = { connection: connection.id, peerId: ids.peer(), token: ids.token(), ...named };
        const input = { roomId: ids.room(), capacity: message.capacity ?? limits.defaultCapacity, creator };
        if (cluster === undefined) rooms.create(input, context.sink);
        // In a cluster the room is in Redis before anyone hears of it, or not made at all.
        else void afterLookup(context, connection, cluster.claimNew(input.roomId, input.capacity, creator.peerId), (claimed) => {
          if (claimed) rooms.create(input, context.sink);
          else sendUnavailable(context, connection, 'create');
        });
      }
      return;
    case 'join': {
      if (room !== undefined) return sessions.sendError(connection, 'already-in-room', 'join');
      if (!ids.isRoomId(message.roomId)) return sessions.sendError(connection, 'room-not-found', 'join');
      const target = rooms.get(message.roomId);
      if (target === undefined && cluster !== undefined) return void routeElsewhere(context, connection, message, size);
      const nonce = message.resume === undefined ? undefined : seats.nonceOf(message.resume);
      if (message.resume !== undefined && mayReturn(context, message.roomId, target, nonce)) return void recallSeat(context, connection, message.roomId, message.resume, message.name);
      if (target === undefined) return sessions.sendError(connection, 'room-not-found', 'join');
      target.send({ type: 'client.join', connection: connection.id, peerId: ids.peer(), token: ids.token(), resume: nonce, name: message.name });
      return;
    }
    case 'peek': {
      // Whether a join could succeed now, asked before a page takes the camera; it changes nothing.
      const target = rooms.get(message.roomId);
      if (target === undefined && cluster !== undefined) return void routeElsewhere(context, connection, message, size);
      if (target === undefined) return sessions.sendError(connection, 'room-not-found', 'peek');
      const { capacity, members } = target.getSnapshot().context;
      if (members.length >= capacity) return sessions.sendError(connection, 'room-full', 'peek', 'The room is full.');
      const names = members.flatMap((member) => (member.name === undefined ? [] : [member.name]));
      sessions.send(connection, encode({ type: 'room', roomId: message.roomId, capacity, peers: members.length, names }));
      return;
    }
    case 'leave':
      if (room === undefined) sessions.sendError(connection, 'not-in-room', 'leave');
      else room.send({ type: 'client.leave', connection: connection.id });
      return;
  }
}
