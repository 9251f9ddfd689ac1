import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { renewFragments } from '../../server/signaling/receiver-fragments.ts';

/** ws's own frame parser (the server's receiver runs the same code); @types/ws does not declare it. */
const Receiver = createRequire(import.meta.url)('ws').Receiver as new (options: { isServer: boolean; maxPayload: number }) => Writable & {
  _fragments: unknown[];
};

/** An unmasked frame carrying `text`: the first of a fragmented message, a continuation, or a whole one. */
function frame(text: string, kind: 'first' | 'last' | 'whole'): Buffer {
  const payload = Buffer.from(text);
  const head = { first: 0x01, last: 0x80, whole: 0x81 }[kind];
  return Buffer.concat([Buffer.from([head, payload.length]), payload]);
}

describe('renewing ws receiver fragments', () => {
  it('gives the receiver an empty array of its own after each message, and messages still arrive whole', () => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    const socket = { _receiver: receiver };
    const texts: string[] = [];
    const renewed: Array<{ wsArray: unknown[]; ours: unknown[]; emptyThen: boolean }> = [];
    receiver.on('message', (data: Buffer) => {
      const wsArray = receiver._fragments;
      renewFragments(socket);
      renewed.push({ wsArray, ours: receiver._fragments, emptyThen: receiver._fragments.length === 0 });
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
    // ws filled the array given after the first message with the next message's two fragments.
    expect(renewed[0]!.ours).toHaveLength(2);
  });

  it('relies on ws keeping a message in progress in `_fragments` (fails if an update moves it)', () => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on('message', () => renewFragments({ _receiver: receiver }));
    receiver.write(frame('{"type":"ping"}', 'whole'));
    expect(receiver._fragments).toEqual([]);
    receiver.write(frame('{"type":', 'first'));
    expect(receiver._fragments).toHaveLength(1);
    // Mid-message the array holds a fragment: renewing leaves it alone.
    renewFragments({ _receiver: receiver });
    expect(receiver._fragments).toHaveLength(1);
  });

  it('leaves sockets without a ws receiver alone', () => {
    expect(() => renewFragments({})).not.toThrow();
    expect(() => renewFragments({ _receiver: {} })).not.toThrow();
  });
});
