import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerMessage } from '../../../protocol/peer-messages.ts';
import { PeerLinks, type PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { floorAfterMs, Hands } from '../../../web/lib/talk/hands.svelte.ts';

/** A registered connection whose channel records what is sent on it, and can open later. */
function linkTo(links: PeerLinks, peerId: string, readyState: RTCDataChannelState = 'open') {
  const sent: unknown[] = [];
  const channel = Object.assign(new EventTarget(), { readyState, send: (text: string) => sent.push(JSON.parse(text)) });
  const unlink = links.add({ peerId, pc: {}, channel } as unknown as PeerLink);
  const open = () => {
    channel.readyState = 'open';
    channel.dispatchEvent(new Event('open'));
  };
  return { sent, open, unlink };
}

const up: PeerMessage = { type: 'hand', raised: true };
const down: PeerMessage = { type: 'hand', raised: false };

describe('raised hands', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('happy path', () => {
    it('lowers your hand for everyone once you speak after raising it', () => {
      vi.useFakeTimers();
      const links = new PeerLinks();
      const hands = new Hands(links);
      const bo = linkTo(links, 'bo');
      hands.toggle();
      vi.advanceTimersByTime(floorAfterMs);
      expect(hands.floorIn()).toBe(0);
      expect(hands.spoke()).toBe(true);
      expect(hands.mine).toBe(false);
      expect(bo.sent).toEqual([down, up, down]);
    });

    it('lowers your hand while you keep talking, once it has been up a moment, and not after you stop', () => {
      vi.useFakeTimers();
      const hands = new Hands(new PeerLinks());
      const lowered = vi.fn();
      hands.toggle();
      vi.advanceTimersByTime(500);
      const stopped = hands.speaking(lowered);
      vi.advanceTimersByTime(floorAfterMs - 501);
      expect([hands.mine, lowered.mock.calls.length]).toEqual([true, 0]);
      vi.advanceTimersByTime(1);
      expect([hands.mine, lowered.mock.calls.length]).toEqual([false, 1]);
      stopped();

      // Stopping before the moment is over keeps it up.
      hands.toggle();
      const stoppedEarly = hands.speaking(lowered);
      vi.advanceTimersByTime(100);
      stoppedEarly();
      vi.advanceTimersByTime(floorAfterMs);
      expect([hands.mine, lowered.mock.calls.length]).toEqual([true, 1]);
    });

    it('tells everyone when you raise and lower your hand', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      const bo = linkTo(links, 'bo');
      hands.toggle();
      expect(hands.mine).toBe(true);
      hands.toggle();
      expect(hands.mine).toBe(false);
      expect(bo.sent).toEqual([down, up, down]);
    });

    it('lists the others\' raised hands in the order they went up', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      links.deliver('cy', up);
      links.deliver('bo', up);
      links.deliver('cy', up);
      expect(hands.raised).toEqual(['cy', 'bo']);
      links.deliver('cy', down);
      expect(hands.raised).toEqual(['bo']);
    });

    it('puts your hand in the same queue as everyone else\'s, in the order the hands went up', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      links.deliver('bo', up);
      hands.toggle();
      links.deliver('cy', up);
      expect([hands.placeOf('bo'), hands.placeOf(), hands.placeOf('cy'), hands.count]).toEqual([1, 2, 3, 3]);
      expect(hands.raised).toEqual(['bo', 'cy']);
      links.deliver('bo', down);
      expect([hands.placeOf('bo'), hands.placeOf(), hands.placeOf('cy'), hands.count]).toEqual([null, 1, 2, 2]);
    });

    it('calls its listeners each time someone else raises their hand, not when it goes down or was up already', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      const heard: string[] = [];
      const stopListening = hands.onRaise((peerId) => heard.push(peerId));
      links.deliver('bo', up);
      links.deliver('bo', up);
      hands.toggle();
      links.deliver('bo', down);
      links.deliver('bo', up);
      stopListening();
      links.deliver('cy', up);
      expect(heard).toEqual(['bo', 'bo']);
    });

    it('tells a newcomer your raised hand once the channel with them opens', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      hands.toggle();
      const dee = linkTo(links, 'dee', 'connecting');
      expect(dee.sent).toEqual([]);
      dee.open();
      expect(dee.sent).toEqual([up]);
    });
  });

  describe('edge cases', () => {
    it('tells where your hand is now, not where it was when the connection began', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      hands.toggle();
      const dee = linkTo(links, 'dee', 'connecting');
      hands.toggle();
      dee.open();
      expect(dee.sent).toEqual([down]);
    });

    it('forgets every hand, yours too, once you leave the call', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      hands.toggle();
      links.deliver('bo', up);
      hands.clear();
      expect([hands.mine, hands.raised]).toEqual([false, []]);
    });

    it('keeps your hand up until it has been up a moment, and has none to lower when it is down', () => {
      vi.useFakeTimers();
      const links = new PeerLinks();
      const hands = new Hands(links);
      expect(hands.spoke()).toBe(false);
      expect(hands.mine).toBe(false);

      hands.toggle();
      vi.advanceTimersByTime(floorAfterMs - 1);
      expect(hands.floorIn()).toBe(1);
      expect(hands.spoke()).toBe(false);
      expect(hands.mine).toBe(true);
      // Lowered and raised again: the wait starts anew.
      vi.advanceTimersByTime(10_000);
      hands.toggle();
      hands.toggle();
      expect(hands.spoke()).toBe(false);
    });

    it('forgets the hand of someone who left', () => {
      const links = new PeerLinks();
      const hands = new Hands(links);
      links.deliver('bo', up);
      links.deliver('cy', up);
      hands.keepOnly(['cy']);
      expect(hands.raised).toEqual(['cy']);
    });
  });
});
