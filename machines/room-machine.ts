import { assign, emit, enqueueActions, setup } from 'xstate';
import { encode } from '../protocol/encode.ts';
import { roomFrames as frames, signalFrame } from './room/frames.ts';
import { closeCodes } from '../protocol/limits.ts';
import { carriesDescription } from '../protocol/queue-rule.ts';
import {
  memberByConnection,
  memberByPeerId,
  memberByToken,
  seat,
  namesOf,
  othersOf,
  previousAfterResume,
  signalEnds as findSignalEnds,
  withQueued,
  type Member,
} from './room/members.ts';
import type { RoomContext, RoomEmitted, RoomEvent, RoomInput } from './room/types.ts';

export type { RoomContext, RoomEmitted, RoomEvent, RoomInput } from './room/types.ts';
export type { Member } from './room/members.ts';

/** The id of the delayed `grace.expired` of a held seat, so a resume can cancel it. */
function graceTimerId(peerId: string): string {
  return `grace:${peerId}`;
}

/** Sender and recipient of a `client.signal`, when the sender is a member and not its own target. */
function signalEnds(context: RoomContext, event: RoomEvent): { from: Member; to: Member } | undefined {
  return event.type === 'client.signal' ? findSignalEnds(context.members, event.connection, event.to) : undefined;
}

function senderOf(context: RoomContext, event: RoomEvent): Member | undefined {
  return 'connection' in event ? memberByConnection(context.members, event.connection) : undefined;
}

/**
 * The lifecycle of one room on the signaling server (docs/protocol.md, Rooms). One actor per room;
 * it decides who is in the room and what each socket is told, and never touches a socket: it
 * emits `RoomEmitted` events that the server carries out. `open` has a free seat, `full` has
 * none (held seats count), `closed` is reached when the last member leaves or expires.
 */
export const roomMachine = setup({
  types: {
    context: {} as RoomContext,
    events: {} as RoomEvent,
    input: {} as RoomInput,
    emitted: {} as RoomEmitted,
  },
  delays: {
    /** How long a lost member's seat is held for it to resume (RESUME_GRACE_MS). */
    resumeGrace: 20_000,
  },
  guards: {
    isEmpty: ({ context }) => context.members.length === 0,
    isAtCapacity: ({ context }) => context.members.length >= context.capacity,
    hasFreeSeat: ({ context }) => context.members.length < context.capacity,
    holdsResumeToken: ({ context, event }) =>
      event.type === 'client.join' &&
      event.resume !== undefined &&
      memberByToken(context.members, event.resume) !== undefined,
    /** A seat from before the server lost the room, verified by the server, not taken again yet. */
    isReturningSeat: ({ context, event }) =>
      event.type === 'client.join' && event.returning !== undefined && memberByPeerId(context.members, event.returning) === undefined,
    isFromMember: ({ context, event }) => senderOf(context, event) !== undefined,
    isToConnectedPeer: ({ context, event }) => signalEnds(context, event)?.to.connection != null,
    isToHeldPeer: ({ context, event }) => signalEnds(context, event)?.to.connection === null,
    isSeatHeld: ({ context, event }) =>
      event.type === 'grace.expired' && memberByPeerId(context.members, event.peerId)?.connection === null,
  },
  actions: {
    admitCreator: emit(({ context }) => {
      const creator = context.members[0]!;
      return {
        type: 'member.joined' as const,
        connection: creator.connection!,
        roomId: context.roomId,
        peerId: creator.peerId,
        peers: [],
        capacity: context.capacity,
        token: creator.token,
        resumed: context.restored,
        ...namesOf(context.members),
      };
    }),
    admitMember: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'client.join') return;
      const named = event.name === undefined ? {} : { name: event.name };
      const member = seat({ peerId: event.peerId, token: event.token, previousToken: null, connection: event.connection, name: event.name });
      const announcement = encode({ type: 'peer-joined', peerId: member.peerId, ...named });
      for (const other of context.members) {
        if (other.connection !== null) enqueue.emit({ type: 'send', connection: other.connection, frame: announcement });
      }
      // `concat` makes an array of the exact length; a spread keeps spare slots (about 150 bytes a room).
      enqueue.assign({ members: context.members.concat([member]) });
      enqueue.emit({
        type: 'member.joined',
        connection: member.connection!,
        roomId: context.roomId,
        peerId: member.peerId,
        peers: othersOf(context.members, member),
        capacity: context.capacity,
        token: member.token,
        resumed: false,
        ...namesOf([...context.members, member]),
      });
    }),
    resumeMember: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'client.join' || event.resume === undefined) return;
      const held = memberByToken(context.members, event.resume)!;
      if (held.connection !== null) {
        enqueue.emit({ type: 'close', connection: held.connection, code: closeCodes.replaced });
        enqueue.emit({ type: 'member.left', connection: held.connection, peerId: held.peerId });
      }
      enqueue.cancel(graceTimerId(held.peerId));
      const previousToken = previousAfterResume(held, event.resume);
      const resumed = seat({ peerId: held.peerId, token: event.token, previousToken, connection: event.connection, name: held.name });
      enqueue.assign({ members: context.members.map((member) => (member === held ? resumed : member)) });
      enqueue.emit({
        type: 'member.joined',
        connection: event.connection,
        roomId: context.roomId,
        peerId: held.peerId,
        peers: othersOf(context.members, held),
        capacity: context.capacity,
        token: event.token,
        resumed: true,
        ...namesOf(context.members),
      });
      for (const frame of held.queue) enqueue.emit({ type: 'send', connection: event.connection, frame });
    }),
    /** A seat the room had before the server lost it comes back: the others keep their connection to it. */
    returnMember: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'client.join' || event.returning === undefined) return;
      const member = seat({ peerId: event.returning, token: event.token, previousToken: event.resume ?? null, connection: event.connection, name: event.name });
      const announcement = encode({ type: 'peer-joined', peerId: member.peerId, ...(member.name === undefined ? {} : { name: member.name }), resumed: true });
      for (const other of context.members) {
        if (other.connection !== null) enqueue.emit({ type: 'send', connection: other.connection, frame: announcement });
      }
      // `concat` makes an array of the exact length; a spread keeps spare slots (about 150 bytes a room).
      enqueue.assign({ members: context.members.concat([member]) });
      enqueue.emit({
        type: 'member.joined',
        connection: event.connection,
        roomId: context.roomId,
        peerId: member.peerId,
        peers: othersOf(context.members, member),
        capacity: context.capacity,
        token: member.token,
        resumed: true,
        ...namesOf([...context.members, member]),
      });
    }),
    refuseRoomFull: emit(({ event }) => ({
      type: 'send' as const,
      connection: (event as { connection: string }).connection,
      frame: frames.roomFull,
    })),
    relaySignal: emit(({ context, event }) => {
      const { from, to } = signalEnds(context, event)!;
      const data = (event as Extract<RoomEvent, { type: 'client.signal' }>).data;
      return { type: 'send' as const, connection: to.connection!, frame: signalFrame(from.peerId, data) };
    }),
    queueSignal: assign(({ context, event }) => {
      const { from, to } = signalEnds(context, event)!;
      const data = (event as Extract<RoomEvent, { type: 'client.signal' }>).data;
      const frame = signalFrame(from.peerId, data);
      const queued = withQueued(to, frame, carriesDescription(data));
      return { members: context.members.map((member) => (member === to ? queued : member)) };
    }),
    refusePeerNotFound: emit(({ event }) => ({
      type: 'send' as const,
      connection: (event as { connection: string }).connection,
      frame: frames.peerNotFound,
    })),
    answerLeft: emit(({ event }) => ({
      type: 'send' as const,
      connection: (event as { connection: string }).connection,
      frame: frames.left,
    })),
    releaseConnection: emit(({ context, event }) => {
      const member = senderOf(context, event)!;
      return { type: 'member.left' as const, connection: member.connection!, peerId: member.peerId };
    }),
    removeMember: enqueueActions(({ context, event, enqueue }) => {
      const gone =
        event.type === 'grace.expired' ? memberByPeerId(context.members, event.peerId) : senderOf(context, event);
      if (gone === undefined) return;
      const farewell = encode({ type: 'peer-left', peerId: gone.peerId });
      for (const other of context.members) {
        if (other !== gone && other.connection !== null) {
          enqueue.emit({ type: 'send', connection: other.connection, frame: farewell });
        }
      }
      enqueue.assign({ members: context.members.filter((member) => member !== gone) });
    }),
    holdSeat: enqueueActions(({ context, event, enqueue }) => {
      const lost = senderOf(context, event);
      if (lost === undefined) return;
      enqueue.assign({
        members: context.members.map((member) => (member === lost ? { ...member, connection: null } : member)),
      });
      enqueue.raise(
        { type: 'grace.expired', peerId: lost.peerId },
        { delay: 'resumeGrace', id: graceTimerId(lost.peerId) },
      );
    }),
  },
}).createMachine({
  id: 'room',
  context: ({ input }) => ({
    roomId: input.roomId,
    capacity: input.capacity,
    members: [
      seat({
        peerId: input.creator.peerId,
        token: input.creator.token,
        previousToken: input.creator.previousToken ?? null,
        connection: input.creator.connection,
        name: input.creator.name,
      }),
    ],
    restored: input.restored ?? false,
  }),
  entry: 'admitCreator',
  initial: 'open',
  on: {
    'client.signal': [
      { guard: 'isToConnectedPeer', actions: 'relaySignal' },
      { guard: 'isToHeldPeer', actions: 'queueSignal' },
      { guard: 'isFromMember', actions: 'refusePeerNotFound' },
    ],
    'client.leave': { guard: 'isFromMember', actions: ['answerLeft', 'releaseConnection', 'removeMember'] },
    'socket.closed': { guard: 'isFromMember', actions: 'removeMember' },
    'socket.lost': { guard: 'isFromMember', actions: 'holdSeat' },
    'grace.expired': { guard: 'isSeatHeld', actions: 'removeMember' },
  },
  states: {
    open: {
      always: [
        { guard: 'isEmpty', target: 'closed' },
        { guard: 'isAtCapacity', target: 'full' },
      ],
      on: {
        'client.join': [
          { guard: 'holdsResumeToken', actions: 'resumeMember' },
          { guard: 'isReturningSeat', actions: 'returnMember' },
          { actions: 'admitMember' },
        ],
      },
    },
    full: {
      always: { guard: 'hasFreeSeat', target: 'open' },
      on: {
        'client.join': [{ guard: 'holdsResumeToken', actions: 'resumeMember' }, { actions: 'refuseRoomFull' }],
      },
    },
    closed: { type: 'final' },
  },
});
