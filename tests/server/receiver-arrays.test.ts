import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { renewReceiverArrays } from '../../server/signaling/receiver-arrays.ts';

/** ws's own frame parser (the server's receiver runs the same code); @types/ws does not declare it. */
const Receiver = createRequire(import.meta.url)('ws').Receiver as new (options: { isServer: boolean; maxPayload: number }) => Writable & {
  _fragments: unknown[];
  _buffers: unknown[];
};

/** An unmasked frame carrying `text`: the first of a fragmented message, a continuation, or a whole one. */
function frame(text: string, kind: 'first' | 'last' | 'whole'): Buffer {
  const payload = Buffer.from(text);
  const head = { first: 0x01, last: 0x80, whole: 0x81 }[kind];
  return Buffer.concat([Buffer.from([head, payload.length]), payload]);
}

type ArrayName = '_fragments' | '_buffers';

describe('renewing ws receiver arrays', () => {
  for (const name of ['_fragments', '_buffers'] as const satisfies readonly ArrayName[]) {
    it(`gives the receiver an empty ${name} of its own after each message, and messages still arrive whole`, () => {
      const receiver = new Receiver({ isServer: false, maxPayload: 0 });
      const socket = { _receiver: receiver };
      const texts: string[] = [];
      const renewed: Array<{ wsArray: unknown[]; ours: unknown[]; emptyThen: boolean }> = [];
      receiver.on('message', (data: Buffer) => {
        const wsArray = receiver[name];
        renewReceiverArrays(socket);
        renewed.push({ wsArray, ours: receiver[name], emptyThen: receiver[name].length === 0 });
        texts.push(data.toString());
      });
      receiver.write(frame('{"type":"ping"}', 'whole'));
      receiver.write(frame('{"type":', 'first'));
      receiver.write(frame('"leave"}', 'last'));
      receiver.write(frame('{"type":"ping"}', 'whole'));

      expect(texts).toEqual(['{"type":"ping"}', '{"type":"leave"}', '{"type":"ping"}']);
      for (const { wsArray, ours, emptyThen } of renewed) {
        expect(emptyThen).toBe(true);
        expect(ours).not.toBe(wsArray);
      }
    });
  }

  it('relies on ws keeping a message in progress in `_fragments` (fails if an update moves it)', () => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', () => renewReceiverArrays({ _receiver: receiver }));
    receiver.write(frame('{"type":"ping"}', 'whole'));
    const given = receiver._fragments;
    receiver.write(frame('{"type":', 'first'));
    // ws filled the array given after the first message with the next message's first fragment.
    expect(given).toHaveLength(1);
    expect(receiver._fragments).toBe(given);
    // Mid-message the array holds a fragment: renewing leaves it alone.
    renewReceiverArrays({ _receiver: receiver });
    expect(receiver._fragments).toBe(given);
  });

  it('relies on ws keeping unparsed bytes in `_buffers`, and leaves them there (fails if an update moves them)', () => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    const texts: string[] = [];
    receiver.on('message', (data: Buffer) => {
      renewReceiverArrays({ _receiver: receiver });
      texts.push(data.toString());
    });
    const whole = frame('{"type":"ping"}', 'whole');
    // A message and the first bytes of the next in one chunk: those bytes wait in `_buffers`.
    receiver.write(Buffer.concat([whole, whole.subarray(0, 5)]));
    expect(receiver._buffers).toHaveLength(1);
    receiver.write(whole.subarray(5));
    expect(texts).toEqual(['{"type":"ping"}', '{"type":"ping"}']);
    expect(receiver._buffers).toEqual([]);
  });

  it('leaves sockets without a ws receiver alone', () => {
    expect(() => renewReceiverArrays({})).not.toThrow();
    expect(() => renewReceiverArrays({ _receiver: {} })).not.toThrow();
  });
});
