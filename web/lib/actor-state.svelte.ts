import { createSubscriber } from 'svelte/reactivity';
import type { AnyActorRef, EventFrom, SnapshotFrom } from 'xstate';

/**
 * An xstate actor seen as rune state: reading `snapshot` in a template, `$derived` or effect
 * re-runs it whenever the actor emits a new snapshot. The actor is subscribed only while
 * something reads it, and unsubscribed when the last reader is destroyed, so spawned child
 * actors (one per remote peer) need no manual cleanup.
 */
export class ActorState<TActor extends AnyActorRef> {
  /** The wrapped actor, for sending events and for identity checks. */
  readonly actor: TActor;
  readonly #subscribe: () => void;

  constructor(actor: TActor) {
    this.actor = actor;
    this.#subscribe = createSubscriber((update) => {
      // xstate reports a snapshot after every event, and hands back the same object when the
      // event changed nothing (a transition that only sends, as each ICE candidate does): only
      // a new one makes readers re-run.
      let seen = actor.getSnapshot();
      const next = (snapshot: unknown) => {
        if (snapshot === seen) return;
        seen = snapshot;
        update();
      };
      // `error` and `complete` also change what the snapshot says (status), so re-read then too.
      const subscription = actor.subscribe({ next, error: update, complete: update });
      return () => subscription.unsubscribe();
    });
  }

  /** The actor's current snapshot; reactive when read inside a reactive context. */
  get snapshot(): SnapshotFrom<TActor> {
    this.#subscribe();
    return this.actor.getSnapshot() as SnapshotFrom<TActor>;
  }

  /** Sends an event to the actor. */
  send(event: EventFrom<TActor>): void {
    this.actor.send(event);
  }
}
