import { limits } from '../../protocol/limits.ts';
import { ids } from '../ids.ts';
import { memberByToken } from '../../machines/room/members.ts';
import type { RoomActor } from '../plugins/rooms.ts';
import type { Seat } from '../seats/seat-store.ts';
import type { Connection } from './connection.ts';
import type { SignalingContext } from './signaling-context.ts';

/**
 * Waits for `lookup` (a seat, a room in Redis) before answering `connection` with `answer`;
 * what the socket sends meanwhile is handled in order afterwards, so an asynchronous store
 * keeps the protocol's ordering. Nothing is answered to a socket that closed meanwhile.
 */
export async function afterLookup<T>(context: SignalingContext, connection: Connection, lookup: Promise<T>, answer: (value: T) => void): Promise<void> {
  connection.backlog = [];
  const value = await lookup;
  if (!context.sessions.connections.has(connection.id) || connection.ending !== undefined) return;
  answer(value);
  const backlog = connection.backlog;
  connection.backlog = undefined;
  for (const entry of backlog) {
    // A `join` just handled may have started another lookup: the rest waits for that one.
    const later = connection.backlog as Connection['backlog'];
    if (later === undefined) context.handle(connection, entry.message, entry.size);
    else later.push(entry);
  }
}

/**
 * A `join` with a token from before this server started, for a room it does not hold (or
 * re-established from such tokens): the seat comes back with its peer id, re-establishing
 * the room when it is the first (docs/seats.md).
 */
export function recallSeat(context: SignalingContext, connection: Connection, roomId: string, token: string, name: string | undefined): Promise<void> {
  const seat = context.seats.recall(token, roomId, Date.now()).catch(() => null);
  return afterLookup(context, connection, seat, (found) => answerRecall(context, connection, roomId, token, found, name));
}

/** Answers a returning seat's `join` once the store said whether `seat` may come back. */
export function answerRecall(context: SignalingContext, connection: Connection, roomId: string, token: string, seat: Seat | null, name: string | undefined): void {
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
export function mayReturn(context: SignalingContext, roomId: string, target: RoomActor | undefined, nonce: string | undefined): boolean {
  if (!context.seats.isReturnWindow(Date.now(), roomId)) return false;
  if (target === undefined) return true;
  const { restored, members } = target.getSnapshot().context;
  return restored && (nonce === undefined || memberByToken(members, nonce) === undefined);
}
