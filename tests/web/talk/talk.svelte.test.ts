import { describe, expect, it } from 'vitest';
import type { PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { Talk } from '../../../web/lib/talk/talk.svelte.ts';

/** A registered connection whose channel records what is sent on it. */
function linkTo(peerId: string, readyState: RTCDataChannelState = 'open') {
  const sent: string[] = [];
  const channel = Object.assign(new EventTarget(), { readyState, send: (text: string) => sent.push(text) });
  const link = { peerId, pc: {}, channel } as unknown as PeerLink;
  /** The channel opens, as a real one does once the connection is up. */
  const open = () => {
    channel.readyState = 'open';
    channel.dispatchEvent(new Event('open'));
  };
  return { link, sent, open };
}

describe('talk over the connections', () => {
  describe('happy path', () => {
    it('sends a chat line on every open channel, and shows what arrives', () => {
      const talk = new Talk();
      const [bo, cy, dee] = [linkTo('bo'), linkTo('cy'), linkTo('dee', 'connecting')];
      for (const { link } of [bo, cy, dee]) talk.links.add(link);
      talk.chat.send('hi <all>');
      // Each open channel first heard where your hand is (down).
      const down = '{"type":"hand","raised":false}';
      expect([bo.sent, cy.sent, dee.sent]).toEqual([[down, '{"type":"chat","text":"hi <all>"}'], [down, '{"type":"chat","text":"hi <all>"}'], []]);
      talk.links.deliver('cy', { type: 'chat', text: 'hello' });
      expect(talk.chat.entries.map(({ from, text }) => `${from}: ${text}`)).toEqual(['me: hi <all>', 'cy: hello']);
    });
  });

  describe('failure', () => {
    it('closes a channel the peer opened that is no file', () => {
      const talk = new Talk();
      let closed = false;
      talk.links.deliverChannel('bo', { label: 'surprise', close: () => (closed = true) } as unknown as RTCDataChannel);
      expect(closed).toBe(true);
    });

    it('forgets a connection once its actor stopped', () => {
      const talk = new Talk();
      const bo = linkTo('bo', 'connecting');
      const remove = talk.links.add(bo.link);
      bo.open();
      remove();
      expect(talk.links.all).toEqual([]);
    });
  });
});
