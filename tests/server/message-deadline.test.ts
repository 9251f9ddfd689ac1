import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isMidMessage } from '../../server/plugins/message-deadline.ts';
import { openSockets, pausableClient, settle, startServer, until } from './helpers.ts';

/** A client-to-server WebSocket frame (RFC 6455 §5.2), masked as a client must. */
function frame(opcode: number, fin: boolean, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) header[1] = 0x80 | length;
  else if (length < 65_536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([header, mask, masked]);
}

const text = 0x1;
const continuation = 0x0;

/** A client in a room of its own, whose TCP socket the test writes raw frames to. */
async function roomClient(url: string) {
  const { client, raw } = await pausableClient(url);
  client.send({ type: 'create' });
  await client.next('joined');
  const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
  return { client, raw, closed };
}

/** A server with a deadline of `messageDeadlineMs`, and its own ends of the open sockets, as ws holds them. */
async function startWatched(messageDeadlineMs: number) {
  const server = await startServer({ messageDeadlineMs });
  const sockets = openSockets(server.app);
  return { server, serverSockets: () => [...sockets] };
}

function write(raw: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => raw.write(data, (error) => (error ? reject(error) : resolve())));
}

describe('edge: a half-sent message', () => {
  it('a first fragment never finished: the socket is cut and its memory released, while a bystander is served', async () => {
    const { server, serverSockets } = await startWatched(300);
    const bystander = await server.create();
    const attacker = await roomClient(server.url);
    // 60 KB of a message that never gets its last fragment.
    await write(attacker.raw, frame(text, false, Buffer.from('{"type":"ping"'.padEnd(60_000, ' '))));
    await until(() => serverSockets().some(isMidMessage));

    await attacker.closed;
    await until(() => server.stats().connections === 1 && serverSockets().length === 1);
    expect(serverSockets().some(isMidMessage)).toBe(false);
    await settle(bystander.client);
  });

  it('part of one frame, sent after a finished message in the same write: the socket is cut', async () => {
    const server = await startServer({ messageDeadlineMs: 300 });
    const attacker = await roomClient(server.url);
    const whole = frame(text, true, Buffer.from(JSON.stringify({ type: 'ping' })));
    const begun = frame(text, true, Buffer.from(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5_000) }))).subarray(0, 1_000);
    await write(attacker.raw, Buffer.concat([whole, begun]));

    await attacker.client.next('pong');
    await attacker.closed;
    await until(() => server.stats().connections === 0);
  });

  it('a message dripped a fragment at a time: the socket is cut, though bytes keep coming', async () => {
    const server = await startServer({ messageDeadlineMs: 300 });
    const attacker = await roomClient(server.url);
    let cut = false;
    void attacker.closed.then(() => (cut = true));
    await write(attacker.raw, frame(text, false, Buffer.from('{"type":')));
    // A fragment every 100 ms, never the last: the clock started at the first one keeps running.
    for (let drip = 0; drip < 30 && !cut; drip++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!cut) await write(attacker.raw, frame(continuation, false, Buffer.from(' '))).catch(() => undefined);
    }
    expect(cut).toBe(true);
    await until(() => server.stats().connections === 0);
  });

  it('messages that each end where the next begins, for longer than the deadline: every one answered, the socket stays', async () => {
    const { server, serverSockets } = await startWatched(600);
    const sender = await roomClient(server.url);
    const ping = frame(text, true, Buffer.from(JSON.stringify({ type: 'ping' })));
    const split = 5;
    // Every write finishes the message begun by the one before and begins another: the socket
    // is never between messages, but a message is finished every 150 ms, 2.25 s in all.
    await write(sender.raw, ping.subarray(0, split));
    for (let message = 0; message < 15; message++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await write(sender.raw, Buffer.concat([ping.subarray(split), ping.subarray(0, split)]));
      await sender.client.next('pong');
      expect(serverSockets().some(isMidMessage)).toBe(true);
    }
    await write(sender.raw, ping.subarray(split));
    await sender.client.next('pong');
    expect(server.stats().connections).toBe(1);
  });

  it('a fragmented message finished in time is answered, and the socket stays', async () => {
    const { server, serverSockets } = await startWatched(2_000);
    const sender = await roomClient(server.url);
    await write(sender.raw, frame(text, false, Buffer.from('{"type":')));
    await until(() => serverSockets().some(isMidMessage));
    await write(sender.raw, frame(continuation, true, Buffer.from('"ping"}')));

    await sender.client.next('pong');
    expect(serverSockets().some(isMidMessage)).toBe(false);
    await settle(sender.client);
    expect(server.stats().connections).toBe(1);
  });
});
