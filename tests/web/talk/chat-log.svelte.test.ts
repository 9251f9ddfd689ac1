import { describe, expect, it } from 'vitest';
import { maxChatLength, type PeerMessage } from '../../../protocol/peer-messages.ts';
import type { PeerLinkListener } from '../../../web/lib/actors/peer-links.ts';
import { ChatLog } from '../../../web/lib/talk/chat-log.svelte.ts';

/** Channels that record what is broadcast and let the test play what arrives. */
function fakeChannels() {
  const sent: PeerMessage[] = [];
  let listener: PeerLinkListener = {};
  return {
    sent,
    arrive: (peerId: string, message: PeerMessage) => listener.message?.(peerId, message),
    channels: {
      broadcast: (message: PeerMessage) => sent.push(message),
      listen: (next: PeerLinkListener) => {
        listener = next;
        return () => (listener = {});
      },
    },
  };
}

describe('the chat', () => {
  describe('happy path', () => {
    it('sends a trimmed line to everyone and shows it as mine', () => {
      const fake = fakeChannels();
      const chat = new ChatLog(fake.channels);
      expect(chat.send('  hello <b>there</b> \n')).toBe(true);
      expect(fake.sent).toEqual([{ type: 'chat', text: 'hello <b>there</b>' }]);
      expect(chat.entries.map(({ from, text }) => ({ from, text }))).toEqual([{ from: 'me', text: 'hello <b>there</b>' }]);
    });

    it('counts lines from others as unread while closed, offers the newest for a glimpse, and neither once opened', () => {
      const fake = fakeChannels();
      const chat = new ChatLog(fake.channels);
      fake.arrive('p1', { type: 'chat', text: 'one' });
      fake.arrive('p2', { type: 'chat', text: 'two' });
      chat.send('mine');
      expect(chat.unread).toBe(2);
      expect(chat.glimpse).toMatchObject({ from: 'p2', text: 'two' });
      chat.open = true;
      expect(chat.unread).toBe(0);
      expect(chat.glimpse).toBeNull();
      fake.arrive('p1', { type: 'chat', text: 'three' });
      expect(chat.unread).toBe(0);
      expect(chat.glimpse).toBeNull();
      expect(chat.entries.map((entry) => entry.from)).toEqual(['p1', 'p2', 'me', 'p1']);
    });

    it('keeps the last 500 lines', () => {
      const fake = fakeChannels();
      const chat = new ChatLog(fake.channels);
      for (let line = 0; line < 600; line++) fake.arrive('p1', { type: 'chat', text: String(line) });
      expect(chat.entries).toHaveLength(500);
      expect(chat.entries[0]!.text).toBe('100');
    });
  });

  describe('failure', () => {
    it('refuses an empty line and one over the bound, sending nothing', () => {
      const fake = fakeChannels();
      const chat = new ChatLog(fake.channels);
      expect(chat.send('   ')).toBe(false);
      expect(chat.send('x'.repeat(maxChatLength + 1))).toBe(false);
      expect(fake.sent).toEqual([]);
      expect(chat.entries).toEqual([]);
    });

    it('ignores other messages, and everything after it stopped', () => {
      const fake = fakeChannels();
      const chat = new ChatLog(fake.channels);
      fake.arrive('p1', { type: 'file-ack', ok: true });
      chat.stop();
      fake.arrive('p1', { type: 'chat', text: 'late' });
      expect(chat.entries).toEqual([]);
    });
  });
});
