import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { roomMachine, RoomEmitted, RoomEvent, RoomInput } from '../machines/room-machine.ts';

/** A room's snapshot, as `roomMachine` makes it. */
export type RoomSnapshot = SnapshotFrom<typeof roomMachine>;

/**
 * What the server reads of a room's snapshot. The room machine has no history states, tags
 * or children, so these three say everything; `RoomHost` keeps no more than them.
 */
export type RoomState = Pick<RoomSnapshot, 'status' | 'value' | 'context'>;

/** Told of every new state of a room (`next`), and once when the room has ended (`complete`). */
export interface RoomObserver {
  next?(state: RoomState): void;
  complete?(): void;
}

/**
 * What the server uses of a running room. `RoomHost` is one; an xstate actor of `roomMachine`
 * is another (the rooms plugin makes one when rooms are inspected, server/plugins/room-inspection.ts).
 */
export interface RoomActor {
  /** Hands the room an event; events sent while it is busy with one are handled after it, in order. */
  send(event: RoomEvent): void;
  getSnapshot(): RoomState;
  subscribe(observer: RoomObserver): { unsubscribe(): void };
  start(): unknown;
  /** Ends the room now: its timers are cleared and its observers completed. */
  stop(): unknown;
}

/** One action of a transition that the host carries out (assignments are already in the snapshot). */
interface HostedAction {
  type: string;
  params?: unknown;
}

/**
 * Runs one room of `roomMachine` with xstate's pure `initialTransition()` and `transition()`:
 * the machine decides everything, as it does in an actor, and the host only keeps the
 * room's state, carries out what the transition returns (emitted events to the sink, the delayed
 * `grace.expired` as a timer, its cancellation) and tells its observers, in the order an
 * actor would (emits first, then observers; on reaching the final state, `complete`).
 *
 * Why not `createActor`: an idle actor keeps its own actor system, mailbox, scheduler and
 * listener maps, about 5.5 KiB per room of two; the host keeps the state, the sink and
 * its observers (docs/performance.md). Timers exist only while a seat is held.
 *
 * Between events the host keeps `RoomState`, not the whole snapshot: a snapshot also holds a
 * set of tags, its state nodes, history and children, about 300 bytes per room, and
 * `machine.resolveState()` makes it again from the state when the next event comes.
 */
export class RoomHost implements RoomActor {
  private state: RoomState | undefined;
  /** Replaced, never grown in place: an array built by `push` keeps 17 slots for one observer. */
  private observers: readonly RoomObserver[] = [];
  private timers: Map<string, NodeJS.Timeout> | undefined;
  /** Events sent while one is handled; `undefined` when the host is idle. */
  private pending: RoomEvent[] | undefined;
  private stopped = false;

  constructor(
    private readonly machine: typeof roomMachine,
    /** Needed only to start; let go of then. */
    private input: RoomInput | undefined,
    private readonly sink: (event: RoomEmitted, room: RoomHost) => void,
  ) {}

  /** Enters the machine's initial state (the creator is admitted). */
  start(): void {
    if (this.input === undefined || this.stopped) return;
    this.pending = [];
    const [snapshot, actions] = initialTransition(this.machine, this.input);
    this.input = undefined;
    this.settle(snapshot, actions);
  }

  send(event: RoomEvent): void {
    if (this.stopped || this.state?.status !== 'active') return;
    if (this.pending !== undefined) {
      this.pending.push(event);
      return;
    }
    this.pending = [];
    const { value, context } = this.state;
    const [snapshot, actions] = transition(this.machine, this.machine.resolveState({ value, context }), event);
    this.settle(snapshot, actions);
  }

  getSnapshot(): RoomState {
    if (this.state === undefined) throw new Error('the room has not started');
    return this.state;
  }

  subscribe(observer: RoomObserver): { unsubscribe(): void } {
    this.observers = this.observers.concat([observer]);
    return {
      unsubscribe: () => {
        this.observers = this.observers.filter((each) => each !== observer);
      },
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending = undefined;
    this.clearTimers();
    if (this.state !== undefined && this.state.status === 'active') this.state = { ...this.state, status: 'stopped' };
    for (const observer of this.observers) observer.complete?.();
  }

  /** Takes `snapshot`, carries out `actions`, tells the observers, then handles what was sent meanwhile. */
  private settle(snapshot: RoomSnapshot, actions: readonly HostedAction[]): void {
    for (;;) {
      const state: RoomState = { status: snapshot.status, value: snapshot.value, context: snapshot.context };
      this.state = state;
      for (const action of actions) this.carryOut(action);
      // A copy: an observer may unsubscribe while it is told.
      for (const observer of this.observers) observer.next?.(state);
      if (snapshot.status !== 'active') {
        this.stop();
        return;
      }
      const next = this.pending?.shift();
      if (next === undefined || this.stopped) break;
      [snapshot, actions] = transition(this.machine, snapshot, next);
    }
    this.pending = undefined;
  }

  private carryOut(action: HostedAction): void {
    switch (action.type) {
      case 'xstate.emit':
        this.sink((action.params as { event: RoomEmitted }).event, this);
        return;
      case 'xstate.raise': {
        // The machine raises only delayed events (a held seat's `grace.expired`), each with an id.
        const { event, delay, id } = action.params as { event: RoomEvent; delay?: number; id?: string };
        if (delay === undefined || id === undefined) break;
        this.cancel(id);
        this.timers ??= new Map();
        this.timers.set(id, setTimeout(() => {
          this.cancel(id);
          this.send(event);
        }, delay));
        return;
      }
      case 'xstate.cancel':
        this.cancel((action.params as { sendId: string }).sendId);
        return;
    }
    throw new Error(`the room host cannot carry out ${action.type}`);
  }

  private cancel(id: string): void {
    const timer = this.timers?.get(id);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers!.delete(id);
    if (this.timers!.size === 0) this.timers = undefined;
  }

  private clearTimers(): void {
    for (const timer of this.timers?.values() ?? []) clearTimeout(timer);
    this.timers = undefined;
  }
}
