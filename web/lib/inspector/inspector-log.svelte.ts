import { createSubscriber } from 'svelte/reactivity';
import type { ActorRefLike, InspectionEvent, Observer } from 'xstate';
import { RingBuffer } from './ring-buffer.ts';
import { summarizeEvent, type EventSummary } from './summarize-event.ts';

/** One line of the inspector's event log. */
export interface LogEntry extends EventSummary {
  /** Counts every line since the page opened; stable key for lists. */
  seq: number;
  /** Seconds since the call started (the latest `ui.create` or `ui.join`). */
  t: number;
}

/** How the log is kept; tests pass a clock and a small capacity. */
export interface InspectorLogOptions {
  /**
   * Lines kept. A two-person handshake takes about 30 lines and a reconnection about 20
   * more, so 500 holds a long call's story while staying around 50 KB.
   */
  capacity?: number;
  /** A monotonic clock in milliseconds; `performance.now()` by default. */
  now?: () => number;
}

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null ? (value as Fields) : null;
}

/**
 * The remote peer an event sent to `target` concerns: the `peerId` in the context of the
 * target or of its nearest parent that has one (a peer machine, for its connection actor).
 * Events for the call machine or its socket concern no peer.
 */
function peerIdOf(target: ActorRefLike): string | undefined {
  let actor: Fields | null = target as unknown as Fields;
  for (let depth = 0; actor && depth < 4; depth += 1) {
    const getSnapshot = actor.getSnapshot;
    const context = typeof getSnapshot === 'function' ? fieldsOf(fieldsOf(getSnapshot.call(actor))?.context) : null;
    if (typeof context?.peerId === 'string') return context.peerId;
    actor = fieldsOf(actor._parent);
  }
  return undefined;
}

/**
 * The handshake inspector's event log, fed by the call actor's inspection observer
 * (`createActor(machine, { inspect: log.observer })`).
 *
 * It records from the start of the call whether or not the panel is open, so opening the
 * panel late still shows how the handshake went. That recording has to cost next to
 * nothing, so the observer only
 * - returns at once for every inspection event but `@xstate.event` (snapshots, actions and
 *   microsteps are most of the traffic),
 * - keeps a short summary (a few strings and numbers: no SDP, no event object, no snapshot),
 *   so nothing large stays reachable from the log,
 * - writes into a fixed-size ring buffer (O(1), bounded memory), and
 * - notifies Svelte only while something renders the log (`createSubscriber`): with the
 *   panel closed there is no reactive work at all.
 */
export class InspectorLog {
  /** Pass to `createActor(…, { inspect })` (alone or beside other observers). */
  readonly observer: Observer<InspectionEvent>;
  readonly #buffer: RingBuffer<LogEntry>;
  readonly #now: () => number;
  readonly #subscribe: () => void;
  #notify: (() => void) | null = null;
  #seq = 0;
  #startedAt: number;

  constructor(options: InspectorLogOptions = {}) {
    this.#buffer = new RingBuffer(options.capacity ?? 500);
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
    this.#subscribe = createSubscriber((update) => {
      this.#notify = update;
      return () => {
        this.#notify = null;
      };
    });
    this.observer = { next: (inspection) => this.#record(inspection) };
  }

  /** The kept lines, oldest first; reactive when read in a template or effect. */
  get entries(): LogEntry[] {
    this.#subscribe();
    return this.#buffer.toArray();
  }

  /** How many of the oldest lines were dropped to stay within the capacity. */
  get dropped(): number {
    this.#subscribe();
    return this.#buffer.dropped;
  }

  #record(inspection: InspectionEvent): void {
    if (inspection.type !== '@xstate.event') return;
    const summary = summarizeEvent(inspection.event);
    if (!summary) return;
    const now = this.#now();
    if (summary.type === 'ui.create' || summary.type === 'ui.join') this.#startedAt = now;
    const peerId = summary.peerId ?? peerIdOf(inspection.actorRef);
    const entry: LogEntry = { ...summary, seq: this.#seq, t: (now - this.#startedAt) / 1000 };
    if (peerId !== undefined) entry.peerId = peerId;
    this.#seq += 1;
    this.#buffer.push(entry);
    this.#notify?.();
  }
}
