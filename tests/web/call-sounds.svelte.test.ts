import { describe, expect, it } from 'vitest';
import { CallSounds, type Chime } from '../../web/lib/call-sounds.svelte.ts';
import { startInspectedCall } from './inspector-call.ts';

/** Storage kept in a map, as localStorage between two visits. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** A call in a room, with its sounds listening from the moment we are in. */
async function callWithSounds(storage = memoryStorage()) {
  const call = startInspectedCall({ capacity: 4 });
  await call.enter();
  const played: Chime[] = [];
  const sounds = new CallSounds(call.actor, { play: (chime) => played.push(chime), storage });
  const stop = sounds.start();
  return { call, played, sounds, stop, storage };
}

describe('join, leave and raised-hand sounds', () => {
  describe('happy path', () => {
    it('chime when someone joins and when someone leaves, once each', async () => {
      const { call, played, stop } = await callWithSounds();
      call.connect('peer-b');
      expect(played).toEqual(['join']);
      call.signaling.last.receive({ type: 'peer-left', peerId: 'peer-b' });
      expect(played).toEqual(['join', 'leave']);
      stop();
      call.actor.stop();
    });

    it('stay quiet for the people already in the room when we enter', async () => {
      const call = startInspectedCall({ capacity: 4, joined: { peers: ['peer-a'] } });
      const played: Chime[] = [];
      // Listening from before we are in, as the call view does from the moment it shows.
      const stop = new CallSounds(call.actor, { play: (chime) => played.push(chime), storage: memoryStorage() }).start();
      await call.enter();
      expect(call.actor.getSnapshot().context.peers.map((peer) => peer.peerId)).toEqual(['peer-a']);
      expect(played).toEqual([]);
      call.connect('peer-b');
      expect(played).toEqual(['join']);
      stop();
      call.actor.stop();
    });

    it('knock for a raised hand', async () => {
      const { call, played, sounds, stop } = await callWithSounds();
      sounds.handRaised();
      expect(played).toEqual(['hand']);
      stop();
      call.actor.stop();
    });

    it('stay quiet for our own hanging up', async () => {
      const { call, played, stop } = await callWithSounds();
      call.connect('peer-b');
      call.actor.send({ type: 'ui.hangUp' });
      expect(played).toEqual(['join']);
      stop();
      call.actor.stop();
    });
  });

  describe('switched off', () => {
    it('play nothing, and stay off on the next visit', async () => {
      const { call, played, sounds, stop, storage } = await callWithSounds();
      sounds.enabled = false;
      call.connect('peer-b');
      call.signaling.last.receive({ type: 'peer-left', peerId: 'peer-b' });
      sounds.handRaised();
      expect(played).toEqual([]);
      stop();
      call.actor.stop();

      const next = await callWithSounds(storage);
      expect(next.sounds.enabled).toBe(false);
      next.stop();
      next.call.actor.stop();
    });
  });
});
