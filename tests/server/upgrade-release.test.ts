import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { TestClient } from '../support/test-client.ts';
import { openSockets, until } from './helpers.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * server/plugins/signaling.ts releases the upgrade's ServerResponse and @fastify/websocket's
 * 'error' listener (which holds the request and reply) once a socket is open, to save memory
 * per socket. These tests fail when a dependency update changes what that relies on.
 */
describe('upgrade: what an open socket keeps', () => {
  it('keeps neither the upgrade response nor a second error listener, and still survives a socket error', async () => {
    app = await buildApp({ pingIntervalMs: 60_000 });
    const responses: ServerResponse[] = [];
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/ws') responses.push(reply.raw);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const sockets = openSockets(app);
    const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
    const client = await TestClient.ready(url);
    client.send({ type: 'create' });
    const { roomId } = await client.next('joined');

    expect(responses).toHaveLength(1);
    expect(responses[0]!.socket).toBeNull();
    const [socket] = [...sockets];
    expect(socket!.listenerCount('error')).toBe(1);

    socket!.emit('error', new Error('an error on the open socket'));
    const other = await TestClient.ready(url);
    other.send({ type: 'join', roomId });
    expect(await other.next('joined')).toMatchObject({ roomId });
  });

  it('keeps every close listener of the TCP socket once its listeners are compacted: a closed socket frees its place and its seat', async () => {
    app = await buildApp({ pingIntervalMs: 60_000, maxSocketsPerIp: 1 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
    for (let round = 0; round < 3; round++) {
      // Refused unless the edge limits heard the previous socket close; ws's own listener ends the room.
      const client = await TestClient.ready(url);
      client.send({ type: 'create' });
      await client.next('joined');
      await client.close();
      const signaling = app.signaling;
      await until(() => signaling.stats().connections === 0 && signaling.stats().rooms === 0);
    }
  });
});
