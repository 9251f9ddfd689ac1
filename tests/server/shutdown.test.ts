import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { startServer, until } from './helpers.ts';

describe('shutdown', () => {
  it('tells every socket shutting-down and closes it with 1012', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    const loner = await server.connect();
    await server.close();
    for (const client of [alice.client, bob.client, loner]) {
      expect(await client.next('error')).toMatchObject({ type: 'error', code: 'shutting-down' });
      expect((await client.closed).code).toBe(closeCodes.serviceRestart);
    }
    expect(alice.client.received.some((message) => message.type === 'peer-left')).toBe(false);
  });

  it('finishes closing even when a client never answers the close', async () => {
    const server = await startServer({ shutdownTimeoutMs: 50 });
    const alice = await server.create();
    // Stop reading: the client never sends its half of the close handshake.
    alice.client.socket.pause();
    await server.close();
    expect(server.app.server.listening).toBe(false);
  });
});

describe('logs', () => {
  it('never logs a full room id, even at debug level', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const server = await startServer({ logger: { level: 'debug', stream } });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await fetch(`${server.origin}/r/${alice.joined.roomId}`);
    await bob.client.close();
    alice.client.send({ type: 'leave' });
    await until(() => server.stats().rooms === 0);
    const log = lines.join('');
    expect(log).toContain(alice.joined.roomId.slice(0, 8));
    expect(log).not.toContain(alice.joined.roomId);
  });
});
