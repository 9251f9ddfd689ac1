import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeerLinks, type PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { maxShownPerTile, minSendGapMs, reactionShownMs, Reactions } from '../../../web/lib/talk/reactions.svelte.ts';

/** Reactions over registered connections whose channels record what is sent on them. */
function reactionsWith(...peerIds: string[]) {
  const links = new PeerLinks();
  const sent: unknown[] = [];
  for (const peerId of peerIds) {
    const channel = Object.assign(new EventTarget(), { readyState: 'open', send: (text: string) => sent.push(JSON.parse(text)) });
    links.add({ peerId, pc: {}, channel } as unknown as PeerLink);
  }
  return { links, sent, reactions: new Reactions(links) };
}

const emojiOn = (reactions: Reactions, peerId?: string) => reactions.on(peerId).map((shown) => shown.emoji);

describe('reactions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  describe('happy path', () => {
    it('sends yours to everyone and shows it on your tile for a few seconds', () => {
      const { reactions, sent } = reactionsWith('bo', 'cy');
      reactions.send('👏');
      expect(sent).toEqual([
        { type: 'reaction', emoji: '👏' },
        { type: 'reaction', emoji: '👏' },
      ]);
      expect(emojiOn(reactions)).toEqual(['👏']);
      vi.advanceTimersByTime(reactionShownMs - 1);
      expect(emojiOn(reactions)).toEqual(['👏']);
      vi.advanceTimersByTime(1);
      expect(emojiOn(reactions)).toEqual([]);
    });

    it('shows the others\' on their own tiles, and tells its listeners who sent what', () => {
      const { reactions, links } = reactionsWith();
      const heard: string[] = [];
      reactions.onReact((peerId, emoji) => heard.push(`${peerId} ${emoji}`));
      links.deliver('bo', { type: 'reaction', emoji: '👍' });
      vi.advanceTimersByTime(1_000);
      links.deliver('cy', { type: 'reaction', emoji: '😂' });
      expect([emojiOn(reactions, 'bo'), emojiOn(reactions, 'cy'), emojiOn(reactions)]).toEqual([['👍'], ['😂'], []]);
      expect(heard).toEqual(['bo 👍', 'cy 😂']);
      vi.advanceTimersByTime(reactionShownMs - 1_000);
      expect([emojiOn(reactions, 'bo'), emojiOn(reactions, 'cy')]).toEqual([[], ['😂']]);
    });
  });

  describe('edge cases', () => {
    it(`shows at most ${maxShownPerTile} on a tile, the newest, however fast they come`, () => {
      const { reactions, links } = reactionsWith();
      for (const emoji of ['👍', '👏', '😂', '😮', '🎉'] as const) links.deliver('bo', { type: 'reaction', emoji });
      expect(emojiOn(reactions, 'bo')).toEqual(['😂', '😮', '🎉']);
      vi.advanceTimersByTime(reactionShownMs);
      expect(emojiOn(reactions, 'bo')).toEqual([]);
    });

    it('sends no more than one reaction in a short moment (a held key)', () => {
      const { reactions, sent } = reactionsWith('bo');
      reactions.send('👍');
      reactions.send('👍');
      vi.advanceTimersByTime(minSendGapMs);
      reactions.send('🎉');
      expect(sent).toEqual([
        { type: 'reaction', emoji: '👍' },
        { type: 'reaction', emoji: '🎉' },
      ]);
    });

    it('takes every reaction off the screen when the call is over, and hears no more', () => {
      const { reactions, links } = reactionsWith();
      const heard: string[] = [];
      reactions.onReact((_, emoji) => heard.push(emoji));
      reactions.send('❤️');
      links.deliver('bo', { type: 'reaction', emoji: '👍' });
      reactions.stop();
      links.deliver('bo', { type: 'reaction', emoji: '👏' });
      expect([emojiOn(reactions), emojiOn(reactions, 'bo'), heard]).toEqual([[], [], ['👍']]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
