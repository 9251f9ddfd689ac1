import { describe, expect, it } from 'vitest';
import { settle, startServer } from './helpers.ts';

describe('error answers: each code with its ref', () => {
  it('answers bad-json to a frame that is not JSON or not an object, and keeps the socket open', async () => {
    const server = await startServer();
    const client = await server.connect();
    client.sendRaw('{"type":');
    expect(await client.next()).toEqual({ type: 'error', code: 'bad-json', message: expect.any(String) });
    client.sendRaw('["ping"]');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-json' });
    await settle(client);
  });

  it('answers bad-message with the type as ref, for unknown types and malformed known ones', async () => {
    const server = await startServer();
    const client = await server.connect();
    client.sendRaw('{"type":"teleport"}');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-message', ref: 'teleport' });
    client.sendRaw('{"type":"join","roomId":42}');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-message', ref: 'join' });
    client.sendRaw('{"kind":"ping"}');
    const noType = await client.next();
    expect(noType).toMatchObject({ type: 'error', code: 'bad-message' });
    expect(noType).not.toHaveProperty('ref');
    await settle(client);
  });

  it('refuses a capacity below 2, above the maximum or not an integer, never clamping it', async () => {
    const server = await startServer({ maxCapacity: 4 });
    const client = await server.connect();
    for (const capacity of [1, 5, 2.5, '3', null]) {
      client.sendRaw(JSON.stringify({ type: 'create', capacity }));
      expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-message', ref: 'create' });
    }
    expect(server.stats().rooms).toBe(0);
  });

  it('refuses a signal whose data nests deeper than 32 levels, or is not an object', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    let data: object = {};
    for (let i = 1; i < 32; i++) data = { d: data }; // 32 levels
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: data as Record<string, unknown> });
    expect(await alice.client.next('signal')).toMatchObject({ from: bob.joined.peerId });
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: { d: data } });
    expect(await bob.client.next('error')).toMatchObject({ code: 'bad-message', ref: 'signal' });
    bob.client.sendRaw(JSON.stringify({ type: 'signal', to: alice.joined.peerId, data: ['offer'] }));
    expect(await bob.client.next('error')).toMatchObject({ code: 'bad-message', ref: 'signal' });
    await settle(alice.client);
    expect(alice.client.unread()).toEqual([]);
  });

  it('answers room-not-found to a join naming no live room, malformed ids included', async () => {
    const server = await startServer();
    const client = await server.connect();
    for (const roomId of ['4b1f0a6e-8d0c-4f6e-9a51-2c9f1e7d3b10', 'not-a-uuid', '', '__proto__', 'constructor']) {
      client.send({ type: 'join', roomId });
      expect(await client.next()).toMatchObject({ type: 'error', code: 'room-not-found', ref: 'join' });
    }
  });

  it('answers room-full once every seat is taken', async () => {
    const server = await startServer();
    const alice = await server.create();
    await server.join(alice.joined.roomId);
    const carol = await server.connect();
    carol.send({ type: 'join', roomId: alice.joined.roomId });
    expect(await carol.next()).toMatchObject({ type: 'error', code: 'room-full', ref: 'join' });
    await settle(alice.client);
    expect(alice.client.received.filter((message) => message.type === 'peer-joined')).toHaveLength(1);
  });

  it('answers already-in-room to create or join from a socket in a room', async () => {
    const server = await startServer();
    const alice = await server.create();
    const other = await server.create();
    alice.client.send({ type: 'create' });
    expect(await alice.client.next()).toMatchObject({ type: 'error', code: 'already-in-room', ref: 'create' });
    alice.client.send({ type: 'join', roomId: other.joined.roomId });
    expect(await alice.client.next()).toMatchObject({ type: 'error', code: 'already-in-room', ref: 'join' });
    expect(server.stats().rooms).toBe(2);
  });

  it('answers not-in-room to signal or leave from a socket in no room', async () => {
    const server = await startServer();
    const client = await server.connect();
    client.send({ type: 'signal', to: 'someone', data: {} });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-in-room', ref: 'signal' });
    client.send({ type: 'leave' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-in-room', ref: 'leave' });
  });

  it('answers peer-not-found to a signal for a peer not in the sender\'s room', async () => {
    const server = await startServer();
    const alice = await server.create();
    alice.client.send({ type: 'signal', to: 'nobody-here', data: {} });
    expect(await alice.client.next()).toMatchObject({ type: 'error', code: 'peer-not-found', ref: 'signal' });
  });
});

describe('error answers: validation order', () => {
  it('checks shape before state: a malformed message gets bad-message in a room and out of one', async () => {
    const server = await startServer();
    const alice = await server.create();
    alice.client.sendRaw('{"type":"join"}');
    expect(await alice.client.next()).toMatchObject({ code: 'bad-message', ref: 'join' });
    alice.client.sendRaw('{"type":"create","capacity":99}');
    expect(await alice.client.next()).toMatchObject({ code: 'bad-message', ref: 'create' });
    const loner = await server.connect();
    loner.sendRaw('{"type":"signal","to":"x"}');
    expect(await loner.next()).toMatchObject({ code: 'bad-message', ref: 'signal' });
  });

  it('checks membership before the room: already-in-room beats room-not-found', async () => {
    const server = await startServer();
    const alice = await server.create();
    alice.client.send({ type: 'join', roomId: 'no-such-room' });
    expect(await alice.client.next()).toMatchObject({ code: 'already-in-room', ref: 'join' });
  });

  it('checks membership before the peer: not-in-room beats peer-not-found', async () => {
    const server = await startServer();
    const loner = await server.connect();
    loner.send({ type: 'signal', to: 'nobody', data: {} });
    expect(await loner.next()).toMatchObject({ code: 'not-in-room', ref: 'signal' });
  });

  it('checks membership before capacity: already-in-room beats room-full', async () => {
    const server = await startServer();
    const alice = await server.create();
    await server.join(alice.joined.roomId);
    alice.client.send({ type: 'join', roomId: alice.joined.roomId });
    expect(await alice.client.next('error')).toMatchObject({ code: 'already-in-room', ref: 'join' });
  });
});
