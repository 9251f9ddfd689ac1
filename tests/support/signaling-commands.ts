/**
 * Commands of the model-based fuzz test: each sends one frame from one client over a real
 * socket, checks the answer and every frame it caused against docs/protocol.md, and updates the
 * model (signaling-world.ts). Room ids, peer ids and tokens are picked among real ones (other
 * rooms', bystanders', dead rooms') as well as made up.
 */
import fc from 'fast-check';
import { describeFrame, extraFields, hostileFrame, signalDataText, type FrameLimits, type HostileFrame } from './arbitraries.ts';
import { answered, exactly, expectFrames, probeOptions, refusal, relayed, type RoomState, type SignalingWorld, type SlotKind } from './signaling-world.ts';

type Command = fc.AsyncCommand<SignalingWorld, SignalingWorld>;

/** Whose turn a command is: an open client of a kind, by index (see `SignalingWorld.pickSlot`). */
interface Turn {
  kind: SlotKind;
  index: number;
}

/** Which room a `join` names: a live one of the fuzz, any known one (live or not), one in capitals, or any text. */
type RoomPick =
  /** A live room of the fuzz, one with a free seat if there is any. */
  | { kind: 'live'; index: number }
  | { kind: 'known'; index: number }
  | { kind: 'capitals'; index: number }
  | { kind: 'text'; roomId: string };
/** Which token a `join` presents: none, any text, or the token of one seat of the named room. */
type ResumePick = { kind: 'none' } | { kind: 'text'; token: string } | { kind: 'seat'; index: number };
/** Whom a `signal` names: someone of the sender's room, any peer ever seen, or any text. */
type TargetPick = { kind: 'roommate'; index: number } | { kind: 'anyone'; index: number } | { kind: 'text'; to: string };

const quote = (value: unknown): string => JSON.stringify(value);

function pickRoomId(world: SignalingWorld, pick: RoomPick): string {
  if (pick.kind === 'text') return pick.roomId;
  const live = world.rooms.filter((room) => room.live && room.members.some((seat) => seat.slot >= 0));
  const open = live.filter((room) => room.members.length < room.capacity);
  const choice = open.length > 0 ? open : live;
  if (pick.kind === 'live' && choice.length > 0) return choice[pick.index % choice.length]!.id;
  const room = world.rooms[pick.index % world.rooms.length]!;
  return pick.kind === 'capitals' ? room.id.toUpperCase() : room.id;
}

function pickToken(room: RoomState | undefined, pick: ResumePick): string | undefined {
  if (pick.kind === 'none') return undefined;
  if (pick.kind === 'text') return pick.token;
  const seat = room?.members[pick.index % Math.max(1, room.members.length)];
  return seat?.token ?? 'no-such-token';
}

class Create implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly capacity: number | undefined,
    readonly extras: string,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    const state = world.slots[this.slot]!;
    const capacity = this.capacity === undefined ? '' : `,"capacity":${this.capacity}`;
    const answer = await world.roundTrip(this.slot, `{"type":"create"${capacity}${this.extras}}`);
    world.count(state.room === undefined ? 'create: joined' : 'create: already-in-room');
    if (state.room !== undefined) return expectFrames(String(this), answer, [refusal('already-in-room', 'create')]);
    const joined = world.checkJoined(String(this), answer, { roomId: undefined, peerId: undefined, peers: [], capacity: this.capacity ?? 2 });
    const room: RoomState = { id: joined.roomId, capacity: joined.capacity, members: [{ peerId: joined.peerId, token: joined.resume, slot: this.slot }], live: true };
    world.rooms.push(room);
    state.room = room;
  }
  toString = (): string => `create(slot ${this.slot}, capacity ${String(this.capacity)}${this.extras})`;
}

class Join implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly room: RoomPick,
    readonly resume: ResumePick,
    readonly extras: string,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    const state = world.slots[this.slot]!;
    const roomId = pickRoomId(world, this.room);
    const room = world.liveRoom(roomId);
    const token = pickToken(room, this.resume);
    const resume = token === undefined ? '' : `,"resume":${quote(token)}`;
    const answer = await world.roundTrip(this.slot, `{"type":"join","roomId":${quote(roomId)}${resume}${this.extras}}`);
    const held = token === undefined ? undefined : room?.members.find((seat) => seat.token === token);
    const full = room !== undefined && room.members.length >= room.capacity;
    world.count(`join: ${state.room ? 'already-in-room' : !room ? 'room-not-found' : held ? 'resumed' : full ? 'room-full' : `joined as peer ${room.members.length + 1}`}`);
    if (state.room !== undefined) return expectFrames(String(this), answer, [refusal('already-in-room', 'join')]);
    if (room === undefined) return expectFrames(String(this), answer, [refusal('room-not-found', 'join')]);
    if (held !== undefined) {
      const others = room.members.filter((seat) => seat !== held).map((seat) => seat.peerId);
      const joined = world.checkJoined(String(this), answer, { roomId, peerId: held.peerId, peers: others, capacity: room.capacity });
      // The old socket still looks alive: it is replaced and closed with 4000, and no one else hears of it.
      const old = world.slots[held.slot]!;
      const ending = await old.probe!.ended();
      if (ending.code !== 4000) throw new Error(`${String(this)}: replaced socket closed with ${ending.code}`);
      expectFrames(`replaced slot ${held.slot}`, old.probe!.unread(), old.pending);
      Object.assign(old, { probe: undefined, room: undefined, pending: [] });
      Object.assign(held, { slot: this.slot, token: joined.resume });
      state.room = room;
      return world.settleConnections();
    }
    if (full) return expectFrames(String(this), answer, [refusal('room-full', 'join')]);
    const peers = room.members.map((seat) => seat.peerId);
    const joined = world.checkJoined(String(this), answer, { roomId, peerId: undefined, peers, capacity: room.capacity });
    for (const seat of room.members) world.slots[seat.slot]!.pending.push(exactly({ type: 'peer-joined', peerId: joined.peerId }));
    room.members.push({ peerId: joined.peerId, token: joined.resume, slot: this.slot });
    state.room = room;
  }
  toString = (): string => `join(slot ${this.slot}, ${JSON.stringify(this.room)}, ${JSON.stringify(this.resume)}${this.extras})`;
}

class Signal implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly target: TargetPick,
    readonly dataText: string,
    readonly extras: string,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    const state = world.slots[this.slot]!;
    const me = state.room?.members.find((seat) => seat.slot === this.slot);
    const roommates = state.room?.members.filter((seat) => seat !== me) ?? [];
    let to: string;
    if (this.target.kind === 'text') to = this.target.to;
    else if (this.target.kind === 'roommate' && roommates.length > 0) to = roommates[this.target.index % roommates.length]!.peerId;
    else to = world.peerIds[this.target.index % world.peerIds.length]!;
    // A signal to oneself is left out: docs/protocol.md does not say what it gets.
    if (to === me?.peerId) to = `${to}-someone-else`;
    const bare = `{"type":"signal","to":${quote(to)},"data":${this.dataText}`;
    const frame = Buffer.byteLength(bare + this.extras) < world.limits.maxPayload ? `${bare}${this.extras}}` : `${bare}}`;
    const answer = await world.roundTrip(this.slot, frame);
    const target = roommates.find((seat) => seat.peerId === to);
    world.count(`signal: ${!state.room ? 'not-in-room' : target ? 'relayed' : 'peer-not-found'}`);
    if (state.room === undefined) return expectFrames(String(this), answer, [refusal('not-in-room', 'signal')]);
    if (target === undefined) return expectFrames(String(this), answer, [refusal('peer-not-found', 'signal')]);
    expectFrames(String(this), answer, []);
    world.slots[target.slot]!.pending.push(relayed(me!.peerId, this.dataText));
  }
  toString = (): string => `signal(slot ${this.slot}, ${JSON.stringify(this.target)}, ${this.dataText.slice(0, 80)}${this.extras})`;
}

class Leave implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly extras: string,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    const state = world.slots[this.slot]!;
    const answer = await world.roundTrip(this.slot, `{"type":"leave"${this.extras}}`);
    world.count(state.room === undefined ? 'leave: not-in-room' : 'leave: left');
    if (state.room === undefined) return expectFrames(String(this), answer, [refusal('not-in-room', 'leave')]);
    expectFrames(String(this), answer, [exactly({ type: 'left' })]);
    world.vacate(state.room, this.slot);
    state.room = undefined;
  }
  toString = (): string => `leave(slot ${this.slot}${this.extras})`;
}

class Hostile implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly frame: HostileFrame,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    const { answer, payload, binary } = this.frame;
    world.count(`hostile: ${answer.kind === 'error' ? answer.code : answer.kind === 'close' ? `close ${answer.code}` : 'pong'}${world.slots[this.slot]!.room ? ' in a room' : ''}`);
    if (answer.kind !== 'close') {
      const frames = await world.roundTrip(this.slot, payload, answer.kind === 'pong' ? 1 : 0);
      return expectFrames(String(this), frames, [answered(answer)]);
    }
    const probe = world.slots[this.slot]!.probe!;
    if (binary) probe.sendBinary(payload as Uint8Array);
    else probe.sendText(payload as string);
    const ending = await probe.ended();
    if (ending.code !== answer.code) throw new Error(`${String(this)}: closed with ${ending.code}`);
    await world.ended(this.slot);
  }
  toString = (): string => `hostile(slot ${this.slot}, ${describeFrame(this.frame)})`;
}

class Close implements Command {
  slot = -1;
  constructor(
    readonly turn: Turn,
    readonly code: 1000 | 1001 | undefined,
  ) {}
  check = (world: SignalingWorld): boolean => world.anyOpen();
  async run(world: SignalingWorld): Promise<void> {
    this.slot = world.pickSlot(this.turn.kind, this.turn.index);
    world.count(world.slots[this.slot]!.room ? 'close: left its room' : 'close: outside a room');
    const probe = world.slots[this.slot]!.probe!;
    probe.socket.close(this.code);
    await probe.closed;
    await world.ended(this.slot);
  }
  toString = (): string => `close(slot ${this.slot}, ${String(this.code)})`;
}

class Reconnect implements Command {
  constructor(readonly slot: number) {}
  check = (world: SignalingWorld): boolean => !world.isOpen(this.slot);
  async run(world: SignalingWorld): Promise<void> {
    world.slots[this.slot]!.probe = await world.server.open(probeOptions);
    await world.settleConnections();
  }
  toString = (): string => `reconnect(slot ${this.slot})`;
}

/**
 * Arbitraries of every command for `slots` clients. Most commands prefer the clients for whom
 * they can succeed (signals from members, joins from outsiders) and the rest pick anyone, so
 * both the happy paths and every refusal are walked.
 */
export function signalingCommands(slots: number, limits: FrameLimits): Array<fc.Arbitrary<Command>> {
  const slot = fc.nat(slots - 1);
  const turn = (often: SlotKind): fc.Arbitrary<Turn> =>
    fc.record({ kind: fc.oneof({ arbitrary: fc.constant(often), weight: 3 }, { arbitrary: fc.constant<SlotKind>('any'), weight: 1 }), index: fc.nat() });
  const roomPick: fc.Arbitrary<RoomPick> = fc.oneof(
    { arbitrary: fc.nat().map((index) => ({ kind: 'live' as const, index })), weight: 6 },
    { arbitrary: fc.nat().map((index) => ({ kind: 'known' as const, index })), weight: 2 },
    { arbitrary: fc.nat().map((index) => ({ kind: 'capitals' as const, index })), weight: 1 },
    { arbitrary: fc.oneof(fc.uuid({ version: 4 }), fc.string({ maxLength: 40 })).map((roomId) => ({ kind: 'text' as const, roomId })), weight: 1 },
  );
  const resumePick: fc.Arbitrary<ResumePick> = fc.oneof(
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
    { arbitrary: fc.string({ maxLength: 24 }).map((token) => ({ kind: 'text' as const, token })), weight: 1 },
    { arbitrary: fc.nat().map((index) => ({ kind: 'seat' as const, index })), weight: 1 },
  );
  const targetPick: fc.Arbitrary<TargetPick> = fc.oneof(
    { arbitrary: fc.nat().map((index) => ({ kind: 'roommate' as const, index })), weight: 6 },
    { arbitrary: fc.nat().map((index) => ({ kind: 'anyone' as const, index })), weight: 2 },
    { arbitrary: fc.string({ maxLength: 16 }).map((to) => ({ kind: 'text' as const, to })), weight: 1 },
  );
  const capacity = fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.integer({ min: 2, max: limits.maxCapacity }), weight: 3 });
  const create = fc.tuple(turn('outsider'), capacity, extraFields).map(([at, size, extras]) => new Create(at, size, extras));
  const join = fc.tuple(turn('outsider'), roomPick, resumePick, extraFields).map(([at, room, resume, extras]) => new Join(at, room, resume, extras));
  const signal = fc.tuple(turn('member'), targetPick, signalDataText(limits), extraFields).map(([at, target, data, extras]) => new Signal(at, target, data, extras));
  const leave = fc.tuple(turn('member'), extraFields).map(([at, extras]) => new Leave(at, extras));
  const hostile = fc.tuple(turn('member'), hostileFrame(limits)).map(([at, frame]) => new Hostile(at, frame));
  const close = fc.tuple(turn('member'), fc.constantFrom(1000 as const, 1001 as const, undefined)).map(([at, code]) => new Close(at, code));
  const reconnect = slot.map((at) => new Reconnect(at));
  return [create, join, join, signal, signal, signal, leave, hostile, hostile, close, reconnect];
}
