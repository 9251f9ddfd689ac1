/**
 * The model side of the model-based fuzz test: what docs/protocol.md says the server's rooms hold
 * after each command, and which frames each client must receive. Commands
 * (signaling-commands.ts) act on real sockets through it and check every frame against it.
 */
import type { JoinedMessage, ServerMessage } from '../../protocol/messages.ts';
import type { Answer, FrameLimits } from './arbitraries.ts';
import type { ProtocolProbe } from './conformance-client.ts';
import { until, type ProbeServer } from './probe-server.ts';

/** One taken seat of a room. `slot` is -1 for seats the fuzz does not own (bystanders). */
export interface Seat {
  peerId: string;
  /** The current resume token; unknown (`undefined`) for seats the fuzz does not own. */
  token: string | undefined;
  slot: number;
}

/** A room as the model sees it. */
export interface RoomState {
  id: string;
  capacity: number;
  members: Seat[];
  live: boolean;
}

/** One fuzzing client: its socket while open, its room, and the frames others caused for it. */
export interface Slot {
  probe: ProtocolProbe | undefined;
  room: RoomState | undefined;
  /** Frames other clients' commands made the server send this client, not yet read. */
  pending: Expected[];
}

/** Which clients a command prefers to act from. */
export type SlotKind = 'any' | 'member' | 'outsider';

/** A frame a client must receive next. */
export interface Expected {
  describe: string;
  matches(frame: ServerMessage): boolean;
}

/** Frames come within milliseconds on loopback; a short wait keeps failing runs (and shrinking) quick. */
export const probeOptions = { timeoutMs: 2_000 };

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** JSON text with object keys sorted, built as text so a `__proto__` key stays a plain key. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A frame equal to `message`. */
export function exactly(message: ServerMessage): Expected {
  const text = canonical(message);
  return { describe: text, matches: (frame) => canonical(frame) === text };
}

/** A relayed signal from `from` carrying exactly `dataText`, and no field but type, from and data. */
export function relayed(from: string, dataText: string): Expected {
  const data = canonical(JSON.parse(dataText));
  return {
    describe: `signal from ${from} with ${data.slice(0, 100)}`,
    matches: (frame) =>
      frame.type === 'signal' && frame.from === from && Object.keys(frame).sort().join() === 'data,from,type' && canonical(frame.data) === data,
  };
}

/** The documented answer to a hostile frame that leaves the socket open. */
export function answered(answer: Answer): Expected {
  if (answer.kind === 'pong') return exactly({ type: 'pong' });
  if (answer.kind === 'close') throw new Error('a close is not a frame');
  return refusal(answer.code, answer.ref, answer.refOptional);
}

/** An `error` with `code` and exactly `ref` (or, with `refOptional`, no ref at all). */
export function refusal(code: string, ref: string | undefined, refOptional = false): Expected {
  return {
    describe: `error ${code} ref ${String(ref)}${refOptional ? ' or none' : ''}`,
    matches: (frame) => frame.type === 'error' && frame.code === code && (frame.ref === ref || (refOptional && frame.ref === undefined)),
  };
}

/** Throws unless `actual` is exactly the `expected` frames, in order. */
export function expectFrames(label: string, actual: readonly ServerMessage[], expected: readonly Expected[]): void {
  const ok = actual.length === expected.length && actual.every((frame, i) => expected[i]!.matches(frame));
  if (!ok) {
    const got = JSON.stringify(actual).slice(0, 600);
    throw new Error(`${label}: got ${got}, expected [${expected.map((each) => each.describe).join(' | ')}]`);
  }
}

/** What a `joined` must say; `undefined` fields must be new (never seen before). */
export interface JoinedShape {
  roomId: string | undefined;
  peerId: string | undefined;
  peers: string[];
  capacity: number;
}

/** `app.signaling.stats()`. */
export interface ServerStats {
  rooms: number;
  connections: number;
  members: number;
}

/** What a world models. */
export interface WorldOptions {
  server: ProbeServer;
  limits: FrameLimits;
  baseline: ServerStats;
  /** Rooms on the server the fuzz does not own (bystanders'), full, with seats of slot -1. */
  foreignRooms: RoomState[];
  /** How many fuzzing clients. */
  slots: number;
  tally: Map<string, number>;
}

/** The model of one fuzz run over a running server. */
export class SignalingWorld {
  readonly slots: Slot[];
  /** Every room seen, live or not; bystander rooms first. */
  readonly rooms: RoomState[];
  /** Every peer id seen, bystanders' included, so signals can aim at them. */
  readonly peerIds: string[];
  private readonly tokens = new Set<string>();
  readonly server: ProbeServer;
  readonly limits: FrameLimits;
  /** What the server holds that the fuzz does not own; it must come back to this. */
  readonly baseline: ServerStats;
  /** How often each outcome happened (`join: room-full`...), over every run sharing the map. */
  readonly tally: Map<string, number>;

  constructor(options: WorldOptions) {
    this.server = options.server;
    this.limits = options.limits;
    this.baseline = options.baseline;
    this.tally = options.tally;
    this.rooms = [...options.foreignRooms];
    this.peerIds = options.foreignRooms.flatMap((room) => room.members.map((seat) => seat.peerId));
    this.slots = Array.from({ length: options.slots }, () => ({ probe: undefined, room: undefined, pending: [] }));
  }

  /** Opens every slot's socket. */
  async open(): Promise<void> {
    for (const slot of this.slots) slot.probe = await this.server.open(probeOptions);
  }

  /** Counts one `outcome`. */
  count(outcome: string): void {
    this.tally.set(outcome, (this.tally.get(outcome) ?? 0) + 1);
  }

  /**
   * Resolves whose turn it is: the `index`-th open client among those `kind` asks for (in a
   * room, outside one), or among all open clients when there is none of that kind.
   */
  pickSlot(kind: SlotKind, index: number): number {
    const open = this.slots.map((_, slot) => slot).filter((slot) => this.isOpen(slot));
    const wanted = open.filter((slot) => (kind === 'member' ? this.slots[slot]!.room !== undefined : kind === 'outsider' ? this.slots[slot]!.room === undefined : true));
    const among = wanted.length > 0 ? wanted : open;
    return among[index % among.length]!;
  }

  /** True while some client is open, so a command can pick one. */
  anyOpen(): boolean {
    return this.slots.some((slot) => slot.probe !== undefined);
  }

  isOpen(slot: number): boolean {
    return this.slots[slot]!.probe !== undefined;
  }

  /** The live room named `roomId`, if any. */
  liveRoom(roomId: string): RoomState | undefined {
    return this.rooms.find((room) => room.live && room.id === roomId);
  }

  /**
   * Sends `payload` (if any) from `slot`, then a ping, and reads up to that ping's pong: the
   * frames others caused must come first, exactly as expected; returns the rest, the answer.
   * `answerPongs` is 1 when the answer itself is a pong.
   */
  async roundTrip(slot: number, payload: string | Uint8Array | undefined, answerPongs = 0): Promise<ServerMessage[]> {
    const state = this.slots[slot]!;
    const probe = state.probe!;
    if (typeof payload === 'string') probe.sendText(payload);
    else if (payload !== undefined) probe.sendBinary(payload);
    probe.send({ type: 'ping' });
    const frames: ServerMessage[] = [];
    for (let pongs = 0; pongs <= answerPongs; ) {
      const frame = await probe.next();
      frames.push(frame);
      if (frame.type === 'pong') pongs++;
    }
    frames.pop();
    const pending = state.pending;
    state.pending = [];
    expectFrames(`slot ${slot}, frames caused by others`, frames.slice(0, pending.length), pending);
    return frames.slice(pending.length);
  }

  /** Checks a `joined` against `shape` and remembers its ids; returns it. */
  checkJoined(label: string, frames: readonly ServerMessage[], shape: JoinedShape): JoinedMessage {
    const joined = frames[0];
    const fail = (why: string): never => {
      throw new Error(`${label}: ${why} in ${JSON.stringify(frames)} (expected ${JSON.stringify(shape)})`);
    };
    if (frames.length !== 1 || joined?.type !== 'joined') return fail('not one joined');
    if (shape.roomId !== undefined ? joined.roomId !== shape.roomId : !uuidV4.test(joined.roomId) || this.rooms.some((room) => room.id === joined.roomId)) fail('wrong room id');
    if (shape.peerId !== undefined ? joined.peerId !== shape.peerId : joined.peerId.length < 8 || this.peerIds.includes(joined.peerId)) fail('wrong peer id');
    if (canonical(joined.peers) !== canonical(shape.peers) || joined.capacity !== shape.capacity) fail('wrong peers or capacity');
    if (!/^[A-Za-z0-9_-]{22,}$/.test(joined.resume) || this.tokens.has(joined.resume)) fail('a weak or reused resume token');
    if (joined.iceServers.length !== 0) fail('ICE servers where none are configured');
    this.tokens.add(joined.resume);
    if (shape.peerId === undefined) this.peerIds.push(joined.peerId);
    return joined;
  }

  /**
   * The slot's socket has ended in a way that leaves its room at once (a close frame, or a
   * 1003/1009 from the server): the others are told peer-left. Waits until the server agrees.
   */
  async ended(slot: number): Promise<void> {
    const state = this.slots[slot]!;
    const probe = state.probe!;
    expectFrames(`slot ${slot}, frames before its close`, probe.unread(), state.pending);
    state.pending = [];
    state.probe = undefined;
    if (state.room !== undefined) this.vacate(state.room, slot);
    state.room = undefined;
    await this.settleConnections();
  }

  /** Removes `slot`'s seat from `room`, telling the others. */
  vacate(room: RoomState, slot: number): void {
    const seat = room.members.find((member) => member.slot === slot)!;
    room.members = room.members.filter((member) => member !== seat);
    for (const other of room.members) this.slots[other.slot]?.pending.push(exactly({ type: 'peer-left', peerId: seat.peerId }));
    if (room.members.length === 0) room.live = false;
  }

  /** Resolves once the server counts exactly the sockets the model has open. */
  async settleConnections(): Promise<void> {
    const open = this.baseline.connections + this.slots.filter((slot) => slot.probe !== undefined).length;
    await until(() => this.server.app.signaling.stats().connections === open, probeOptions.timeoutMs);
  }

  /**
   * Ends the run: every open client must have read exactly what it was owed; half of them then
   * close cleanly, the rest drop their connections, and the server must come back to the
   * baseline (no room, seat or socket of the fuzz left once the grace period has passed).
   */
  async finish(): Promise<void> {
    const open = this.slots.map((_, slot) => slot).filter((slot) => this.isOpen(slot));
    for (const slot of open) expectFrames(`slot ${slot} at the end`, await this.roundTrip(slot, undefined), []);
    const [closing, dropping] = [open.filter((_, i) => i % 2 === 0), open.filter((_, i) => i % 2 === 1)];
    for (const slot of closing) {
      await this.slots[slot]!.probe!.close(1000);
      await this.ended(slot);
    }
    for (const slot of dropping) await this.slots[slot]!.probe!.drop();
    await until(() => canonical(this.server.app.signaling.stats()) === canonical(this.baseline), probeOptions.timeoutMs);
  }

  /** After a failure: drops every socket and waits for the server to forget them. */
  async dispose(): Promise<void> {
    for (const slot of this.slots) slot.probe?.socket.terminate();
    await until(() => canonical(this.server.app.signaling.stats()) === canonical(this.baseline), probeOptions.timeoutMs).catch(() => undefined);
  }
}
