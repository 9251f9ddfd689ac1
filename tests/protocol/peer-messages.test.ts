import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodePeerMessage, maxChatLength, maxFileBytes, parsePeerMessage, peerMessageFields, type PeerMessage } from '../../protocol/peer-messages.ts';

describe('peer messages on the data channel', () => {
  describe('happy path', () => {
    it('reads back what it encodes', () => {
      const status: PeerMessage = { type: 'status', micMuted: true, cameraOff: false };
      expect(parsePeerMessage(encodePeerMessage(status))).toEqual(status);
    });

    it('reads back which stream is the shared screen, and that sharing stopped', () => {
      for (const streamId of ['{4b1c0c2e-screen}', '']) {
        const screen: PeerMessage = { type: 'screen', streamId };
        expect(parsePeerMessage(encodePeerMessage(screen))).toEqual(screen);
      }
    });

    it.each<PeerMessage>([
      { type: 'chat', text: '<img src=x onerror=alert(1)> https://example.com/?a=1&b=2' },
      { type: 'chat', text: 'x'.repeat(maxChatLength) },
      { type: 'hand', raised: true },
      { type: 'hand', raised: false },
      { type: 'reaction', emoji: '👍' },
      { type: 'reaction', emoji: '❤️' },
      { type: 'file', name: 'notes.txt', size: maxFileBytes, mime: 'text/plain', sha256: 'ab'.repeat(32) },
      { type: 'file-accept' },
      { type: 'file-ack', ok: false },
    ])('reads back a $type message', (message) => {
      expect(parsePeerMessage(encodePeerMessage(message))).toEqual(message);
    });

    it('keeps only the known fields', () => {
      expect(parsePeerMessage('{"type":"status","micMuted":false,"cameraOff":true,"__proto__":{"x":1},"html":"<b>"}')).toEqual({
        type: 'status',
        micMuted: false,
        cameraOff: true,
      });
    });
  });

  describe('failure', () => {
    it.each([
      ['binary data', new ArrayBuffer(4)],
      ['not JSON', '{'],
      ['an array', '[]'],
      ['null', 'null'],
      ['no type', '{"micMuted":true,"cameraOff":true}'],
      ['an unknown type', '{"type":"poke","text":"hi"}'],
      ['a chat line over the bound', JSON.stringify({ type: 'chat', text: 'x'.repeat(maxChatLength + 1) })],
      ['a chat line that is no string', '{"type":"chat","text":{"html":"<b>"}}'],
      ['a file over the size limit', JSON.stringify({ type: 'file', name: 'a', size: maxFileBytes + 1, mime: '', sha256: 'a'.repeat(64) })],
      ['a file of a fractional size', JSON.stringify({ type: 'file', name: 'a', size: 1.5, mime: '', sha256: 'a'.repeat(64) })],
      ['a file with a malformed hash', JSON.stringify({ type: 'file', name: 'a', size: 1, mime: '', sha256: 'zz' })],
      ['an inherited type', '{"type":"toString"}'],
      ['a missing field', '{"type":"status","micMuted":true}'],
      ['a field of the wrong type', '{"type":"status","micMuted":"yes","cameraOff":true}'],
      ['a screen without its stream id', '{"type":"screen","streamId":null}'],
      ['a hand that is neither raised nor lowered', '{"type":"hand","raised":"yes"}'],
      ['a reaction outside the set', '{"type":"reaction","emoji":"🐍 click here"}'],
      ['a reaction named after an inherited key', '{"type":"reaction","emoji":"constructor"}'],
      ['a huge text', JSON.stringify({ type: 'status', micMuted: true, cameraOff: true, pad: 'x'.repeat(20_000) })],
    ])('ignores %s', (_, data) => {
      expect(parsePeerMessage(data)).toBeNull();
    });

    it('never throws, whatever arrives', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (data) => {
          const parsed = parsePeerMessage(data);
          expect(parsed === null || Object.hasOwn(peerMessageFields, parsed.type)).toBe(true);
        }),
      );
    });
  });
});
