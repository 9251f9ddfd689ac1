import { describe, expect, it } from 'vitest';
import type { PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { Talk } from '../../../web/lib/talk/talk.svelte.ts';

/** A registered connection whose channel records what is sent on it. */
function linkTo(peerId: string, readyState: RTCDataChannelState = 'open') {
  const sent: string[] = [];
  const link = { peerId, pc: {}, channel: { readyState, send: (text: string) => sent.push(text) } } as unknown as PeerLink;
  return { link, sent };
}

describe('talk over the connections', () => {
  describe('happy path', () => {
    it('sends a chat line on every open channel, and shows what arrives', () => {
      const talk = new Talk();
      const [bo, cy, dee] = [linkTo('bo'), linkTo('cy'), linkTo('dee', 'connecting')];
      for (const { link } of [bo, cy, dee]) talk.links.add(link);
      talk.chat.send('hi <all>');
      expect([bo.sent, cy.sent, dee.sent]).toEqual([['{"type":"chat","text":"hi <all>"}'], ['{"type":"chat","text":"hi <all>"}'], []]);
      talk.links.deliver('cy', { type: 'chat', text: 'hello' });
      expect(talk.chat.entries.map(({ from, text }) => `${from}: ${text}`)).toEqual(['me: hi <all>', 'cy: hello']);
    });

    it('says once when the first connection is there, and at once when one is already', () => {
      const talk = new Talk();
      const calls: string[] = [];
      talk.onceLinked(() => calls.push('first'));
      talk.links.add(linkTo('bo').link);
      talk.links.add(linkTo('cy').link);
      talk.onceLinked(() => calls.push('second'));
      expect(calls).toEqual(['first', 'second']);
    });
  });

  describe('failure', () => {
    it('closes a channel the peer opened that is no file', () => {
      const talk = new Talk();
      let closed = false;
      talk.links.deliverChannel('bo', { label: 'surprise', close: () => (closed = true) } as unknown as RTCDataChannel);
      expect(closed).toBe(true);
    });

    it('forgets a connection once its actor stopped, and a cancelled wait never fires', () => {
      const talk = new Talk();
      const calls: string[] = [];
      talk.onceLinked(() => calls.push('linked'))();
      const remove = talk.links.add(linkTo('bo').link);
      remove();
      expect(talk.links.all).toEqual([]);
      expect(calls).toEqual([]);
    });
  });
});
