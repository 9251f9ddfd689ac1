import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalFrame } from '../../machines/room/frames.ts';
import { createClientMessageParser } from '../../protocol/parse-client-message.ts';
import { relayFrame } from '../../server/signaling/relay-frame.ts';
import { TextFrame } from '../../server/signaling/text-frame.ts';

const parse = createClientMessageParser();

/** A frame as the server receives it, parsed as the signaling endpoint parses it. */
function received(text: string) {
  const result = parse(text);
  if (!result.ok || result.message.type !== 'signal') throw new Error(`not a signal: ${text}`);
  return { data: result.message.data, frame: { text, bytes: Buffer.from(text), dataSpan: result.dataSpan } };
}

/** What the receiving client reads: the frame's UTF-8 text. */
const read = (frame: string | TextFrame): string => (typeof frame === 'string' ? frame : frame.payload.toString('utf8'));

describe('the relayed signal frame', () => {
  it('reads as the serialised frame, whatever the sender wrote, as bytes for an ASCII frame', () => {
    const data = fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue({ maxDepth: 4, depthSize: 'small' }));
    const from = fc.oneof(fc.base64String({ minLength: 4, maxLength: 16 }), fc.string());
    fc.assert(
      fc.property(data, from, fc.constantFrom(undefined, 1, '\t'), (value, peerId, indent) => {
        const text = JSON.stringify({ type: 'signal', to: 'p', data: value }, null, indent);
        const { data: parsed, frame } = received(text);
        const relayed = relayFrame(peerId, parsed, frame);
        expect(JSON.parse(read(relayed))).toEqual(JSON.parse(signalFrame(peerId, value)));
        // A whole frame of bytes when every character is one byte and the peer id needs no escape.
        const asBytes = Buffer.byteLength(text) === text.length && /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(peerId);
        expect(relayed instanceof TextFrame).toBe(asBytes);
      }),
    );
  });

  it('copies the sender\'s bytes of data exactly, spacing included', () => {
    const { data, frame } = received('{ "to": "p", "type": "signal", "data": { "sdp": "v=0\\r\\n", "n": [1, 2] } }');
    expect(read(relayFrame('peer-1', data, frame))).toBe('{"type":"signal","from":"peer-1","data":{ "sdp": "v=0\\r\\n", "n": [1, 2] }}');
  });

  it('serialises the parsed data when its text cannot be reused (a key written with escapes)', () => {
    const { data, frame } = received('{"type":"signal","to":"p","\\u0064ata":{"a":1}}');
    expect(frame.dataSpan).toBeUndefined();
    expect(relayFrame('peer-1', data, frame)).toBe(signalFrame('peer-1', { a: 1 }));
  });

  it('splices text when the frame holds characters beyond ASCII', () => {
    const { data, frame } = received('{"type":"signal","to":"p","data":{"name":"Zoë 🎥"}}');
    expect(relayFrame('peer-1', data, frame)).toBe('{"type":"signal","from":"peer-1","data":{"name":"Zoë 🎥"}}');
  });
});
