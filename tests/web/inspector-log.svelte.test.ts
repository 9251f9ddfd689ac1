import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, createMachine, type InspectionEvent } from 'xstate';
import { InspectorLog } from '../../web/lib/inspector/inspector-log.svelte.ts';
import { logExport } from '../../web/lib/inspector/log-export.ts';
import { RingBuffer } from '../../web/lib/inspector/ring-buffer.ts';
import { startInspectedCall } from './inspector-call.ts';

let stopCall: (() => void) | undefined;

afterEach(() => {
  stopCall?.();
  stopCall = undefined;
});

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** An `@xstate.event` inspection event for `event`, sent to an actor without context. */
function sent(event: { type: string; [key: string]: unknown }): InspectionEvent {
  const actorRef = { getSnapshot: () => ({ status: 'active' }) } as unknown as InspectionEvent['actorRef'];
  return { type: '@xstate.event', rootId: 'x:0', actorRef, sourceRef: undefined, event };
}

describe('inspector log', () => {
  describe('happy path', () => {
    it('holds the whole handshake since the call started, for a panel opened late', async () => {
      const clock = manualClock();
      const call = startInspectedCall({ now: clock.now });
      stopCall = () => call.actor.stop();
      clock.advance(5_000);
      await call.enter();
      clock.advance(1_234);
      call.connect('b7f3Kq9xZ2aW');

      const texts = call.log.entries.map((entry) => entry.text);
      expect(texts).toEqual(
        expect.arrayContaining([
          'create a room',
          'peer-joined b7f3…',
          'offer received, 5.4 KB',
          'remote offer applied',
          'host candidate udp received',
          'end of candidates received',
          'host candidate udp sent',
          'end of candidates sent',
          'ICE connected',
        ]),
      );
      expect(texts.some((text) => /^answer sent, \d+ B$/.test(text))).toBe(true);
      // Times count from the person's "create", not from when the page opened.
      expect(call.log.entries[0]).toMatchObject({ type: 'ui.create', t: 0 });
      expect(call.log.entries.find((entry) => entry.text === 'ICE connected')?.t).toBeCloseTo(1.234, 6);
    });

    it('says which peer each handshake line concerns, and none for the call\'s own', async () => {
      const call = startInspectedCall({ capacity: 3 });
      stopCall = () => call.actor.stop();
      await call.enter();
      call.connect('peer-bbbbbbb');
      call.connect('peer-ccccccc');

      const byText = (text: string) => call.log.entries.filter((entry) => entry.text === text).map((entry) => entry.peerId);
      expect(byText('ICE connected')).toEqual(['peer-bbbbbbb', 'peer-ccccccc']);
      expect(byText('offer received, 5.4 KB')).toEqual(['peer-bbbbbbb', 'peer-ccccccc']);
      expect(byText('create a room')).toEqual([undefined]);
    });

    it('restarts the clock when a new call starts', () => {
      const clock = manualClock();
      const log = new InspectorLog({ now: clock.now });
      log.observer.next?.(sent({ type: 'ui.create' }));
      clock.advance(2_000);
      log.observer.next?.(sent({ type: 'ui.hangUp' }));
      clock.advance(3_000);
      log.observer.next?.(sent({ type: 'ui.join', roomId: '0b7e4c1a' }));
      clock.advance(500);
      log.observer.next?.(sent({ type: 'socket.open' }));

      expect(log.entries.map((entry) => [entry.text, entry.t])).toEqual([
        ['create a room', 0],
        ['hang up', 2],
        ['join room 0b7e…', 0],
        ['socket open', 0.5],
      ]);
    });

    it('updates what reads it as events arrive', () => {
      const log = new InspectorLog();
      const seen: number[] = [];
      const stop = $effect.root(() => {
        $effect(() => {
          seen.push(log.entries.length);
        });
      });
      flushSync();
      log.observer.next?.(sent({ type: 'ui.create' }));
      flushSync();
      log.observer.next?.(sent({ type: 'socket.open' }));
      flushSync();
      stop();
      expect(seen).toEqual([0, 1, 2]);
    });

    it('exports the lines without addresses or SDP, with sizes and candidate types', async () => {
      const call = startInspectedCall();
      stopCall = () => call.actor.stop();
      await call.enter();
      call.connect('b7f3Kq9xZ2aW');

      const exported = logExport({ entries: call.log.entries, dropped: 0, callState: 'inCall', peers: [{ peerId: 'b7f3Kq9xZ2aW', state: 'connected' }], exportedAt: new Date(0) });
      const file = JSON.stringify(exported);
      expect(exported.entries.find((entry) => entry.text.startsWith('offer received'))).toMatchObject({ type: 'signal.description', bytes: 5530, peerId: 'b7f3Kq9xZ2aW' });
      expect(exported.entries.find((entry) => entry.text === 'host candidate udp received')).toMatchObject({ candidateType: 'host', protocol: 'udp' });
      expect(file).not.toMatch(/\d{1,3}(\.\d{1,3}){3}|candidate:|IN IP4|0b7e4c1a-2f3d/);
      expect(exported).toMatchObject({ format: 'parley-inspector-log', version: 1, exportedAt: '1970-01-01T00:00:00.000Z', call: { state: 'inCall' } });
    });
  });

  describe('bounds', () => {
    it('keeps only the newest lines past its capacity and counts the dropped ones', () => {
      const log = new InspectorLog({ capacity: 3 });
      for (const code of [1001, 1002, 1003, 1004, 1005]) log.observer.next?.(sent({ type: 'socket.closed', code }));
      expect(log.entries.map((entry) => entry.text)).toEqual(['socket closed, code 1003', 'socket closed, code 1004', 'socket closed, code 1005']);
      expect(log.dropped).toBe(2);
    });

    it('ignores snapshots, actions and microsteps, which are most of what the observer sees', () => {
      const machine = createMachine({ initial: 'a', states: { a: { entry: () => {}, on: { go: 'b' } }, b: {} } });
      const log = new InspectorLog();
      const seen: string[] = [];
      const actor = createActor(machine, {
        inspect: (event) => {
          seen.push(event.type);
          log.observer.next?.(event);
        },
      });
      actor.start();
      actor.send({ type: 'go' });
      actor.stop();
      expect([...new Set(seen)]).toEqual(expect.arrayContaining(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']));
      // `xstate.init` is skipped; the unknown `go` is kept by its type.
      expect(log.entries.map((entry) => entry.type)).toEqual(['go']);
    });

    it('refuses a ring buffer without room', () => {
      expect(() => new RingBuffer(0)).toThrow(RangeError);
      const buffer = new RingBuffer<number>(2);
      [1, 2, 3].forEach((item) => buffer.push(item));
      expect(buffer.toArray()).toEqual([2, 3]);
      buffer.clear();
      expect([buffer.size, buffer.dropped, buffer.toArray()]).toEqual([0, 0, []]);
    });
  });
});
