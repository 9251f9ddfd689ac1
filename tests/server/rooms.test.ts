import { describe, expect, it } from 'vitest';
import { settle, startServer, until } from './helpers.ts';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('rooms over /ws: happy path', () => {
  it('greets every socket with welcome first', async () => {
    const server = await startServer();
    const client = await server.connect();
    expect(client.received[0]).toEqual({ type: 'welcome', protocol: 1 });
  });

  it('creates a room with a random lowercase UUID v4, a peer id and a resume token', async () => {
    const server = await startServer();
    const first = await server.create();
    const second = await server.create();
    expect(first.joined).toMatchObject({ type: 'joined', peers: [], capacity: 2, iceServers: [] });
    expect(first.joined.roomId).toMatch(uuidV4);
    expect(first.joined.roomId).not.toBe(second.joined.roomId);
    expect(first.joined.peerId.length).toBeGreaterThanOrEqual(8);
    expect(Buffer.from(first.joined.resume, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(server.stats()).toEqual({ rooms: 2, connections: 2, members: 2 });
  });

  it('creates rooms of any capacity from 2 to the server maximum', async () => {
    const server = await startServer({ maxCapacity: 3 });
    expect((await server.create(3)).joined.capacity).toBe(3);
    expect((await server.create(2)).joined.capacity).toBe(2);
  });

  it('lets a second peer join: it gets the first in peers, the first gets peer-joined', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    expect(bob.joined).toMatchObject({ roomId: alice.joined.roomId, peers: [alice.joined.peerId], capacity: 2 });
    expect(bob.joined.peerId).not.toBe(alice.joined.peerId);
    expect(await alice.client.next()).toEqual({ type: 'peer-joined', peerId: bob.joined.peerId });
  });

  it('lists the peers already in the room oldest first', async () => {
    const server = await startServer();
    const a = await server.create(4);
    const b = await server.join(a.joined.roomId);
    const c = await server.join(a.joined.roomId);
    expect(c.joined.peers).toEqual([a.joined.peerId, b.joined.peerId]);
    expect(await b.client.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: c.joined.peerId });
  });

  it('relays a signal with "from" set by the server and only the known fields', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    bob.client.sendRaw(
      JSON.stringify({ type: 'signal', to: alice.joined.peerId, from: alice.joined.peerId, secret: 1, data: { description: { type: 'offer', sdp: 'v=0\r\n' } } }),
    );
    const relayed = await alice.client.next('signal');
    expect(relayed).toStrictEqual({ type: 'signal', from: bob.joined.peerId, data: { description: { type: 'offer', sdp: 'v=0\r\n' } } });
  });

  it('relays an end-of-candidates null candidate as is', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    alice.client.send({ type: 'signal', to: bob.joined.peerId, data: { candidate: null } });
    expect(await bob.client.next('signal')).toEqual({ type: 'signal', from: alice.joined.peerId, data: { candidate: null } });
  });

  it('answers leave with left, tells the others, and lets the socket create again', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    bob.client.send({ type: 'leave' });
    expect(await bob.client.next()).toEqual({ type: 'left' });
    expect(await alice.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: bob.joined.peerId });
    bob.client.send({ type: 'create' });
    expect((await bob.client.next('joined')).roomId).not.toBe(alice.joined.roomId);
  });

  it('answers an application ping with pong, in a room or not', async () => {
    const server = await startServer();
    const loner = await server.connect();
    loner.send({ type: 'ping' });
    expect(await loner.next()).toEqual({ type: 'pong' });
    const alice = await server.create();
    alice.client.send({ type: 'ping' });
    expect(await alice.client.next()).toEqual({ type: 'pong' });
  });

  it('removes a room once its last peer leaves, and it cannot be joined any more', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    alice.client.send({ type: 'leave' });
    await alice.client.next('left');
    await bob.client.close();
    await until(() => server.stats().rooms === 0);
    expect(server.stats()).toEqual({ rooms: 0, connections: 1, members: 0 });
    alice.client.send({ type: 'join', roomId: alice.joined.roomId });
    expect(await alice.client.next()).toMatchObject({ type: 'error', code: 'room-not-found', ref: 'join' });
  });

  it('keeps signals inside the sender\'s room', async () => {
    const server = await startServer();
    const a1 = await server.create();
    const a2 = await server.join(a1.joined.roomId);
    const b1 = await server.create();
    const b2 = await server.join(b1.joined.roomId);
    a1.client.send({ type: 'signal', to: b1.joined.peerId, data: { hello: 'other room' } });
    expect(await a1.client.next('error')).toMatchObject({ code: 'peer-not-found', ref: 'signal' });
    await settle(b1.client);
    await settle(b2.client);
    await settle(a2.client);
    expect([...b1.client.unread(), ...b2.client.unread(), ...a2.client.unread()]).toEqual([]);
    expect(b1.client.received.some((message) => message.type === 'signal')).toBe(false);
  });

  it('serves thirty sockets in rooms of two without mixing them up', async () => {
    const server = await startServer();
    const pairs = await Promise.all(
      Array.from({ length: 15 }, async () => {
        const host = await server.create();
        const guest = await server.join(host.joined.roomId);
        return { host, guest };
      }),
    );
    for (const [n, { host, guest }] of pairs.entries()) host.client.send({ type: 'signal', to: guest.joined.peerId, data: { n } });
    for (const [n, { host, guest }] of pairs.entries()) {
      expect(await guest.client.next('signal')).toEqual({ type: 'signal', from: host.joined.peerId, data: { n } });
    }
    expect(server.stats()).toEqual({ rooms: 15, connections: 30, members: 30 });
  });
});

describe('rooms over /ws: iceServers', () => {
  it('hands out STUN URLs and short-lived coturn credentials, never the secret', async () => {
    const server = await startServer({
      stunUrls: ['stun:stun.example.org:3478'],
      turnUrls: ['turn:turn.example.org:3478?transport=udp'],
      turnSecret: 'shared-secret',
      turnTtlS: 600,
    });
    const before = Math.floor(Date.now() / 1000);
    const { joined } = await server.create();
    expect(joined.iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
    const turn = joined.iceServers[1]!;
    expect(turn.urls).toEqual(['turn:turn.example.org:3478?transport=udp']);
    const [expiry, peerId] = turn.username!.split(':');
    expect(peerId).toBe(joined.peerId);
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    const { createHmac } = await import('node:crypto');
    expect(turn.credential).toBe(createHmac('sha1', 'shared-secret').update(turn.username!).digest('base64'));
    expect(JSON.stringify(joined)).not.toContain('shared-secret');
  });
});
