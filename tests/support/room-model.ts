import { createActor, SimulatedClock, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { roomMachine, type Member, type RoomContext, type RoomEmitted, type RoomEvent } from '../../machines/room-machine.ts';

/**
 * Paths through `roomMachine` for model-based tests, generated with `xstate/graph`.
 *
 * A path is a list of *moves*: what someone does, naming members by their rank among the
 * connected or the held seats (in join order) rather than by id. Ids are drawn by whoever
 * replays the path (the machine test draws its own, the server random ones), so one path
 * replays into any run, and two rooms that look alike (`abstractState`) accept the same moves.
 */

/** What can happen to a room, one kind per case of PROTOCOL.md's room rules. */
export type MoveKind =
  | 'join' // a new connection joins
  | 'join-wrong-token' // a new connection joins with a resume token nobody holds
  | 'resume' // a new connection resumes a held seat with its token
  | 'replace' // a new connection resumes a seat whose socket still looks alive
  | 'signal' // a member signals a connected member
  | 'signal-held' // a member signals a member whose seat is held: queued
  | 'signal-held-large' // the same with a 60 KiB payload, to reach the byte bound in a few steps
  | 'signal-missing' // a member signals a peer id that is not in the room
  | 'signal-self' // a member signals itself
  | 'leave' // a member sends leave
  | 'close' // a member's socket closes cleanly
  | 'lose' // a member's socket is lost without a close frame
  | 'expire'; // the grace period of the seat held longest runs out

/**
 * One step of a path. `member` is a rank among connected members (the one acting, or the seat
 * `replace` takes) or, for `resume`, among held seats; `target` is a signal's recipient, a rank
 * among connected members for `signal` and among held seats for `signal-held*`.
 */
export interface RoomMove {
  kind: MoveKind;
  member?: number;
  target?: number;
}

/** Which paths to generate; see `roomPaths`. */
export interface RoomPathOptions {
  kind: 'shortest' | 'simple';
  capacity: number;
}

/** A generated path: the room's capacity and the moves after the creator's `create`. */
export interface RoomPath extends RoomPathOptions {
  moves: RoomMove[];
  /** The room after each move, as `abstractState(abstraction, …)` describes it. */
  states: string[];
  abstraction: Abstraction;
  /** One label per move, for `pathName`. */
  labels: Array<{ type: string }>;
}

/** `seats`: each seat in join order, with its queue's shape; `counts`: only how many seats are taken and held. */
export type Abstraction = 'seats' | 'counts';

type RoomSnapshot = SnapshotFrom<typeof roomMachine>;
type WalkEvent = RoomEvent & { move: RoomMove };

/** A resume token no member ever holds, and a peer id no member ever has. */
export const wrongToken = 'not-a-token';
export const missingPeer = 'p-missing';

/** A large signal's padding: under the 64 KiB frame limit, and five of them pass the 256 KiB queue bound. */
const largePadding = 60 * 1024;

/** The moves that change who holds a seat, and the core of them. */
const membershipMoves: readonly MoveKind[] = ['join', 'join-wrong-token', 'resume', 'replace', 'leave', 'close', 'lose', 'expire'];
const coreMembershipMoves: readonly MoveKind[] = ['join', 'resume', 'leave', 'lose', 'expire'];

/** A queued signal's `seq`, read from the frame's start (`seq` comes first in `data`) without parsing 60 KiB. */
function sequenceOf(frame: string): number {
  return Number(/"data":\{"seq":(\d+)/.exec(frame.slice(0, 200))?.[1]);
}

/** Connected members and held seats, each in join order. */
export function seatsOf(members: readonly Member[]): { connected: Member[]; held: Member[] } {
  return {
    connected: members.filter((member) => member.connection !== null),
    held: members.filter((member) => member.connection === null),
  };
}

/** A signal's payload, numbered per held seat, so a queue whose head is not `seq: 1` dropped its oldest frames. */
export function signalData(to: Member, large: boolean): Record<string, unknown> {
  const last = to.queue.at(-1);
  const seq = last === undefined ? 1 : sequenceOf(last) + 1;
  return large ? { seq, padding: 'x'.repeat(largePadding) } : { seq };
}

/**
 * The room event for `move` in a room whose state is `context` and whose held seats were lost
 * in `lostOrder` (peer ids); `draw()` gives a fresh number for the ids of a new connection.
 * Throws if the move is impossible there, i.e. the replay no longer follows its path.
 */
export function eventFor(context: RoomContext, lostOrder: readonly string[], move: RoomMove, draw: () => number): RoomEvent {
  const { connected, held } = seatsOf(context.members);
  const pick = (from: Member[], rank: number | undefined): Member => {
    const member = from[rank ?? -1];
    if (member === undefined) throw new Error(`move ${JSON.stringify(move)} is impossible here`);
    return member;
  };
  const connection = (): string => pick(connected, move.member).connection!;
  switch (move.kind) {
    case 'join':
    case 'join-wrong-token':
    case 'resume':
    case 'replace': {
      const n = draw();
      const fresh = { type: 'client.join' as const, connection: `c${n}`, peerId: `p${n}`, token: `t${n}` };
      if (move.kind === 'join') return fresh;
      if (move.kind === 'join-wrong-token') return { ...fresh, resume: wrongToken };
      return { ...fresh, resume: pick(move.kind === 'resume' ? held : connected, move.member).token };
    }
    case 'signal':
      return { type: 'client.signal', connection: connection(), to: pick(connected, move.target).peerId, data: { seq: 1 } };
    case 'signal-held':
    case 'signal-held-large': {
      const target = pick(held, move.target);
      return { type: 'client.signal', connection: connection(), to: target.peerId, data: signalData(target, move.kind === 'signal-held-large') };
    }
    case 'signal-missing':
      return { type: 'client.signal', connection: connection(), to: missingPeer, data: { seq: 1 } };
    case 'signal-self':
      return { type: 'client.signal', connection: connection(), to: pick(connected, move.member).peerId, data: { seq: 1 } };
    case 'leave':
      return { type: 'client.leave', connection: connection() };
    case 'close':
      return { type: 'socket.closed', connection: connection() };
    case 'lose':
      return { type: 'socket.lost', connection: connection() };
    case 'expire':
      if (lostOrder[0] === undefined) throw new Error('no seat is held, none can expire');
      return { type: 'grace.expired', peerId: lostOrder[0] };
  }
}

/**
 * Every move possible in a room with `members`. Only the seat lost first can expire next:
 * every seat is held equally long.
 */
export function movesFor(members: readonly Member[], options: { large: boolean; only?: readonly MoveKind[] }): RoomMove[] {
  const { connected, held } = seatsOf(members);
  const moves: RoomMove[] = [{ kind: 'join' }, { kind: 'join-wrong-token' }];
  held.forEach((_, member) => moves.push({ kind: 'resume', member }));
  connected.forEach((_, member) => moves.push({ kind: 'replace', member }));
  connected.forEach((_, member) => {
    connected.forEach((_, target) => target !== member && moves.push({ kind: 'signal', member, target }));
    held.forEach((_, target) => {
      moves.push({ kind: 'signal-held', member, target });
      if (options.large) moves.push({ kind: 'signal-held-large', member, target });
    });
    moves.push({ kind: 'signal-missing', member }, { kind: 'signal-self', member });
    moves.push({ kind: 'leave', member }, { kind: 'close', member }, { kind: 'lose', member });
  });
  if (held.length > 0) moves.push({ kind: 'expire' });
  return options.only ? moves.filter((move) => options.only!.includes(move.kind)) : moves;
}

/** The held seats' peer ids, earliest loss first, after a step from a room whose order was `before`. */
export function nextLostOrder(before: readonly string[], members: readonly Member[]): string[] {
  const held = seatsOf(members).held.map((member) => member.peerId);
  return [...before.filter((peerId) => held.includes(peerId)), ...held.filter((peerId) => !before.includes(peerId))];
}

/** How full a held seat's queue is: empty, or which 64 KiB quarter, and whether it dropped frames. */
function queueShape(member: Member): string {
  if (member.queue.length === 0) return 'empty';
  const quarter = Math.floor(member.queuedBytes / (64 * 1024));
  return `q${quarter}${sequenceOf(member.queue[0]!) > 1 ? '-dropped' : ''}`;
}

/**
 * What a user could tell about a room, ids left out. `seats`: its state, each seat (connected,
 * or held with its queue's shape) in join order, and the order the held seats were lost in.
 * `counts`: its state, and how many seats are taken and held.
 */
export function abstractState(abstraction: Abstraction, value: unknown, members: readonly Member[], lostOrder: readonly string[]): string {
  if (abstraction === 'counts') return `${String(value)} ${members.length} taken, ${seatsOf(members).held.length} held`;
  const seats = members.map((member) => (member.connection === null ? `held:${queueShape(member)}` : 'on'));
  const lost = lostOrder.map((peerId) => members.findIndex((member) => member.peerId === peerId));
  return `${String(value)} [${seats.join(' ')}] lost:${lost.join(',') || '-'}`;
}

/** Names a move for a test title, e.g. `client.signal(signal-held on#0→held#0)`. */
export function moveLabel(type: string, move: RoomMove): string {
  const actor = move.member === undefined ? [] : [`${move.kind === 'resume' ? 'held' : 'on'}#${move.member}`];
  const target = move.target === undefined ? [] : [`${move.kind === 'signal' ? 'on' : 'held'}#${move.target}`];
  const who = [...actor, ...target].join('→');
  return `${type}(${move.kind}${who ? ` ${who}` : ''})`;
}

/** A number above every one in the room's ids, so a drawn id is unique among its members. */
function drawAbove(context: RoomContext): () => number {
  let highest = 0;
  for (const member of context.members) {
    for (const id of [member.peerId, member.token, member.connection ?? '']) highest = Math.max(highest, Number(id.slice(1)) || 0);
  }
  return () => ++highest;
}

/**
 * Generates paths over `roomMachine` for a room of `capacity`:
 * - `shortest`: one shortest path to every (seats, last move kind) pair. Keying vertices by the
 *   last move too puts every kind of move, from every state where it is possible, on some path,
 *   self-loops (a relayed signal, a refused join) included. At capacity 2 large signals are on,
 *   so queues reach the byte bound (at 3, two held seats' queue shapes multiply past use).
 * - `simple`: every simple path between abstract states, over the moves that change membership
 *   (orders of joins, losses, resumes and expiries). At capacity 2 over `seats` with all of them;
 *   at capacity 3 over `counts` with join, resume, leave, lose and expire, which keeps the number
 *   of simple paths in the hundreds instead of the millions.
 */
export function roomPaths({ kind, capacity }: RoomPathOptions): RoomPath[] {
  const abstraction: Abstraction = kind === 'simple' && capacity > 2 ? 'counts' : 'seats';
  const only = kind === 'shortest' ? undefined : abstraction === 'counts' ? coreMembershipMoves : membershipMoves;
  const large = kind === 'shortest' && capacity === 2;
  // The loss order is not in the snapshot: it is derived step by step as the traversal serializes.
  const lostOrders = new WeakMap<RoomSnapshot, string[]>();
  const lostOrderOf = (snapshot: RoomSnapshot): string[] => lostOrders.get(snapshot) ?? [];
  const serializeState = (snapshot: RoomSnapshot, event: RoomEvent | undefined, previous?: RoomSnapshot): string => {
    const order = previous === undefined ? [] : nextLostOrder(lostOrderOf(previous), snapshot.context.members);
    lostOrders.set(snapshot, order);
    const state = abstractState(abstraction, snapshot.value, snapshot.context.members, order);
    const last = event !== undefined && 'move' in event ? (event as WalkEvent).move.kind : 'create';
    return kind === 'shortest' ? `${state} after ${last}` : state;
  };
  const events = (snapshot: RoomSnapshot): WalkEvent[] => {
    if (snapshot.status !== 'active') return [];
    const draw = drawAbove(snapshot.context);
    return movesFor(snapshot.context.members, { large, only }).map((move) => ({
      ...eventFor(snapshot.context, lostOrderOf(snapshot), move, draw),
      move,
    }));
  };
  const generate = kind === 'shortest' ? getShortestPaths : getSimplePaths;
  const paths = generate(roomMachine, {
    input: { roomId: 'room', capacity, creator: { connection: 'c1', peerId: 'p1', token: 't1' } },
    events,
    serializeState,
    // Only the moves above: xstate/graph would otherwise add a bare `{ type }` for every other event the state handles.
    filterEvents: (_, event) => 'move' in event,
    limit: 100_000,
  });
  return paths.map((path) => {
    const steps = path.steps.filter((step) => 'move' in step.event) as Array<{ event: WalkEvent; state: RoomSnapshot }>;
    return {
      kind,
      capacity,
      abstraction,
      moves: steps.map((step) => step.event.move),
      states: steps.map((step) => abstractState(abstraction, step.state.value, step.state.context.members, lostOrderOf(step.state))),
      labels: steps.map((step) => ({ type: moveLabel(step.event.type, step.event.move) })),
    };
  });
}

/** The grace period of replayed rooms, in simulated milliseconds. */
export const replayGraceMs = 1_000;

/** A simulated clock that knows which of its timers are pending. */
class CountingClock extends SimulatedClock {
  readonly pending = new Set<number>();

  override setTimeout(fn: () => void, timeout: number): number {
    const id = super.setTimeout(() => this.pending.delete(id) && fn(), timeout);
    this.pending.add(id);
    return id;
  }

  override clearTimeout(id: number): void {
    this.pending.delete(id);
    super.clearTimeout(id);
  }
}

/**
 * Replays moves into a fresh `roomMachine` actor on a simulated clock, drawing ids `c<n>`,
 * `p<n>`, `t<n>` (the creator is 1) and recording what each step emits. `expire` advances the
 * clock to the deadline of the seat lost first; each loss happens a little later than the
 * step before, so no two seats share a deadline and one expiry never fires another.
 */
export class RoomReplay {
  readonly actor: Actor<typeof roomMachine>;
  /** The held seats' peer ids, earliest loss first. */
  lostOrder: string[] = [];
  /** What the room emitted on start (the creator's `member.joined`). */
  readonly created: RoomEmitted[];
  private readonly clock = new CountingClock();
  private readonly deadlines = new Map<string, number>();
  private emitted: RoomEmitted[] = [];
  private drawn = 1;

  constructor(capacity: number, inspect?: (event: InspectionEvent) => void) {
    const machine = roomMachine.provide({ delays: { resumeGrace: replayGraceMs } });
    const creator = { connection: 'c1', peerId: 'p1', token: 't1' };
    this.actor = createActor(machine, { clock: this.clock, inspect, input: { roomId: 'room', capacity, creator } });
    this.actor.on('*', (event) => this.emitted.push(event));
    this.actor.start();
    this.created = this.emitted.splice(0);
  }

  /** Timers started and neither fired nor cleared. */
  get pendingTimers(): number {
    return this.clock.pending.size;
  }

  get snapshot(): RoomSnapshot {
    return this.actor.getSnapshot();
  }

  /** Carries out `move`; returns the room event it stands for and what the room emitted. */
  step(move: RoomMove): { event: RoomEvent; emitted: RoomEmitted[] } {
    const event = eventFor(this.snapshot.context, this.lostOrder, move, () => ++this.drawn);
    const now = this.clock.now();
    if (event.type === 'grace.expired') this.clock.increment(this.deadlines.get(event.peerId)! - now);
    else {
      if (event.type === 'socket.lost') this.clock.increment(Math.min(1, (Math.min(now + 2, ...this.deadlines.values()) - now) / 2));
      this.actor.send(event);
    }
    this.lostOrder = nextLostOrder(this.lostOrder, this.snapshot.context.members);
    for (const peerId of this.deadlines.keys()) if (!this.lostOrder.includes(peerId)) this.deadlines.delete(peerId);
    for (const peerId of this.lostOrder) if (!this.deadlines.has(peerId)) this.deadlines.set(peerId, this.clock.now() + replayGraceMs);
    return { event, emitted: this.emitted.splice(0) };
  }
}
