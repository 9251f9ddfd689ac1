import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { statePaths } from './state-paths.ts';

/** One event an actor received, as the receiver page lists it. */
export interface ReceivedEvent {
  /** Counts every event received; stable key for lists. */
  seq: number;
  type: string;
  /** The type of the message it carries, for socket traffic (`socket.message` → `signal`); else empty. */
  detail: string;
  /** The sending actor's name, or `null` when it came from outside (the page). */
  from: string | null;
  /** Seconds since the first inspection event the receiver got. */
  t: number;
}

/** One actor of the inspected page, as the receiver page shows it. */
export interface ReceivedActor {
  sessionId: string;
  /** The actor's id (`call`, `peer:<self>:<remote>`, `socket`, `pc`), or its session id until known. */
  name: string;
  parentId: string | null;
  /** `active`, `done`, `error` or `stopped`. */
  status: string;
  /** Its active states as dotted paths (`active.connection.connected, active.negotiation.stable`); empty for actors without states. */
  state: string;
  /** The most recent events it received, newest first. */
  events: ReceivedEvent[];
}

/** An actor and how deep it sits under the root, for indenting. */
export interface ReceivedActorRow {
  actor: ReceivedActor;
  depth: number;
}

/**
 * Recent events kept per actor: enough to see the last handshake steps of a peer, few
 * enough for a page that stays open through a long call.
 */
const eventsPerActor = 12;

interface InspectedSnapshot {
  status?: string;
  value?: unknown;
}

/**
 * The receiver page's model: every actor an @statelyai/inspect browser inspector reported
 * (`@xstate.actor`), its latest snapshot (`@xstate.snapshot`) and its recent events
 * (`@xstate.event`), as rune state.
 */
export class ReceivedActors {
  /** Actors in the order they were first reported. */
  actors = $state<ReceivedActor[]>([]);
  readonly #bySession = new Map<string, ReceivedActor>();
  #firstAt: number | null = null;
  #seq = 0;

  /** Actors with each parent before its children, in the order they were reported. */
  get rows(): ReceivedActorRow[] {
    const known = new Set(this.actors.map((actor) => actor.sessionId));
    const rows: ReceivedActorRow[] = [];
    const visit = (parentId: string | null, depth: number) => {
      for (const actor of this.actors) {
        const parent = actor.parentId !== null && known.has(actor.parentId) ? actor.parentId : null;
        if (parent !== parentId) continue;
        rows.push({ actor, depth });
        visit(actor.sessionId, depth + 1);
      }
    };
    visit(null, 0);
    return rows;
  }

  /** Applies one inspection event from the inspected page. */
  receive(event: StatelyInspectionEvent): void {
    const at = Number(event.createdAt);
    const now = Number.isFinite(at) ? at : Date.now();
    this.#firstAt ??= now;
    switch (event.type) {
      case '@xstate.actor': {
        const actor = this.#actor(event.sessionId);
        actor.name = event.name || event.sessionId;
        actor.parentId = event.parentId ?? null;
        this.#applySnapshot(actor, event.snapshot);
        return;
      }
      case '@xstate.snapshot':
        this.#applySnapshot(this.#actor(event.sessionId), event.snapshot);
        return;
      case '@xstate.event': {
        const actor = this.#actor(event.sessionId);
        const from = event.sourceId ? (this.#bySession.get(event.sourceId)?.name ?? event.sourceId) : null;
        const type = typeof event.event?.type === 'string' ? event.event.type : '(no type)';
        const message: unknown = event.event?.message;
        const detail = typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' ? (message as { type: string }).type : '';
        actor.events.unshift({ seq: this.#seq, type, detail, from, t: (now - this.#firstAt) / 1000 });
        this.#seq += 1;
        if (actor.events.length > eventsPerActor) actor.events.length = eventsPerActor;
        return;
      }
    }
  }

  #applySnapshot(actor: ReceivedActor, snapshot: InspectedSnapshot | undefined): void {
    if (!snapshot) return;
    if (typeof snapshot.status === 'string') actor.status = snapshot.status;
    const paths = statePaths(snapshot.value as Parameters<typeof statePaths>[0]);
    if (paths.length > 0) actor.state = paths.join(', ');
  }

  #actor(sessionId: string): ReceivedActor {
    const known = this.#bySession.get(sessionId);
    if (known) return known;
    this.actors.push({ sessionId, name: sessionId, parentId: null, status: 'active', state: '', events: [] });
    // The reactive proxy, not the plain object: changes through it update the page.
    const actor = this.actors[this.actors.length - 1]!;
    this.#bySession.set(sessionId, actor);
    return actor;
  }
}
