import { limits } from '../../protocol/limits.ts';
import { ids } from '../ids.ts';
import { memberByToken } from '../../machines/room/members.ts';
import type { RoomActor } from '../plugins/rooms.ts';
import type { Seat } from '../seats/seat-store.ts';
import type { Connection } from './connection.ts';
import type { SignalingContext } from './signaling-context.ts';

/**
 * A `join` with a token from before this server started, for a room it does not hold (or
 * re-established from such tokens): the seat comes back with its peer id, re-establishing
 * the room when it is the first (docs/protocol.md, "The seat outlives the server process").
 */
export async function recallSeat(context: SignalingContext, connection: Connection, roomId: string, token: string, name: string | undefined): Promise<void> {
  connection.backlog = [];
  const seat = await context.seats.recall(token, roomId, Date.now()).catch(() => null);
  if (!context.sessions.connections.has(connection.id) || connection.ending !== undefined) return;
  answerRecall(context, connection, roomId, token, seat, name);
  // What the socket sent meanwhile, in order; a `join` among it may start another recall.
  const backlog = connection.backlog;
  connection.backlog = undefined;
  for (const entry of backlog) {
    // A `join` just handled may have started another recall: the rest waits for that one.
    const later = connection.backlog as Connection['backlog'];
    if (later === undefined) context.handle(connection, entry.message, entry.size);
    else later.push(entry);
  }
}

function answerRecall(context: SignalingContext, connection: Connection, roomId: string, token: string, seat: Seat | null, name: string | undefined): void {
  const { rooms, seats, config, sink } = context;
  const target = rooms.get(roomId);
  const fresh = { connection: connection.id, peerId: ids.peer(), token: ids.token(), ...(name === undefined ? {} : { name }) };
  if (target !== undefined) {
    target.send({ type: 'client.join', ...fresh, resume: seat?.nonce ?? seats.nonceOf(token), returning: seat?.peerId });
  } else if (seat === null) {
    context.sessions.sendError(connection, 'room-not-found', 'join');
  } else {
    const capacity = Math.min(Math.max(seat.capacity, limits.defaultCapacity), config.maxCapacity);
    const creator = { ...fresh, peerId: seat.peerId, previousToken: seat.nonce };
    rooms.create({ roomId, capacity, restored: true, creator }, sink);
  }
}

/** Whether `resume` may name a seat from before this server started, for room `target`. */
export function mayReturn(context: SignalingContext, target: RoomActor | undefined, nonce: string | undefined): boolean {
  if (!context.seats.isReturnWindow(Date.now())) return false;
  if (target === undefined) return true;
  const { restored, members } = target.getSnapshot().context;
  return restored && (nonce === undefined || memberByToken(members, nonce) === undefined);
}
