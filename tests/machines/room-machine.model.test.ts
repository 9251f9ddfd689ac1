import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { roomMachine, type Member, type RoomEmitted, type RoomEvent } from '../../machines/room-machine.ts';
import { closeCodes } from '../../protocol/limits.ts';
import { serverMessageSchemas, type ServerMessage } from '../../protocol/messages.ts';
import { CoverageRecorder, pathName, statesOf, transitionsOf } from '../support/model-coverage.ts';
import { abstractState, RoomReplay, roomPaths, seatsOf, type RoomMove, type RoomPath, type RoomPathOptions } from '../support/room-model.ts';

const pathSets: Array<RoomPathOptions & { paths: RoomPath[] }> = (
  [
    { kind: 'shortest', capacity: 2 },
    { kind: 'shortest', capacity: 3 },
    { kind: 'simple', capacity: 2 },
    { kind: 'simple', capacity: 3 },
  ] as const
).map((options) => ({ ...options, paths: roomPaths(options) }));

/** An emitted event with its frame parsed, so expectations can match a message's fields. */
type Seen = Exclude<RoomEmitted, { type: 'send' }> | { type: 'send'; connection: string; message: ServerMessage };

function parsed(event: RoomEmitted): Seen {
  return event.type === 'send' ? { type: 'send', connection: event.connection, message: JSON.parse(event.frame) as ServerMessage } : event;
}

/** Frames among `emitted` that are not a well-formed server message of protocol v1. */
function malformed(emitted: readonly RoomEmitted[]): string[] {
  return emitted.flatMap((event) => {
    if (event.type !== 'send') return [];
    const message = JSON.parse(event.frame) as { type: keyof typeof serverMessageSchemas };
    const schema = serverMessageSchemas[message.type];
    return schema !== undefined && Value.Check(schema, message) ? [] : [event.frame.slice(0, 200)];
  });
}

/** `value` with long strings (60 KiB paddings) cut short but still told apart, so a failure's diff stays readable. */
function readable(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length <= 200 ? value : `${value.slice(0, 60)}… (${value.length} chars, sha1 ${createHash('sha1').update(value).digest('hex').slice(0, 12)})`;
  }
  if (Array.isArray(value)) return value.map(readable);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, readable(item)]));
  }
  return value; // asymmetric matchers such as expect.any(String) stay as they are
}

/** A held seat's queue bounds from docs/protocol.md (Rooms), stated here rather than taken from the machine. */
const queueLimits = { frames: 64, bytes: 256 * 1024 };

const send = (connection: string, message: object): unknown => ({ type: 'send', connection, message });
const error = (code: string, ref: string): object => ({ type: 'error', code, message: expect.any(String), ref });

/** The signal frames a held seat must be holding: the newest that fit in `queueLimits`, oldest first. */
function withinLimits(frames: readonly string[]): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (const frame of [...frames].reverse()) {
    bytes += Buffer.byteLength(frame);
    if (kept.length === queueLimits.frames || bytes > queueLimits.bytes) break;
    kept.unshift(frame);
  }
  return kept;
}

/**
 * What docs/protocol.md says the room must emit for `event`, given its members `before` and the
 * signals each held seat must still deliver (`owed`), in order.
 */
function expectedEmissions(before: readonly Member[], capacity: number, move: RoomMove, event: RoomEvent, owed: ReadonlyMap<string, string[]>): unknown[] {
  const { connected } = seatsOf(before);
  const byConnection = (connection: string): Member => before.find((member) => member.connection === connection)!;
  const toOthers = (message: object, except: string): unknown[] =>
    connected.filter((member) => member.peerId !== except).map((member) => send(member.connection!, message));
  switch (event.type) {
    case 'client.join': {
      const seat = event.resume === undefined ? undefined : before.find((member) => member.token === event.resume);
      const joined = (peerId: string, resumed: boolean) => ({
        type: 'member.joined', connection: event.connection, roomId: 'room', peerId,
        peers: before.filter((member) => member.peerId !== peerId).map((member) => member.peerId),
        capacity, token: event.token, resumed,
      });
      if (seat?.connection === null) {
        const queued = withinLimits(owed.get(seat.peerId) ?? []).map((frame) => send(event.connection, JSON.parse(frame)));
        return [joined(seat.peerId, true), ...queued];
      }
      if (seat !== undefined) {
        return [{ type: 'close', connection: seat.connection, code: closeCodes.replaced }, { type: 'member.left', connection: seat.connection, peerId: seat.peerId }, joined(seat.peerId, true)];
      }
      if (before.length >= capacity) return [send(event.connection, error('room-full', 'join'))];
      if (event.returning !== undefined) {
        return [...toOthers({ type: 'peer-joined', peerId: event.returning, resumed: true }, ''), joined(event.returning, true)];
      }
      return [...toOthers({ type: 'peer-joined', peerId: event.peerId }, ''), joined(event.peerId, false)];
    }
    case 'client.signal': {
      const from = byConnection(event.connection);
      if (move.kind === 'signal') {
        const to = before.find((member) => member.peerId === event.to)!;
        return [send(to.connection!, { type: 'signal', from: from.peerId, data: event.data })];
      }
      return move.kind === 'signal-missing' || move.kind === 'signal-self' ? [send(event.connection, error('peer-not-found', 'signal'))] : [];
    }
    case 'client.leave': {
      const leaver = byConnection(event.connection);
      return [send(event.connection, { type: 'left' }), { type: 'member.left', connection: event.connection, peerId: leaver.peerId }, ...toOthers({ type: 'peer-left', peerId: leaver.peerId }, leaver.peerId)];
    }
    case 'socket.closed': {
      const leaver = byConnection(event.connection);
      return toOthers({ type: 'peer-left', peerId: leaver.peerId }, leaver.peerId);
    }
    case 'socket.lost':
      return [];
    case 'grace.expired':
      return toOthers({ type: 'peer-left', peerId: event.peerId }, event.peerId);
  }
}

/**
 * Coverage over every replay of every path: each path's test feeds it, and the coverage test
 * replays (unchecked) only the paths whose test did not run, e.g. under a name filter.
 */
const coverage = {
  recorder: new CoverageRecorder(),
  replayed: new Set<RoomPath>(),
  inspect(event: InspectionEvent): void {
    coverage.recorder.inspect(event);
  },
};

type Seat = Pick<Member, 'peerId' | 'connection' | 'token'>;

/** Who docs/protocol.md says holds which seat after `event`, in join order: peer id, socket (`null` while held), resume token. */
function expectedSeats(before: readonly Member[], capacity: number, event: RoomEvent): Seat[] {
  const seats = before.map(({ peerId, connection, token }) => ({ peerId, connection, token }));
  switch (event.type) {
    case 'client.join': {
      const seat = event.resume === undefined ? undefined : seats.find((member) => member.token === event.resume);
      const taken = { connection: event.connection, token: event.token };
      if (seat !== undefined) return seats.map((member) => (member === seat ? { ...seat, ...taken } : member));
      return seats.length < capacity ? [...seats, { peerId: event.returning ?? event.peerId, ...taken }] : seats;
    }
    case 'client.signal':
      return seats;
    case 'client.leave':
    case 'socket.closed':
      return seats.filter((member) => member.connection !== event.connection);
    case 'socket.lost':
      return seats.map((member) => (member.connection === event.connection ? { ...member, connection: null } : member));
    case 'grace.expired':
      return seats.filter((member) => member.peerId !== event.peerId);
  }
}

/** Replays `path`, checking after every step what a user of the room could notice. */
function replayAndCheck(path: RoomPath): void {
  coverage.replayed.add(path);
  const replay = new RoomReplay(path.capacity, coverage.inspect);
  expect(replay.created.map(parsed)).toMatchObject([{ type: 'member.joined', connection: 'c1', peerId: 'p1', peers: [], resumed: false }]);
  // Signals sent to each held seat since it was lost, oldest first.
  const owed = new Map<string, string[]>();
  path.moves.forEach((move, index) => {
    const before = replay.snapshot.context.members;
    const heldBefore = seatsOf(before).held.map((member) => member.peerId);
    const { event, emitted } = replay.step(move);
    const { status, value, context } = replay.snapshot;
    const { members } = context;
    const seen = emitted.map(parsed);
    const expected = expectedEmissions(before, path.capacity, move, event, owed);

    // Keep the record of owed signals in step with the room.
    if (move.kind === 'signal-held' || move.kind === 'signal-held-large') {
      const { connection, to, data } = event as Extract<RoomEvent, { type: 'client.signal' }>;
      const from = before.find((member) => member.connection === connection)!;
      owed.get(to)!.push(JSON.stringify({ type: 'signal', from: from.peerId, data }));
    }
    for (const peerId of owed.keys()) if (!replay.notes.lostOrder.includes(peerId)) owed.delete(peerId);
    for (const peerId of replay.notes.lostOrder) if (!owed.has(peerId)) owed.set(peerId, []);

    const reachable = new Set([...before, ...members].map((member) => member.connection));
    if ('connection' in event) reachable.add(event.connection);
    const closed = value === 'closed';
    const seats = expectedSeats(before, path.capacity, event);
    const observed = {
      value,
      seats: members.map(({ peerId, connection, token }) => ({ peerId, connection, token })),
      state: abstractState(path.abstraction, value, members, replay.notes),
      emitted: seen,
      malformed: malformed(emitted),
      toStrangers: seen.filter((item) => !reachable.has(item.connection)),
      peerLeftWhileHeld: seen.filter(
        (item) => item.type === 'send' && item.message.type === 'peer-left' && heldBefore.includes(item.message.peerId) && event.type !== 'grace.expired',
      ),
      overCapacity: members.length > path.capacity,
      fullWithoutFreeSeat: closed || value === 'full' === members.length >= path.capacity,
      closed: closed ? { members: members.length, status, timers: replay.pendingTimers } : undefined,
      graceTimers: replay.pendingTimers,
      queues: members.map((member) => ({
        peerId: member.peerId,
        withinBounds: member.queue.length <= queueLimits.frames && member.queuedBytes <= queueLimits.bytes,
        bytesCounted: member.queuedBytes === member.queue.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0),
        queue: member.queue,
      })),
    };
    const wanted = {
      value: seats.length === 0 ? 'closed' : seats.length >= path.capacity ? 'full' : 'open',
      seats,
      state: path.states[index],
      emitted: expected,
      malformed: [],
      toStrangers: [],
      peerLeftWhileHeld: [],
      overCapacity: false,
      fullWithoutFreeSeat: true,
      closed: closed ? { members: 0, status: 'done', timers: 0 } : undefined,
      graceTimers: replay.notes.lostOrder.length,
      queues: members.map((member) => ({
        peerId: member.peerId,
        withinBounds: true,
        bytesCounted: true,
        queue: withinLimits(owed.get(member.peerId) ?? []),
      })),
    };
    expect(readable(observed), `step ${index + 1}: ${path.labels[index]!.type}`).toEqual(readable(wanted));
  });
}

for (const { kind, capacity, paths } of pathSets) {
  describe(`room machine model: ${kind} paths, capacity ${capacity}`, () => {
    for (const path of paths) it(pathName(path.labels), () => replayAndCheck(path));
  });
}

describe('room machine model: coverage', () => {
  it('reaches every state and takes every transition of the machine on some generated path', () => {
    const { recorder, replayed } = coverage;
    for (const path of pathSets.flatMap(({ paths }) => paths).filter((path) => !replayed.has(path))) {
      const replay = new RoomReplay(path.capacity, coverage.inspect);
      for (const move of path.moves) replay.step(move);
    }
    const definitions = transitionsOf(roomMachine);
    const untaken = definitions.filter((name) => !recorder.transitions.has(name));
    const counts = pathSets.map(({ kind, capacity, paths }) => `${kind}/capacity ${capacity}: ${paths.length}`).join(', ');
    console.info(
      `roomMachine model paths: ${counts}; states ${recorder.states.size}/${statesOf(roomMachine).length}, ` +
        `transitions ${definitions.length - untaken.length}/${definitions.length}`,
    );
    expect(recorder.missing(roomMachine)).toEqual({ states: [], transitions: [] });
  });
});
