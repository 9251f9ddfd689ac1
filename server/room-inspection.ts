import type { AnyEventObject, InspectionEvent } from 'xstate';
import type { RoomContext, RoomEvent } from '../machines/room-machine.ts';
import { roomLabel } from './plugins/rooms.ts';

/** A room's context as it may leave the process: no resume tokens, no queued signal data. */
export interface InspectedRoomContext {
  room: string;
  capacity: number;
  members: Array<{ peerId: string; present: boolean; queued: number }>;
}

/** A room's context with its secrets removed: the room id shortened, tokens and payloads gone. */
export function inspectedContext(context: RoomContext): InspectedRoomContext {
  return {
    room: roomLabel(context.roomId),
    capacity: context.capacity,
    members: context.members.map((member) => ({
      peerId: member.peerId,
      present: member.connection !== null,
      queued: member.queue.length,
    })),
  };
}

/**
 * A room event with its secrets removed: no tokens, a signal's data reduced to its keys, and
 * events the room does not define (`xstate.init`, which carries the input) reduced to their type.
 */
export function inspectedEvent(event: AnyEventObject): AnyEventObject {
  const roomEvent = event as RoomEvent;
  switch (roomEvent.type) {
    case 'client.join':
      return { type: roomEvent.type, connection: roomEvent.connection, resuming: roomEvent.resume !== undefined };
    case 'client.signal':
      return { type: roomEvent.type, connection: roomEvent.connection, to: roomEvent.to, kind: Object.keys(roomEvent.data).join(',') };
    case 'client.leave':
    case 'socket.closed':
    case 'socket.lost':
      return { type: roomEvent.type, connection: roomEvent.connection };
    case 'grace.expired':
      return { type: roomEvent.type, peerId: roomEvent.peerId };
    default:
      return { type: event.type };
  }
}

/** One line per room transition, as the development log shows it. */
export interface RoomTransitionLine {
  room: string;
  event: AnyEventObject;
  state: unknown;
  members: InspectedRoomContext['members'];
}

/**
 * Turns a room actor's inspection stream into log lines, one per processed event, with
 * secrets removed (see `inspectedContext`).
 */
export function roomTransitionLogger(write: (line: RoomTransitionLine) => void): (event: InspectionEvent) => void {
  return (inspection) => {
    if (inspection.type !== '@xstate.snapshot') return;
    const snapshot = inspection.snapshot as { value?: unknown; context?: RoomContext };
    if (snapshot.context?.members === undefined) return;
    const context = inspectedContext(snapshot.context);
    write({ room: context.room, event: inspectedEvent(inspection.event), state: snapshot.value, members: context.members });
  };
}
