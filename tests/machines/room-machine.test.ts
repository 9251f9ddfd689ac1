import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { roomMachine, type RoomEmitted } from '../../machines/room-machine.ts';
import { closeCodes } from '../../protocol/limits.ts';

const grace = 1_000;

/** A room created by `c1` (peer `p1`) with a simulated clock, recording what it emits. */
function openRoom(capacity = 2) {
  const clock = new SimulatedClock();
  const room = createActor(roomMachine.provide({ delays: { resumeGrace: grace } }), {
    clock,
    input: { roomId: 'room-1', capacity, creator: { connection: 'c1', peerId: 'p1', token: 't1' } },
  });
  const emitted: RoomEmitted[] = [];
  room.on('*', (event) => emitted.push(event));
  room.start();
  /** Everything emitted since the last call. */
  const take = (): RoomEmitted[] => emitted.splice(0);
  const join = (n: number, resume?: string): void =>
    room.send({ type: 'client.join', connection: `c${n}`, peerId: `p${n}`, token: `t${n}`, resume });
  const signal = (from: number, to: string, data: Record<string, unknown> = { n: 1 }): void =>
    room.send({ type: 'client.signal', connection: `c${from}`, to, data });
  const state = (): string => String(room.getSnapshot().value);
  const member = (peerId: string) => room.getSnapshot().context.members.find((m) => m.peerId === peerId);
  return { room, clock, take, join, signal, state, member };
}

const frame = (connection: string, message: object): RoomEmitted => ({ type: 'send', connection, frame: JSON.stringify(message) });
const signalFrame = (connection: string, from: string, data: object): RoomEmitted =>
  frame(connection, { type: 'signal', from, data });

describe('room machine: happy path', () => {
  it('greets its creator with an empty peer list and waits open', () => {
    const { take, state } = openRoom();
    expect(take()).toEqual([
      { type: 'member.joined', connection: 'c1', roomId: 'room-1', peerId: 'p1', peers: [], capacity: 2, token: 't1', resumed: false },
    ]);
    expect(state()).toBe('open');
  });

  it('admits a second peer, tells the first, and is then full', () => {
    const { take, join, state } = openRoom();
    take();
    join(2);
    expect(take()).toEqual([
      frame('c1', { type: 'peer-joined', peerId: 'p2' }),
      { type: 'member.joined', connection: 'c2', roomId: 'room-1', peerId: 'p2', peers: ['p1'], capacity: 2, token: 't2', resumed: false },
    ]);
    expect(state()).toBe('full');
  });

  it('lists the peers already present oldest first', () => {
    const { take, join } = openRoom(4);
    join(2);
    join(3);
    take();
    join(4);
    const joined = take().find((event) => event.type === 'member.joined');
    expect(joined).toMatchObject({ peerId: 'p4', peers: ['p1', 'p2', 'p3'] });
  });

  it('relays a signal to its target, stamped with the sender\'s peer id', () => {
    const { take, join, signal } = openRoom();
    join(2);
    take();
    signal(2, 'p1', { description: { type: 'offer', sdp: 'v=0' } });
    expect(take()).toEqual([signalFrame('c1', 'p2', { description: { type: 'offer', sdp: 'v=0' } })]);
  });

  it('answers leave with left, frees the seat and tells the others', () => {
    const { room, take, join, state } = openRoom();
    join(2);
    take();
    room.send({ type: 'client.leave', connection: 'c2' });
    expect(take()).toEqual([
      frame('c2', { type: 'left' }),
      { type: 'member.left', connection: 'c2', peerId: 'p2' },
      frame('c1', { type: 'peer-left', peerId: 'p2' }),
    ]);
    expect(state()).toBe('open');
  });

  it('removes a peer whose socket closed cleanly at once', () => {
    const { room, take, join, state } = openRoom();
    join(2);
    take();
    room.send({ type: 'socket.closed', connection: 'c2' });
    expect(take()).toEqual([frame('c1', { type: 'peer-left', peerId: 'p2' })]);
    expect(state()).toBe('open');
  });

  it('closes for good when its last member leaves', () => {
    const { room } = openRoom();
    room.send({ type: 'client.leave', connection: 'c1' });
    expect(room.getSnapshot().status).toBe('done');
    expect(room.getSnapshot().value).toBe('closed');
  });

  it('holds a lost peer\'s seat for the grace period, then tells the others it left', () => {
    const { room, clock, take, join, state } = openRoom();
    join(2);
    take();
    room.send({ type: 'socket.lost', connection: 'c2' });
    clock.increment(grace - 1);
    expect(take()).toEqual([]);
    expect(state()).toBe('full');
    clock.increment(1);
    expect(take()).toEqual([frame('c1', { type: 'peer-left', peerId: 'p2' })]);
    expect(state()).toBe('open');
  });

  it('closes when the last held seat expires', () => {
    const { room, clock } = openRoom();
    room.send({ type: 'socket.lost', connection: 'c1' });
    expect(room.getSnapshot().status).toBe('active');
    clock.increment(grace);
    expect(room.getSnapshot().status).toBe('done');
  });

  it('resumes a lost peer with its peer id and a fresh token, then delivers queued signals in order', () => {
    const { room, clock, take, join, signal, member } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    signal(1, 'p2', { n: 1 });
    signal(1, 'p2', { n: 2 });
    take();
    clock.increment(grace - 1);
    join(3, 't2');
    expect(take()).toEqual([
      { type: 'member.joined', connection: 'c3', roomId: 'room-1', peerId: 'p2', peers: ['p1'], capacity: 2, token: 't3', resumed: true },
      signalFrame('c3', 'p1', { n: 1 }),
      signalFrame('c3', 'p1', { n: 2 }),
    ]);
    expect(member('p2')).toMatchObject({ connection: 'c3', token: 't3', queue: [] });
    clock.increment(grace * 2);
    expect(take()).toEqual([]);
  });

  it('replaces a still-open socket on resume and closes the old one with 4000', () => {
    const { room, take, join, signal, member } = openRoom();
    join(2);
    take();
    join(3, 't2');
    expect(take()).toEqual([
      { type: 'close', connection: 'c2', code: closeCodes.replaced },
      { type: 'member.left', connection: 'c2', peerId: 'p2' },
      { type: 'member.joined', connection: 'c3', roomId: 'room-1', peerId: 'p2', peers: ['p1'], capacity: 2, token: 't3', resumed: true },
    ]);
    // The old socket's own close, and anything else it says, change nothing.
    room.send({ type: 'socket.closed', connection: 'c2' });
    room.send({ type: 'client.leave', connection: 'c2' });
    signal(2, 'p1');
    expect(take()).toEqual([]);
    expect(member('p2')?.connection).toBe('c3');
    signal(1, 'p2');
    expect(take()).toEqual([signalFrame('c3', 'p1', { n: 1 })]);
  });
});

describe('room machine: failures', () => {
  it('refuses a join when every seat is taken', () => {
    const { take, join, state } = openRoom();
    join(2);
    take();
    join(3);
    expect(take()).toEqual([frame('c3', { type: 'error', code: 'room-full', message: 'The room is full.', ref: 'join' })]);
    expect(state()).toBe('full');
  });

  it('counts a held seat as taken', () => {
    const { room, take, join } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    take();
    join(3);
    expect(take()).toMatchObject([{ type: 'send', connection: 'c3', frame: expect.stringContaining('room-full') }]);
  });

  it('treats a wrong resume token as an ordinary join', () => {
    const { room, take, join } = openRoom(3);
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    take();
    join(3, 'not-a-token');
    expect(take().find((event) => event.type === 'member.joined')).toMatchObject({ peerId: 'p3', resumed: false });
    join(4, 't1x');
    expect(take()).toMatchObject([{ type: 'send', connection: 'c4', frame: expect.stringContaining('room-full') }]);
  });

  it('treats an expired resume token as an ordinary join', () => {
    const { room, clock, take, join } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    clock.increment(grace);
    take();
    join(3, 't2');
    expect(take().find((event) => event.type === 'member.joined')).toMatchObject({ peerId: 'p3', resumed: false });
  });

  it('honours the token before the latest joined until the newer one has been used once', () => {
    const { room, take, join } = openRoom();
    join(2);
    join(3, 't2');
    room.send({ type: 'socket.lost', connection: 'c3' });
    take();
    // The joined carrying t3 was lost on the way: the retry with t2 still gets the seat.
    join(4, 't2');
    expect(take()).toMatchObject([{ type: 'member.joined', connection: 'c4', peerId: 'p2', token: 't4', resumed: true }]);
    room.send({ type: 'socket.lost', connection: 'c4' });
    join(5, 't4');
    room.send({ type: 'socket.lost', connection: 'c5' });
    take();
    // t4 was used: t2 and t3 are spent, t4 (the one before t5) still works.
    join(6, 't2');
    join(7, 't3');
    expect(take()).toMatchObject([
      { type: 'send', connection: 'c6', frame: expect.stringContaining('room-full') },
      { type: 'send', connection: 'c7', frame: expect.stringContaining('room-full') },
    ]);
    join(8, 't4');
    expect(take()).toMatchObject([{ type: 'member.joined', connection: 'c8', peerId: 'p2', resumed: true }]);
  });

  it('refuses a signal to a peer that is not in the room, or to the sender itself', () => {
    const { take, join, signal } = openRoom();
    join(2);
    take();
    signal(1, 'nobody');
    signal(1, 'p1');
    const notFound = frame('c1', { type: 'error', code: 'peer-not-found', message: 'No such peer in your room.', ref: 'signal' });
    expect(take()).toEqual([notFound, notFound]);
  });

  it('ignores events from a connection that holds no seat', () => {
    const { room, take, join, signal, state } = openRoom();
    join(2);
    take();
    signal(9, 'p1');
    room.send({ type: 'client.leave', connection: 'c9' });
    room.send({ type: 'socket.closed', connection: 'c9' });
    room.send({ type: 'socket.lost', connection: 'c9' });
    room.send({ type: 'grace.expired', peerId: 'p1' });
    expect(take()).toEqual([]);
    expect(state()).toBe('full');
  });

  it('keeps only the newest 64 queued frames for a held seat', () => {
    const { room, take, join, signal } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    for (let n = 1; n <= 65; n++) signal(1, 'p2', { n });
    take();
    join(3, 't2');
    const delivered = take().filter((event) => event.type === 'send');
    expect(delivered).toHaveLength(64);
    expect(delivered[0]).toEqual(signalFrame('c3', 'p1', { n: 2 }));
    expect(delivered[63]).toEqual(signalFrame('c3', 'p1', { n: 65 }));
  });

  it('keeps at most 256 KiB of queued frames, dropping the oldest', () => {
    const { room, take, join, signal, member } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    const big = 'x'.repeat(60 * 1024);
    for (let n = 1; n <= 5; n++) signal(1, 'p2', { n, big });
    expect(member('p2')!.queuedBytes).toBeLessThanOrEqual(256 * 1024);
    take();
    join(3, 't2');
    const delivered = take().filter((event) => event.type === 'send');
    expect(delivered.map((event) => JSON.parse((event as { frame: string }).frame).data.n)).toEqual([2, 3, 4, 5]);
  });

  it('queues no membership changes for a held seat; the resumed joined lists who is there', () => {
    const { room, take, join } = openRoom(3);
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    join(3);
    room.send({ type: 'client.leave', connection: 'c1' });
    take();
    join(4, 't2');
    expect(take()).toEqual([
      { type: 'member.joined', connection: 'c4', roomId: 'room-1', peerId: 'p2', peers: ['p3'], capacity: 3, token: 't4', resumed: true },
    ]);
  });

  it('drops queued candidates before any description when a held seat\'s queue is full', () => {
    const { room, take, join, signal } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    signal(1, 'p2', { description: { type: 'offer', sdp: 'v=0 first' } });
    for (let n = 1; n <= 70; n++) signal(1, 'p2', { candidate: { candidate: `c${n}` } });
    take();
    join(3, 't2');
    const delivered = take().flatMap((event) => (event.type === 'send' ? [JSON.parse(event.frame).data] : []));
    expect(delivered).toHaveLength(64);
    expect(delivered[0]).toEqual({ description: { type: 'offer', sdp: 'v=0 first' } });
    expect(delivered[1]).toEqual({ candidate: { candidate: 'c8' } });
  });

  it('replaces the oldest description when only descriptions are queued', () => {
    const { room, take, join, signal } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    const sdp = 'x'.repeat(60 * 1024);
    for (let n = 1; n <= 5; n++) signal(1, 'p2', { description: { type: 'offer', sdp: `${n}${sdp}` } });
    signal(1, 'p2', { candidate: { candidate: 'late' } });
    take();
    join(3, 't2');
    const delivered = take().flatMap((event) => (event.type === 'send' ? [JSON.parse(event.frame).data] : []));
    expect(delivered.map((data) => (data.description ? data.description.sdp[0] : 'candidate'))).toEqual(['2', '3', '4', '5', 'candidate']);
  });
});

describe('room machine: lose, resume, lose again', () => {
  it('holds the seat for a whole second grace period when it is lost again within the first', () => {
    const { room, clock, take, join, state } = openRoom();
    join(2);
    room.send({ type: 'socket.lost', connection: 'c2' });
    clock.increment(grace - 200);
    join(3, 't2');
    clock.increment(100);
    room.send({ type: 'socket.lost', connection: 'c3' });
    take();
    // The first grace period would have ended here; the second has 100 ms to go.
    clock.increment(grace - 100);
    expect(take()).toEqual([]);
    expect(state()).toBe('full');
    clock.increment(99);
    expect(take()).toEqual([]);
    clock.increment(1);
    expect(take()).toEqual([frame('c1', { type: 'peer-left', peerId: 'p2' })]);
    expect(state()).toBe('open');
  });
});

describe('room machine: seats that outlive the server', () => {
  /** A room re-established by the returning seat `p1`, which held token `old-1` before the restart. */
  function restoredRoom(capacity = 2) {
    const clock = new SimulatedClock();
    const room = createActor(roomMachine.provide({ delays: { resumeGrace: grace } }), {
      clock,
      input: { roomId: 'room-1', capacity, restored: true, creator: { connection: 'c1', peerId: 'p1', token: 't1', previousToken: 'old-1' } },
    });
    const emitted: RoomEmitted[] = [];
    room.on('*', (event) => emitted.push(event));
    room.start();
    const take = (): RoomEmitted[] => emitted.splice(0);
    const returning = (n: number, peerId: string): void =>
      room.send({ type: 'client.join', connection: `c${n}`, peerId: `p${n}`, token: `t${n}`, resume: `old-${n}`, returning: peerId });
    return { room, take, returning };
  }

  it('greets the seat that re-established the room as resumed, with its old peer id', () => {
    const { room, take } = restoredRoom();
    expect(take()).toEqual([
      { type: 'member.joined', connection: 'c1', roomId: 'room-1', peerId: 'p1', peers: [], capacity: 2, token: 't1', resumed: true },
    ]);
    expect(room.getSnapshot().context.restored).toBe(true);
  });

  it('takes back another returning seat under its old peer id and tells the others it resumed', () => {
    const { take, returning } = restoredRoom();
    take();
    returning(2, 'alice');
    expect(take()).toEqual([
      frame('c1', { type: 'peer-joined', peerId: 'alice', resumed: true }),
      { type: 'member.joined', connection: 'c2', roomId: 'room-1', peerId: 'alice', peers: ['p1'], capacity: 2, token: 't2', resumed: true },
    ]);
  });

  it('lets the returning creator retry with its old token when the first joined was lost', () => {
    const { room, take } = restoredRoom();
    room.send({ type: 'socket.lost', connection: 'c1' });
    take();
    room.send({ type: 'client.join', connection: 'c2', peerId: 'p2', token: 't2', resume: 'old-1', returning: 'p1' });
    expect(take()).toMatchObject([{ type: 'member.joined', connection: 'c2', peerId: 'p1', resumed: true }]);
  });

  it('admits a returning seat whose peer id is taken as an ordinary newcomer', () => {
    const { take, returning } = restoredRoom(3);
    take();
    returning(2, 'p1');
    expect(take().find((event) => event.type === 'member.joined')).toMatchObject({ peerId: 'p2', resumed: false });
  });

  it('refuses a returning seat when the room is full', () => {
    const { take, returning } = restoredRoom();
    returning(2, 'alice');
    take();
    returning(3, 'bob');
    expect(take()).toMatchObject([{ type: 'send', connection: 'c3', frame: expect.stringContaining('room-full') }]);
  });
});
