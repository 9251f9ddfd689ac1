import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { heldSeats, pausableClient, settle, silentSocket, startServer, until } from './helpers.ts';

/** Frame and byte limits out of reach, for tests that push a lot through one socket. */
const unlimited = { perSecond: 1e9, burst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12 };

describe('edge: a client that does not read', () => {
  it('is closed with 4001 and keeps its seat, as a lost connection; it resumes', async () => {
    const server = await startServer({ sendBufferLimit: 64 * 1024, rateLimit: unlimited });
    const alice = await server.create();
    const bob = await pausableClient(server.url);
    bob.client.send({ type: 'join', roomId: alice.joined.roomId });
    const joined = await bob.client.next('joined');
    bob.raw.pause();
    const data = { description: { type: 'offer', sdp: 'v=0 '.repeat(15_000) } };
    for (let sent = 0; heldSeats(server, alice.joined.roomId) === 0; sent += 20) {
      expect(sent, 'signals sent before the reader was given up').toBeLessThan(4_000);
      for (let n = 0; n < 20; n++) alice.client.send({ type: 'signal', to: joined.peerId, data });
      await settle(alice.client);
    }
    bob.raw.resume();
    expect((await bob.client.closed).code).toBe(closeCodes.slowReader);
    await settle(alice.client);
    expect(alice.client.received.filter((message) => message.type === 'peer-left')).toEqual([]);
    const again = await server.join(alice.joined.roomId, joined.resume);
    expect(again.joined.peerId).toBe(joined.peerId);
  });
});

describe('edge: heartbeat', () => {
  it('drops a client that answers pings only with unprompted pongs', async () => {
    const server = await startServer({ pingIntervalMs: 100 });
    const stalled = await silentSocket(server.url);
    const pongs = setInterval(() => stalled.socket.pong(Buffer.from('alive')), 10);
    try {
      expect(await stalled.closed).toBe(1006);
    } finally {
      clearInterval(pongs);
    }
    await until(() => server.stats().connections === 0);
  });
});

describe('edge: rooms per address and in all', () => {
  it('answers rate-limited with ref create past ROOMS_PER_MINUTE per address, keeping the socket open', async () => {
    const server = await startServer({ roomsPerMinute: 3 });
    const client = await server.connect();
    for (let n = 0; n < 3; n++) {
      client.send({ type: 'create' });
      await client.next('joined');
      client.send({ type: 'leave' });
      await client.next('left');
    }
    client.send({ type: 'create' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'rate-limited', ref: 'create' });
    await settle(client);
    const other = await server.connect();
    other.send({ type: 'create' });
    expect(await other.next()).toMatchObject({ type: 'error', code: 'rate-limited', ref: 'create' });
    expect(server.stats().rooms).toBe(0);
  });

  it('answers rate-limited with ref create once the server holds MAX_ROOMS', async () => {
    const server = await startServer({ maxRooms: 2 });
    await server.create();
    await server.create();
    const third = await server.connect();
    third.send({ type: 'create' });
    expect(await third.next()).toMatchObject({ type: 'error', code: 'rate-limited', ref: 'create' });
    expect(server.stats().rooms).toBe(2);
  });
});

describe('edge: idle sockets and half-sent messages', () => {
  it('closes a socket that neither creates nor joins within IDLE_TIMEOUT_MS, not one in a room', async () => {
    const server = await startServer({ idleTimeoutMs: 200 });
    const member = await server.create();
    const idle = await server.connect();
    expect((await idle.closed).code).toBe(closeCodes.policyViolation);
    await settle(member.client);
  });

  it('closes with 1009 a fragmented message that grows past MAX_PAYLOAD, and one left half-sent at the deadline', async () => {
    const server = await startServer({ maxPayload: 2_048, rateLimit: { byteBurst: 4_096 }, idleTimeoutMs: 300 });
    const growing = await server.connect();
    for (let n = 0; n < 20; n++) growing.socket.send('x'.repeat(200), { fin: false });
    expect((await growing.closed).code).toBe(closeCodes.messageTooBig);
    const stalled = await server.connect();
    stalled.socket.send('{"type":"create"', { fin: false });
    expect((await stalled.closed).code).toBe(closeCodes.policyViolation);
  });
});

describe('edge: bytes', () => {
  it('counts bytes as well as frames: a few large frames go over the limit', async () => {
    const server = await startServer({ maxPayload: 4_096, rateLimit: { bytesPerSecond: 1, byteBurst: 8_192 } });
    const client = await server.connect();
    const large = JSON.stringify({ type: 'ping', padding: 'x'.repeat(3_000) });
    for (let n = 0; n < 3; n++) client.sendRaw(large);
    expect(await client.next()).toEqual({ type: 'pong' });
    expect(await client.next()).toEqual({ type: 'pong' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'rate-limited' });
  });

  it('drops signals for held seats past HELD_QUEUE_BYTES across the server, and takes them again once delivered', async () => {
    const server = await startServer({ heldQueueBytes: 10_000 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    await until(() => heldSeats(server, alice.joined.roomId) === 1);
    for (let n = 1; n <= 5; n++) alice.client.send({ type: 'signal', to: bob.joined.peerId, data: { n, padding: 'x'.repeat(4_000) } });
    await settle(alice.client);
    const again = await server.join(alice.joined.roomId, bob.joined.resume);
    await settle(again.client);
    expect(again.client.received.filter((message) => message.type === 'signal').map((message) => message.type === 'signal' && message.data.n)).toEqual([1, 2]);
    expect(server.app.rooms.queuedBytes).toBe(0);
  });
});
