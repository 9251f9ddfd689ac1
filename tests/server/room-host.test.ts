import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { roomMachine, type RoomEmitted, type RoomEvent, type RoomInput } from '../../machines/room-machine.ts';
import { RoomHost, type RoomActor } from '../../server/room-host.ts';

/** Grace long enough that no timer fires while a generated run plays. */
const longGrace = roomMachine.provide({ delays: { resumeGrace: 60_000 } });
const input: RoomInput = { roomId: 'room-1', capacity: 3, creator: { connection: 'c0', peerId: 'p0', token: 't0' } };

/** What a room shows from outside: its state, its members, and everything it emitted, in order. */
interface Seen {
  room: RoomActor;
  emitted: RoomEmitted[];
  ended: boolean;
}

function seen(room: RoomActor, emitted: RoomEmitted[]): Seen {
  const watched = { room, emitted, ended: false };
  room.subscribe({ complete: () => (watched.ended = true) });
  return watched;
}

function hosted(machine: typeof roomMachine, sink?: (event: RoomEmitted, room: RoomActor) => void): Seen {
  const emitted: RoomEmitted[] = [];
  const room = new RoomHost(machine, input, (event, host) => {
    emitted.push(event);
    sink?.(event, host);
  });
  const watched = seen(room, emitted);
  room.start();
  return watched;
}

function acted(machine: typeof roomMachine): Seen {
  const emitted: RoomEmitted[] = [];
  const room = createActor(machine, { input });
  room.on('*', (event) => emitted.push(event));
  const watched = seen(room, emitted);
  room.start();
  return watched;
}

function view({ room, emitted, ended }: Seen): unknown {
  const { status, value, context } = room.getSnapshot();
  return { status, value, context, emitted, ended };
}

const connection = fc.constantFrom('c0', 'c1', 'c2', 'c3', 'c4');
const peer = fc.constantFrom('p0', 'p1', 'p2', 'p3');
const token = fc.constantFrom('t0', 't1', 't2', 't3', 'stale');
const roomEvent: fc.Arbitrary<RoomEvent> = fc.oneof(
  fc.record({ type: fc.constant('client.join' as const), connection, peerId: fc.constantFrom('p1', 'p2', 'p3'), token: fc.constantFrom('t1', 't2', 't3'), resume: fc.option(token, { nil: undefined }) }),
  fc.record({ type: fc.constant('client.signal' as const), connection, to: peer, data: fc.constant({ candidate: 'x' }) }),
  fc.record({ type: fc.constantFrom('client.leave' as const, 'socket.closed' as const, 'socket.lost' as const), connection }),
  fc.record({ type: fc.constant('grace.expired' as const), peerId: peer }),
);

describe('the room host', () => {
  it('does what an xstate actor of the room machine does, event for event', () => {
    fc.assert(
      fc.property(fc.array(roomEvent, { maxLength: 14 }), (events) => {
        const host = hosted(longGrace);
        const actor = acted(longGrace);
        for (const event of events) {
          // An ended actor warns about every event sent to it; the host's silence is tested below.
          if (actor.ended) break;
          host.room.send(event);
          actor.room.send(event);
          expect(view(host)).toEqual(view(actor));
        }
        host.room.stop();
        actor.room.stop();
        expect(view(host)).toEqual(view(actor));
      }),
    );
  });

  it('handles an event sent while it carries out another one after it, as an actor does', () => {
    // The sink answers the newcomer's `member.joined` by losing its socket at once (a slow reader).
    const host = hosted(longGrace, (event, room) => {
      if (event.type === 'member.joined' && event.connection === 'c1') room.send({ type: 'socket.lost', connection: 'c1' });
    });
    host.room.send({ type: 'client.join', connection: 'c1', peerId: 'p1', token: 't1' });
    const members = host.room.getSnapshot().context.members;
    expect(members.map((member) => [member.peerId, member.connection])).toEqual([['p0', 'c0'], ['p1', null]]);
    host.room.stop();
  });

  it('expires a held seat after the grace period on its own, and a resume keeps the seat', async () => {
    const shortGrace = roomMachine.provide({ delays: { resumeGrace: 30 } });
    const host = hosted(shortGrace);
    const { room } = host;
    room.send({ type: 'client.join', connection: 'c1', peerId: 'p1', token: 't1' });
    room.send({ type: 'client.join', connection: 'c2', peerId: 'p2', token: 't2' });
    room.send({ type: 'socket.lost', connection: 'c1' });
    room.send({ type: 'client.join', connection: 'c3', peerId: 'p3', token: 't3', resume: 't1' });
    room.send({ type: 'socket.lost', connection: 'c2' });
    // p2's seat expires; p1's, resumed before its grace ran out, stays.
    await new Promise<void>((resolve) => room.subscribe({ next: (snapshot) => snapshot.context.members.length === 2 && resolve() }));
    expect(room.getSnapshot().context.members.map((member) => [member.peerId, member.connection])).toEqual([['p0', 'c0'], ['p1', 'c3']]);
    expect(host.emitted).toContainEqual({ type: 'send', connection: 'c0', frame: JSON.stringify({ type: 'peer-left', peerId: 'p2' }) });
    room.stop();
    expect(host.ended).toBe(true);
    expect(room.getSnapshot().status).toBe('stopped');
  });

  it('ends when the last member leaves, and then ignores what is sent to it', () => {
    const host = hosted(longGrace);
    host.room.send({ type: 'client.leave', connection: 'c0' });
    expect(host.room.getSnapshot().status).toBe('done');
    expect(host.ended).toBe(true);
    const emitted = host.emitted.length;
    host.room.send({ type: 'client.join', connection: 'c1', peerId: 'p1', token: 't1' });
    expect(host.emitted.length).toBe(emitted);
  });
});
