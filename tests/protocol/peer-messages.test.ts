import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodePeerMessage, parsePeerMessage, peerMessageFields, type PeerMessage } from '../../protocol/peer-messages.ts';

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
      ['an unknown type', '{"type":"chat","text":"hi"}'],
      ['an inherited type', '{"type":"toString"}'],
      ['a missing field', '{"type":"status","micMuted":true}'],
      ['a field of the wrong type', '{"type":"status","micMuted":"yes","cameraOff":true}'],
      ['a screen without its stream id', '{"type":"screen","streamId":null}'],
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
