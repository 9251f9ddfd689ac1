import { createActor, type Actor, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { TimerClock } from './timer-clock.ts';
import { roomMachine, type Member, type RoomContext, type RoomEmitted, type RoomEvent } from '../../machines/room-machine.ts';

/**
 * Paths through `roomMachine` for model-based tests, generated with `xstate/graph`.
 *
 * A path is a list of *moves*: what someone does, naming members by their rank among the
 * connected or the held seats (in join order) rather than by id. Ids are drawn by whoever
 * replays the path (the machine test draws its own, the server random ones), so one path
 * replays into any run, and two rooms that look alike (`abstractState`) accept the same moves.
 */

/** What can happen to a room, one kind per case of docs/protocol.md's room rules. */
export type MoveKind =
  | 'join' // a new connection joins
  | 'join-wrong-token' // a new connection joins with a resume token nobody holds
  | 'resume' // a new connection resumes a held seat with its token
  | 'replace' // a new connection resumes a seat whose socket still looks alive
  | 'return' // a new connection brings back a seat from before the server lost the room
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

/** `seats`: each seat in join order, with what was sent to it while held; `counts`: how many seats are taken and held. */
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

/**
 * What a walk did to a room that the room's own state need not show, kept beside it step by
 * step: the order its held seats were lost in (only the first can expire next), and the
 * signals sent to each held seat since its loss. Paths are told apart by what was *sent*, not
 * by what the machine kept, so a machine that queues wrongly still walks the same paths.
 */
export interface WalkNotes {
  /** Held seats' peer ids, earliest loss first. */
  readonly lostOrder: readonly string[];
  /** Per held seat: signals sent to it since its loss, and how many of them were large. */
  readonly sent: Readonly<Record<string, { signals: number; large: number }>>;
}

/** The notes of a room that was just created. */
export const freshNotes: WalkNotes = { lostOrder: [], sent: {} };

/** The notes after `event`, from `notes` before it and the room's `members` after it. */
export function nextNotes(notes: WalkNotes, event: RoomEvent | undefined, members: readonly Member[]): WalkNotes {
  const held = seatsOf(members).held.map((member) => member.peerId);
  const lostOrder = [...notes.lostOrder.filter((peerId) => held.includes(peerId)), ...held.filter((peerId) => !notes.lostOrder.includes(peerId))];
  const sent: Record<string, { signals: number; large: number }> = {};
  for (const peerId of lostOrder) sent[peerId] = notes.sent[peerId] ?? { signals: 0, large: 0 };
  if (event?.type === 'client.signal' && notes.lostOrder.includes(event.to) && sent[event.to] !== undefined) {
    const { signals, large } = sent[event.to]!;
    sent[event.to] = { signals: signals + 1, large: large + ('padding' in event.data ? 1 : 0) };
  }
  return { lostOrder, sent };
}

/** Connected members and held seats, each in join order. */
export function seatsOf(members: readonly Member[]): { connected: Member[]; held: Member[] } {
  return { connected: members.filter((member) => member.connection !== null), held: members.filter((member) => member.connection === null) };
}

/**
 * The room event for `move` in a room whose state is `context`, with `notes`; `draw()` gives a
 * fresh number for the ids of a new connection. Signals to a held seat are numbered (`seq`)
 * from 1 since its loss. Throws if the move is impossible there: the replay left its path.
 */
export function eventFor(context: RoomContext, notes: WalkNotes, move: RoomMove, draw: () => number): RoomEvent {
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
    case 'replace':
    case 'return': {
      const n = draw();
      const fresh = { type: 'client.join' as const, connection: `c${n}`, peerId: `p${n}`, token: `t${n}` };
      if (move.kind === 'join') return fresh;
      if (move.kind === 'return') return { ...fresh, resume: `o${n}`, returning: `r${n}` };
      if (move.kind === 'join-wrong-token') return { ...fresh, resume: wrongToken };
      return { ...fresh, resume: pick(move.kind === 'resume' ? held : connected, move.member).token };
    }
    case 'signal':
      return { type: 'client.signal', connection: connection(), to: pick(connected, move.target).peerId, data: { seq: 1 } };
    case 'signal-held':
    case 'signal-held-large': {
      const to = pick(held, move.target).peerId;
      const seq = (notes.sent[to]?.signals ?? 0) + 1;
      const data = move.kind === 'signal-held-large' ? { seq, padding: 'x'.repeat(largePadding) } : { seq };
      return { type: 'client.signal', connection: connection(), to, data };
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
      if (notes.lostOrder[0] === undefined) throw new Error('no seat is held, none can expire');
      return { type: 'grace.expired', peerId: notes.lostOrder[0] };
  }
}

/**
 * Every move possible in a room with `members`. Only the seat lost first can expire next:
 * every seat is held equally long.
 */
export function movesFor(members: readonly Member[], options: { large: boolean; only?: readonly MoveKind[] }): RoomMove[] {
  const { connected, held } = seatsOf(members);
  const moves: RoomMove[] = [{ kind: 'join' }, { kind: 'join-wrong-token' }, { kind: 'return' }];
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

/** What was sent to a held seat since its loss: nothing, small signals only, 1–4 large ones, or more than fit (5+). */
function sentShape(sent: { signals: number; large: number } | undefined): string {
  if (sent === undefined || sent.signals === 0) return 'empty';
  return sent.large === 0 ? 'small' : sent.large >= 5 ? 'overflowing' : `${sent.large}L`;
}

/**
 * A room, ids left out. `seats`: its state, each seat in join order (connected, or held with
 * what was sent to it), and the order the held seats were lost in. `counts`: its state, and
 * how many seats are taken and held.
 */
export function abstractState(abstraction: Abstraction, value: unknown, members: readonly Member[], notes: WalkNotes): string {
  if (abstraction === 'counts') return `${String(value)} ${members.length} taken, ${seatsOf(members).held.length} held`;
  const seats = members.map((member) => (member.connection === null ? `held:${sentShape(notes.sent[member.peerId])}` : 'on'));
  const lost = notes.lostOrder.map((peerId) => members.findIndex((member) => member.peerId === peerId));
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
 *   so queues pass the byte bound (at 3 they would multiply two held seats' states for nothing new).
 * - `simple`: every simple path between abstract states, over the moves that change membership
 *   (orders of joins, losses, resumes and expiries). At capacity 2 over `seats` with all of them;
 *   at capacity 3 over `counts` with join, resume, leave, lose and expire, which keeps the number
 *   of simple paths in the hundreds instead of the millions.
 */
export function roomPaths({ kind, capacity }: RoomPathOptions): RoomPath[] {
  const abstraction: Abstraction = kind === 'simple' && capacity > 2 ? 'counts' : 'seats';
  const only = kind === 'shortest' ? undefined : abstraction === 'counts' ? coreMembershipMoves : membershipMoves;
  const large = kind === 'shortest' && capacity === 2;
  // Notes are not in the snapshot: they are derived step by step as the traversal serializes.
  const notes = new WeakMap<RoomSnapshot, WalkNotes>();
  const notesOf = (snapshot: RoomSnapshot): WalkNotes => notes.get(snapshot) ?? freshNotes;
  const serializeState = (snapshot: RoomSnapshot, event: RoomEvent | undefined, previous?: RoomSnapshot): string => {
    const next = previous === undefined ? freshNotes : nextNotes(notesOf(previous), event, snapshot.context.members);
    notes.set(snapshot, next);
    const state = abstractState(abstraction, snapshot.value, snapshot.context.members, next);
    const last = event !== undefined && 'move' in event ? (event as WalkEvent).move.kind : 'create';
    return kind === 'shortest' ? `${state} after ${last}` : state;
  };
  const events = (snapshot: RoomSnapshot): WalkEvent[] => {
    if (snapshot.status !== 'active') return [];
    const draw = drawAbove(snapshot.context);
    return movesFor(snapshot.context.members, { large, only }).map((move) => ({
      ...eventFor(snapshot.context, notesOf(snapshot), move, draw),
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
      states: steps.map((step) => abstractState(abstraction, step.state.value, step.state.context.members, notesOf(step.state))),
      labels: steps.map((step) => ({ type: moveLabel(step.event.type, step.event.move) })),
    };
  });
}

/** The grace period of replayed rooms, in simulated milliseconds. */
export const replayGraceMs = 1_000;

/**
 * Replays moves into a fresh `roomMachine` actor on a simulated clock, drawing ids `c<n>`,
 * `p<n>`, `t<n>` (the creator is 1) and recording what each step emits. `expire` advances the
 * clock to the deadline of the seat lost first; each loss happens a little later than the
 * step before, so no two seats share a deadline and one expiry never fires another.
 */
export class RoomReplay {
  readonly actor: Actor<typeof roomMachine>;
  /** What the replay did that the room does not show (loss order, signals sent to held seats). */
  notes: WalkNotes = freshNotes;
  /** What the room emitted on start (the creator's `member.joined`). */
  readonly created: RoomEmitted[];
  private readonly clock = new TimerClock();
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
    return this.clock.pending;
  }

  get snapshot(): RoomSnapshot {
    return this.actor.getSnapshot();
  }

  /** Carries out `move`; returns the room event it stands for and what the room emitted. */
  step(move: RoomMove): { event: RoomEvent; emitted: RoomEmitted[] } {
    const event = eventFor(this.snapshot.context, this.notes, move, () => ++this.drawn);
    const now = this.clock.now();
    if (event.type === 'grace.expired') this.clock.increment(this.deadlines.get(event.peerId)! - now);
    else {
      // A loss comes a moment after the step before (at most 1 ms, and before any pending deadline).
      if (event.type === 'socket.lost') this.clock.increment(Math.min(2, ...[...this.deadlines.values()].map((deadline) => deadline - now)) / 2);
      this.actor.send(event);
    }
    this.notes = nextNotes(this.notes, event, this.snapshot.context.members);
    const { lostOrder } = this.notes;
    for (const peerId of this.deadlines.keys()) if (!lostOrder.includes(peerId)) this.deadlines.delete(peerId);
    for (const peerId of lostOrder) if (!this.deadlines.has(peerId)) this.deadlines.set(peerId, this.clock.now() + replayGraceMs);
    return { event, emitted: this.emitted.splice(0) };
  }
}
