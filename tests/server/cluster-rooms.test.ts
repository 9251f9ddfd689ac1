import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, settle, until, type TestServer } from './helpers.ts';
import { startRedisServer, type RedisServer } from '../support/redis-server.ts';

let redis: RedisServer;
let inspect: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  inspect = new Redis(redis.url);
  // The tests kill Redis on purpose: this client's reconnect errors are expected.
  inspect.on('error', () => undefined);
}, 30_000);

afterAll(async () => {
  inspect.disconnect();
  await redis?.stop();
});

const secret = 'cluster test secret, shared';

/** The Redis keys matching `pattern`, once there are `count` of them (or after 5 s). */
async function keysEventually(pattern: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const keys = await inspect.keys(pattern);
    if (keys.length === count || Date.now() > deadline) return keys.sort();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two instances of one deployment on the test's Redis. */
async function twoInstances(): Promise<[TestServer, TestServer]> {
  return Promise.all([startServer({ redisUrl: redis.url, secret }), startServer({ redisUrl: redis.url, secret })]);
}

describe('cluster mode: any instance serves any client', () => {
  it('peers on two instances create, join, signal and leave one room', async () => {
    const [a, b] = await twoInstances();
    const { client: alice, joined: created } = await a.create(3);
    const { client: bob, joined } = await b.join(created.roomId);
    expect(joined.peers).toEqual([created.peerId]);
    expect(joined.capacity).toBe(3);
    expect(await alice.next('peer-joined')).toMatchObject({ peerId: joined.peerId });

    bob.send({ type: 'signal', to: created.peerId, data: { description: { type: 'offer', sdp: 'o' } } });
    expect(await alice.next('signal')).toEqual({ type: 'signal', from: joined.peerId, data: { description: { type: 'offer', sdp: 'o' } } });
    alice.send({ type: 'signal', to: joined.peerId, data: { candidate: null } });
    expect(await bob.next('signal')).toEqual({ type: 'signal', from: created.peerId, data: { candidate: null } });

    // A third person on the second instance sees both.
    const { client: carol, joined: third } = await b.join(created.roomId);
    expect(third.peers).toEqual([created.peerId, joined.peerId]);
    await bob.next('peer-joined');

    bob.send({ type: 'leave' });
    await bob.next('left');
    expect(await alice.next('peer-left')).toEqual({ type: 'peer-left', peerId: joined.peerId });
    expect(await carol.next('peer-left')).toEqual({ type: 'peer-left', peerId: joined.peerId });
    carol.socket.close(1000);
    alice.send({ type: 'leave' });
    await alice.next('left');
    await until(() => a.stats().rooms === 0 && a.stats().members === 0);
    // The room is gone from Redis too: no key of it is left behind.
    expect(await keysEventually(`parley:room:{${created.roomId}}*`, 0)).toEqual([]);
    bob.send({ type: 'join', roomId: created.roomId });
    expect(await bob.next('error')).toMatchObject({ code: 'room-not-found', ref: 'join' });
  });

  it('peek and a full room answer the same on the instance that does not own it', async () => {
    const [a, b] = await twoInstances();
    const { joined: created } = await a.create(2);
    const peeker = await b.connect();
    peeker.send({ type: 'peek', roomId: created.roomId });
    expect(await peeker.next('room')).toEqual({ type: 'room', roomId: created.roomId, capacity: 2, peers: 1, names: [] });
    await b.join(created.roomId);
    const late = await b.connect();
    late.send({ type: 'join', roomId: created.roomId });
    expect(await late.next('error')).toMatchObject({ code: 'room-full', ref: 'join' });
    const stranger = await b.connect();
    stranger.send({ type: 'join', roomId: '00000000-0000-4000-8000-000000000000' });
    expect(await stranger.next('error')).toMatchObject({ code: 'room-not-found', ref: 'join' });
    await settle(stranger);
  });
});

describe('cluster mode: failures', () => {
  it('an instance that shuts down hands its rooms over: its clients resume on the other', async () => {
    const [a, b] = await twoInstances();
    const { client: alice, joined: created } = await a.create(3);
    const { client: bob, joined } = await b.join(created.roomId);
    await alice.next('peer-joined');
    expect(await keysEventually(`parley:room:{${created.roomId}}*`, 2)).toHaveLength(2);
    const closing = a.close();
    // Both are told, Alice by her own instance and Bob through his, and closed with 1012.
    expect(await alice.next('error')).toMatchObject({ code: 'shutting-down' });
    expect(await bob.next('error')).toMatchObject({ code: 'shutting-down' });
    expect((await alice.closed).code).toBe(1012);
    expect((await bob.closed).code).toBe(1012);
    await closing;
    const { client: alice2, joined: back } = await b.join(created.roomId, created.resume);
    expect(back.peerId).toBe(created.peerId);
    const { client: bob2, joined: bobBack } = await b.join(created.roomId, joined.resume);
    expect(bobBack.peerId).toBe(joined.peerId);
    expect(await alice2.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: joined.peerId, resumed: true });
    bob2.send({ type: 'signal', to: created.peerId, data: { candidate: null } });
    expect(await alice2.next('signal')).toMatchObject({ from: joined.peerId });
    // The room works afterwards: a third person joins it.
    const { joined: third } = await b.join(created.roomId);
    expect(third.peers.sort()).toEqual([created.peerId, joined.peerId].sort());
    expect(b.stats().rooms).toBe(1);
  });

  it('while Redis is away a create answers at once that rooms cannot be reached; afterwards it works', async () => {
    const [a, b] = await twoInstances();
    const { client: alice, joined: created } = await a.create(3);
    const { client: bob, joined } = await a.join(created.roomId);
    await alice.next('peer-joined');
    await redis.kill();
    try {
      const carol = await b.connect();
      carol.send({ type: 'create' });
      expect(await carol.next('error')).toMatchObject({ code: 'rate-limited', ref: 'create' });
      // A call whose members share an instance goes on meanwhile.
      bob.send({ type: 'signal', to: created.peerId, data: { candidate: null } });
      expect(await alice.next('signal')).toMatchObject({ from: joined.peerId });
    } finally {
      await redis.restart();
    }
    // Once Redis is back (with its append-only file) the room is reachable from the other instance.
    await until(() => b.app.cluster!.link.connected, 10_000);
    await until(() => a.app.cluster!.link.connected, 10_000);
    const dave = await b.connect();
    // Until the owner has renewed its lease in the new Redis, the room may not be found yet.
    for (let tries = 0; tries < 200; tries++) {
      dave.send({ type: 'peek', roomId: created.roomId });
      const answer = await dave.next();
      if (answer.type === 'room') break;
      expect(answer).toMatchObject({ type: 'error', code: 'room-not-found' });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(dave.received.at(-1)).toMatchObject({ peers: 2, capacity: 3 });
    const carol = await b.connect();
    carol.send({ type: 'create' });
    expect(await carol.next('joined')).toMatchObject({ capacity: 2 });
  });
});

describe('cluster mode: Redis away while a socket closes', () => {
  it('a socket that closed on another instance while Redis was away does not keep its seat for ever', async () => {
    const options = { redisUrl: redis.url, secret, resumeGraceMs: 500 };
    const [a, b] = await Promise.all([startServer(options), startServer(options)]);
    const { client: alice, joined: created } = await a.create(2);
    const { client: bob, joined } = await b.join(created.roomId);
    await alice.next('peer-joined');
    await redis.kill();
    try {
      // Bob hangs up; his instance cannot tell the owner now.
      await bob.close();
    } finally {
      await redis.restart();
    }
    // Once the instances asked each other which sockets are still open, the seat is let go.
    expect(await alice.next('peer-left', 30_000)).toEqual({ type: 'peer-left', peerId: joined.peerId });
    expect(a.stats().members).toBe(1);
  }, 40_000);
});

describe('cluster mode: taking a room over', () => {
  it('two instances racing to take over a room of a dead one: one wins, nobody is seated twice', async () => {
    const [a, b] = await twoInstances();
    const c = await startServer({ redisUrl: redis.url, secret });
    const { client: alice, joined: created } = await a.create(3);
    const { client: bob, joined } = await a.join(created.roomId);
    await alice.next('peer-joined');
    // The owner is cut off from Redis for good, and its clients lose their sockets.
    const dead = a.app.cluster!.link.instanceId;
    await a.app.cluster!.link.close();
    alice.socket.terminate();
    bob.socket.terminate();
    for (;;) if (!(await b.app.cluster!.link.alive(dead))) break;
    const [aliceBack, bobBack] = await Promise.all([b.join(created.roomId, created.resume), c.join(created.roomId, joined.resume)]);
    expect(aliceBack.joined.peerId).toBe(created.peerId);
    expect(bobBack.joined.peerId).toBe(joined.peerId);
    expect(b.stats().rooms + c.stats().rooms).toBe(1);
    const owner = b.stats().rooms === 1 ? b : c;
    expect(owner.stats().members).toBe(2);
    expect(await inspect.get(`parley:room:{${created.roomId}}:owner`)).toBe(owner.app.cluster!.link.instanceId);
    // Signals cross between the winner and the loser, whichever way round.
    bobBack.client.send({ type: 'signal', to: created.peerId, data: { candidate: null } });
    expect(await aliceBack.client.next('signal')).toMatchObject({ from: joined.peerId });
  });

  it('a seat that left on purpose does not come back when the room is taken over', async () => {
    const [a, b] = await twoInstances();
    const { client: alice, joined: created } = await a.create(3);
    const { client: bob, joined } = await a.join(created.roomId);
    await alice.next('peer-joined');
    bob.send({ type: 'leave' });
    await bob.next('left');
    await alice.next('peer-left');
    expect(await keysEventually(`parley:room:{${created.roomId}}:seats`, 1)).toHaveLength(1);
    const dead = a.app.cluster!.link.instanceId;
    await a.app.cluster!.link.close();
    alice.socket.terminate();
    for (;;) if (!(await b.app.cluster!.link.alive(dead))) break;
    await b.join(created.roomId, created.resume);
    const { joined: again } = await b.join(created.roomId, joined.resume);
    expect(again.peerId).not.toBe(joined.peerId);
    expect(again.peers).toEqual([created.peerId]);
  });
});
