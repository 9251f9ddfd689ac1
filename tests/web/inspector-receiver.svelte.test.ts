import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Receiver from '../../web/inspector/Receiver.svelte';
import { ReceivedActors } from '../../web/lib/inspector/received-actors.svelte.ts';

/** Inspection events shaped as @statelyai/inspect's browser inspector posts them. */
const base = { _version: '0.7.2', rootId: 'x:0', id: null as unknown as string, createdAt: '1700000000000' };

function registered(sessionId: string, name: string, parentId: string | undefined, value?: unknown): StatelyInspectionEvent {
  return { ...base, type: '@xstate.actor', sessionId, name, parentId, definition: undefined, snapshot: { status: 'active', value } };
}

function snapshot(sessionId: string, value: unknown, status = 'active'): StatelyInspectionEvent {
  return { ...base, type: '@xstate.snapshot', sessionId, snapshot: { status, value } as never, event: { type: 'x' } };
}

function event(sessionId: string, sourceId: string | undefined, payload: { type: string; [key: string]: unknown }, at = 1700000000000): StatelyInspectionEvent {
  return { ...base, createdAt: String(at), type: '@xstate.event', sessionId, sourceId, event: payload };
}

/** A call with its socket, one peer and that peer's connection, as the call page reports them. */
function callActors(): ReceivedActors {
  const actors = new ReceivedActors();
  for (const inspection of [
    registered('x:0', 'call', undefined, 'lobby'),
    registered('x:1', 'socket', 'x:0'),
    registered('x:2', 'peer:self:b7f3Kq9xZ2aW', 'x:0', 'idle'),
    registered('x:3', 'pc', 'x:2'),
    snapshot('x:0', 'inCall'),
    snapshot('x:2', { active: { connection: 'connected', negotiation: 'stable' } }),
  ]) {
    actors.receive(inspection);
  }
  return actors;
}

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.replaceChildren();
});

describe('state inspector page', () => {
  describe('happy path', () => {
    it('lists every actor under its parent with its current state', () => {
      const rows = callActors().rows.map(({ actor, depth }) => [actor.name, depth, actor.state]);
      expect(rows).toEqual([
        ['call', 0, 'inCall'],
        ['socket', 1, ''],
        ['peer:self:b7f3Kq9xZ2aW', 1, 'active.connection.connected, active.negotiation.stable'],
        ['pc', 2, ''],
      ]);
    });

    it('keeps each actor\'s most recent events, newest first, with their sender and message type', () => {
      const actors = callActors();
      for (let index = 0; index < 15; index += 1) {
        actors.receive(event('x:0', 'x:1', { type: 'socket.message', message: { type: index % 2 ? 'signal' : 'pong' } }, 1700000000000 + index * 100));
      }
      actors.receive(event('x:0', undefined, { type: 'ui.hangUp' }, 1700000002000));

      const call = actors.rows[0]!.actor;
      expect(call.events).toHaveLength(12);
      expect(call.events[0]).toMatchObject({ type: 'ui.hangUp', from: null, detail: '', t: 2 });
      expect(call.events[1]).toMatchObject({ type: 'socket.message', from: 'socket', detail: 'pong', t: 1.4 });
    });

    it('shows the status an actor ends in', () => {
      const actors = callActors();
      actors.receive(snapshot('x:2', 'closed', 'done'));
      expect(actors.rows[2]!.actor).toMatchObject({ status: 'done', state: 'closed' });
    });

    it('renders the actors and their states, and updates them live', () => {
      const actors = callActors();
      const target = document.createElement('div');
      document.body.append(target);
      component = mount(Receiver, { target, props: { actors, hasOpener: true } });
      flushSync();
      const shown = () =>
        [...target.querySelectorAll<HTMLElement>('[data-testid="receiver-actor"]')].map((node) => [
          node.dataset.actorName,
          node.querySelector('[data-testid="receiver-actor-state"]')?.textContent,
        ]);
      expect(shown()).toEqual([
        ['call', 'inCall'],
        ['socket', '(no states)'],
        ['peer:self:b7f3Kq9xZ2aW', 'active.connection.connected, active.negotiation.stable'],
        ['pc', '(no states)'],
      ]);

      actors.receive(snapshot('x:2', { active: { connection: 'reconnecting', negotiation: 'makingOffer' } }));
      flushSync();
      expect(shown()[2]).toEqual(['peer:self:b7f3Kq9xZ2aW', 'active.connection.reconnecting, active.negotiation.makingOffer']);
    });
  });

  describe('before or without a call page', () => {
    it('says it waits for the call page, or how to open it with one', () => {
      const target = document.createElement('div');
      document.body.append(target);
      component = mount(Receiver, { target, props: { actors: new ReceivedActors(), hasOpener: true } });
      expect(target.querySelector('[role="status"]')?.textContent?.trim()).toBe('Waiting for the call page…');
      unmount(component);
      component = mount(Receiver, { target, props: { actors: new ReceivedActors(), hasOpener: false } });
      expect(target.querySelector('[role="status"]')?.textContent).toMatch(/\?inspect/);
    });

    it('still shows an actor whose registration it missed, by its session id', () => {
      const actors = new ReceivedActors();
      actors.receive(snapshot('x:7', { media: 'cameraAndMic' }));
      actors.receive(event('x:7', 'x:9', { type: 'ui.hangUp' }));
      expect(actors.rows.map(({ actor }) => [actor.name, actor.state, actor.events[0]?.from])).toEqual([['x:7', 'media.cameraAndMic', 'x:9']]);
    });
  });
});
