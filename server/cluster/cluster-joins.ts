import type { ClientMessage } from '../../protocol/messages.ts';
import { encode } from '../../protocol/encode.ts';
import type { Connection } from '../signaling/connection.ts';
import { afterLookup, answerRecall } from '../signaling/seat-return.ts';
import type { Seat } from '../seats/seat-store.ts';
import type { RoomLocation, SignalingContext } from '../signaling/signaling-context.ts';

/** What a client is told while Redis does not answer: the request can be tried again shortly. */
export function unavailableFrame(ref: 'create' | 'join' | 'peek'): string {
  return encode({ type: 'error', code: 'rate-limited', message: 'Rooms cannot be reached right now (the shared store does not answer); try again in a few seconds.', ref });
}

/** Answers `connection` that Redis does not answer, counted like every error. */
export function sendUnavailable(context: SignalingContext, connection: Connection, ref: 'create' | 'join' | 'peek'): void {
  context.sessions.countError('rate-limited');
  context.sessions.send(connection, unavailableFrame(ref));
}

/**
 * A `join` (or `peek`) of a room this instance does not hold, in cluster mode: piped to the
 * instance that owns it; taken over here when its owner died and the join carries a seat of
 * it; `room-not-found` when Redis knows no such room.
 */
export function routeElsewhere(context: SignalingContext, connection: Connection, message: Extract<ClientMessage, { type: 'join' | 'peek' }>, size: number): Promise<void> {
  const cluster = context.cluster!;
  const resume = message.type === 'join' ? message.resume : undefined;
  const lookup = async (): Promise<{ location: RoomLocation; seat: Seat | null }> => {
    const location = await cluster.locate(message.roomId, resume !== undefined);
    if (location.kind !== 'claimed' || resume === undefined) return { location, seat: null };
    return { location, seat: await context.seats.recall(resume, message.roomId, Date.now()).catch(() => null) };
  };
  return afterLookup(context, connection, lookup(), ({ location, seat }) => {
    switch (location.kind) {
      case 'owner':
        cluster.pipe(connection, location.instance);
        cluster.forward(connection, message, size);
        return;
      case 'claimed':
        if (seat === null && context.rooms.get(message.roomId) === undefined) cluster.release(message.roomId);
        if (seat === null || message.type !== 'join') return context.sessions.sendError(connection, 'room-not-found', message.type);
        answerRecall(context, connection, message.roomId, resume!, seat, message.name);
        return;
      case 'none':
        return context.sessions.sendError(connection, 'room-not-found', message.type);
      case 'unavailable':
        return sendUnavailable(context, connection, message.type);
    }
  });
}
