import { flushSync, tick } from 'svelte';
import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine, setup, type ActorRefFrom } from 'xstate';
import { ActorState } from '../../web/lib/actor-state.svelte.ts';

const switchMachine = createMachine({
  id: 'switch',
  initial: 'off',
  states: {
    off: { on: { 'ui.toggle': 'on' } },
    on: { on: { 'ui.toggle': 'off' } },
  },
});

/** A parent that spawns one child per `ui.add`, like the call spawning a peer per remote person. */
const parentMachine = setup({
  types: { context: {} as { children: ActorRefFrom<typeof switchMachine>[] } },
  actors: { switchMachine },
}).createMachine({
  context: { children: [] },
  on: {
    'ui.add': {
      actions: assign({ children: ({ context, spawn }) => [...context.children, spawn('switchMachine')] }),
    },
  },
});

/** Runs `read` in an effect, the way a template reads rune state, and records each value. */
function track<T>(read: () => T): { seen: T[]; stop: () => void } {
  const seen: T[] = [];
  const stop = $effect.root(() => {
    $effect(() => {
      seen.push(read());
    });
  });
  flushSync();
  return { seen, stop };
}

describe('actor state', () => {
  describe('happy path', () => {
    it('re-renders readers on every new snapshot', () => {
      const actor = createActor(switchMachine).start();
      const state = new ActorState(actor);
      const { seen, stop } = track(() => state.snapshot.value);

      state.send({ type: 'ui.toggle' });
      flushSync();
      state.send({ type: 'ui.toggle' });
      flushSync();

      expect(seen).toEqual(['off', 'on', 'off']);
      stop();
    });

    it('leaves readers alone when an event changed nothing, as a send-only transition', () => {
      const relay = setup({ types: { events: {} as { type: 'pc.candidate' } | { type: 'ui.toggle' } } }).createMachine({
        initial: 'off',
        states: { off: { on: { 'ui.toggle': 'on' } }, on: {} },
        on: { 'pc.candidate': { actions: () => {} } },
      });
      const state = new ActorState(createActor(relay).start());
      let reads = 0;
      const { stop } = track(() => {
        reads += 1;
        return state.snapshot.value;
      });

      for (let candidate = 0; candidate < 5; candidate++) state.send({ type: 'pc.candidate' });
      flushSync();
      state.send({ type: 'ui.toggle' });
      flushSync();

      expect(reads).toBe(2);
      stop();
    });

    it('follows a spawned child actor', () => {
      const parent = createActor(parentMachine).start();
      parent.send({ type: 'ui.add' });
      const child = new ActorState(parent.getSnapshot().context.children[0]!);
      const { seen, stop } = track(() => child.snapshot.value);

      child.send({ type: 'ui.toggle' });
      flushSync();

      expect(seen).toEqual(['off', 'on']);
      stop();
    });

    it('reads the current snapshot outside any reactive context', () => {
      const actor = createActor(switchMachine).start();
      const state = new ActorState(actor);
      actor.send({ type: 'ui.toggle' });
      expect(state.snapshot.value).toBe('on');
    });
  });

  describe('failure', () => {
    it('stops listening to the actor once no reader is left', async () => {
      const actor = createActor(switchMachine).start();
      const state = new ActorState(actor);
      const { seen, stop } = track(() => state.snapshot.value);

      stop();
      await tick();
      actor.send({ type: 'ui.toggle' });
      flushSync();

      expect(seen).toEqual(['off']);
      // xstate keeps its observers in a private set; none must be left behind.
      expect((actor as unknown as { observers: Set<unknown> }).observers.size).toBe(0);
    });

    it('re-reads the snapshot when the actor stops', () => {
      const actor = createActor(switchMachine).start();
      const state = new ActorState(actor);
      const { seen, stop } = track(() => state.snapshot.status);

      actor.stop();
      flushSync();

      expect(seen).toEqual(['active', 'stopped']);
      stop();
    });
  });
});
