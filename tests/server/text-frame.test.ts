import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { allocTextFrame, writeWhole, type TextFrame } from '../../server/signaling/text-frame.ts';
import { openSockets, startServer, until } from './helpers.ts';

/** ws's own frame parser, as a client uses it (server frames are unmasked); @types/ws does not declare it. */
const Receiver = createRequire(import.meta.url)('ws').Receiver as new (options: { isServer: boolean; maxPayload: number }) => Writable;

/** A frame of `length` bytes of text, every byte set. */
function filled(length: number): TextFrame {
  const frame = allocTextFrame(length);
  for (let index = 0; index < length; index++) frame.wire[frame.payloadAt + index] = 0x61 + (index % 26);
  return frame;
}

/** What ws makes of `wire` on the receiving end: the messages, as text, and whether any was binary. */
function readWithWs(wire: Buffer): { texts: string[]; binary: boolean } {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const read = { texts: [] as string[], binary: false };
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    read.texts.push(data.toString());
    read.binary ||= isBinary;
  });
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(wire);
  return read;
}

describe('a text frame built whole', () => {
  it('reads as one text message of its payload, at every header size', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const frame = filled(length);
      expect(frame.payload.length).toBe(length);
      const { texts, binary } = readWithWs(frame.wire);
      expect(binary).toBe(false);
      expect(texts).toEqual([frame.payload.toString()]);
    }
  });

  it('keeps every frame its own bytes while many share memory, across slabs and sizes', () => {
    // Sizes around the largest frame cut from a shared slab (16 KiB), enough to fill several slabs.
    const lengths = Array.from({ length: 120 }, (_, index) => [5_000, 16_380, 16_400, 300][index % 4]!);
    const frames = lengths.map((length, index) => {
      const frame = allocTextFrame(length);
      frame.wire.fill(0x61 + (index % 26), frame.payloadAt);
      return frame;
    });
    frames.forEach((frame, index) => {
      const { texts } = readWithWs(frame.wire);
      expect(texts).toEqual([String.fromCharCode(0x61 + (index % 26)).repeat(lengths[index]!)]);
    });
  });

  it('relays signals of every header size through a server, as the sender wrote them', async () => {
    const server = await startServer();
    const { client: alice, joined: a } = await server.create();
    const { client: bob, joined: b } = await server.join(a.roomId);
    await alice.next('peer-joined');
    // Relayed lengths around 125/126 and 65,535/65,536 bytes: `{"type":"signal","from":"…","data":{"s":"…"}}`.
    const overhead = JSON.stringify({ type: 'signal', from: b.peerId, data: { s: '' } }).length;
    for (const length of [125, 126, 65_535, 65_536]) {
      const data = { s: 'x'.repeat(length - overhead) };
      bob.send({ type: 'signal', to: a.peerId, data });
      expect(await alice.next('signal')).toEqual({ type: 'signal', from: b.peerId, data });
    }
  });

  it('is written whole to an open ws socket (the ws internals it relies on are there), and never to a closed one or another kind', async () => {
    const server = await startServer();
    const sockets = openSockets(server.app);
    const client = await server.connect();
    await until(() => sockets.size === 1);
    const [socket] = [...sockets];
    const pong = allocTextFrame(15);
    pong.wire.write('{"type":"pong"}', pong.payloadAt);
    expect(writeWhole(socket!, pong)).toBe(true);
    expect(await client.next()).toEqual({ type: 'pong' });

    expect(writeWhole({ readyState: 1, send() {} }, pong)).toBe(false);
    await client.close();
    await until(() => sockets.size === 0);
    expect(writeWhole(socket!, pong)).toBe(false);
  });
});
