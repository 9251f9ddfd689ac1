/**
 * Conformance to docs/protocol.md: room ids and "Rooms, leaving and coming back" — room lifetime, clean closes
 * and lost connections, the grace period, resuming with its queue, and replaced sockets —
 * checked from the outside with a plain `ws` client.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolProbe } from '../support/conformance-client.ts';
import { until, useProbeServers, type ProbeServer } from '../support/probe-server.ts';

const start = useProbeServers();

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A room of `capacity` (default 2) with `count` members who have read everything so far. */
async function room(server: ProbeServer, count: number, capacity = count) {
  const { probe, joined } = await server.create(capacity);
  const members = [{ probe, joined }];
  for (let i = 1; i < count; i++) members.push(await server.join(joined.roomId));
  for (const member of members) await member.probe.settle();
  return members;
}

/** Drops `probe` without a close frame and waits until the server has noticed. */
async function lose(server: ProbeServer, probe: ProtocolProbe): Promise<void> {
  const before = server.stats().connections;
  await probe.drop();
  await server.connectionsSettle(before - 1);
}

describe('identifiers', () => {
  it('draws a distinct lowercase UUID v4 for every room', async () => {
    const server = await start();
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { joined } = await server.create();
      expect(joined.roomId).toMatch(uuidV4);
      ids.add(joined.roomId);
    }
    expect(ids.size).toBe(30);
  });

  it('hands out a fresh resume token on every joined, a resumed one too, and the fresh one resumes', async () => {
    const server = await start();
    const [, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    const first = await server.join(bob!.joined.roomId, bob!.joined.resume);
    expect(first.joined.resume).not.toBe(bob!.joined.resume);
    await lose(server, first.probe);
    const second = await server.join(bob!.joined.roomId, first.joined.resume);
    expect(second.joined.peerId).toBe(bob!.joined.peerId);
    expect(new Set([bob!.joined.resume, first.joined.resume, second.joined.resume]).size).toBe(3);
  });

  it('never writes a full room id to the log at info level', async () => {
    const lines: string[] = [];
    const server = await start({ logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } });
    const [alice] = await room(server, 2);
    const { port } = new URL(server.url);
    expect((await fetch(`http://127.0.0.1:${port}/r/${alice!.joined.roomId}`)).status).toBe(200);
    alice!.probe.send({ type: 'leave' });
    await alice!.probe.expect('left');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(alice!.joined.roomId);
  });
});

describe('rooms: lifetime and clean closes', () => {
  it('keeps a room while anyone is in it, creator gone or not, and ends it with its last peer', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    alice!.probe.send({ type: 'leave' });
    await alice!.probe.expect('left');
    const carol = await server.join(bob!.joined.roomId);
    expect(carol.joined.peers).toEqual([bob!.joined.peerId]);
    await bob!.probe.close();
    expect(await carol.probe.next()).toEqual({ type: 'peer-left', peerId: bob!.joined.peerId });
    carol.probe.send({ type: 'leave' });
    await carol.probe.expect('left');
    const late = await server.open();
    late.send({ type: 'join', roomId: bob!.joined.roomId });
    await late.expectError('room-not-found');
  });

  it.each([
    ['1000 (normal)', 1000],
    ['1001 (going away, as a closing tab)', 1001],
    ['no status code', undefined],
    ['an application code (4999)', 4999],
  ])('lets a socket that closes cleanly with %s leave at once, freeing its seat', async (_, code) => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    bob!.probe.socket.close(code);
    await bob!.probe.closed;
    expect(await alice!.probe.next()).toEqual({ type: 'peer-left', peerId: bob!.joined.peerId });
    const carol = await server.join(alice!.joined.roomId);
    expect(carol.joined.peers).toEqual([alice!.joined.peerId]);
  });

  it('treats the token of a peer that left as an ordinary join', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await bob!.probe.close(1000);
    await alice!.probe.expect('peer-left');
    const again = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(again.joined.peerId).not.toBe(bob!.joined.peerId);
    expect(await alice!.probe.next()).toEqual({ type: 'peer-joined', peerId: again.joined.peerId });
  });

  it.each([
    ['a binary frame (1003)', 1003, (probe: ProtocolProbe) => probe.sendBinary(Buffer.from('{"type":"ping"}'))],
    ['a frame over the limit (1009)', 1009, (probe: ProtocolProbe) => probe.sendText(`{"type":"ping","pad":"${'x'.repeat(5000)}"}`)],
    ['a text frame that is not UTF-8 (1007)', 1007, (probe: ProtocolProbe) => probe.sendTextBytes(Buffer.from([0x7b, 0xff, 0x7d]))],
  ])('lets a member closed by the server for %s leave at once', async (_, code, offend) => {
    const server = await start({ maxPayload: 4096 });
    const [alice, bob] = await room(server, 2);
    offend(bob!.probe);
    expect((await bob!.probe.ended()).code).toBe(code);
    expect(await alice!.probe.next()).toEqual({ type: 'peer-left', peerId: bob!.joined.peerId });
  });

  it('lets a member closed for flooding (1008) leave at once', async () => {
    const server = await start({ rateLimit: { perSecond: 1, burst: 5, noticeIntervalMs: 0, abuseWindowMs: 100 } });
    const [alice, bob] = await room(server, 2);
    const timer = setInterval(() => {
      for (let i = 0; i < 10 && bob!.probe.isOpen; i++) bob!.probe.send({ type: 'ping' });
    }, 5);
    try {
      expect((await bob!.probe.ended()).code).toBe(1008);
    } finally {
      clearInterval(timer);
    }
    expect(await alice!.probe.next()).toEqual({ type: 'peer-left', peerId: bob!.joined.peerId });
  });

  it('lets a peer leave and join the same room again as a new peer', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    bob!.probe.send({ type: 'leave' });
    await bob!.probe.expect('left');
    bob!.probe.send({ type: 'join', roomId: alice!.joined.roomId });
    const again = await bob!.probe.expect('joined');
    expect(again.peerId).not.toBe(bob!.joined.peerId);
    expect(await alice!.probe.settle()).toEqual([
      { type: 'peer-left', peerId: bob!.joined.peerId },
      { type: 'peer-joined', peerId: again.peerId },
    ]);
  });

  it('relays a signal only inside the sender\'s room', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    const [carol, dave] = await room(server, 2);
    alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { n: 1 } });
    carol!.probe.send({ type: 'signal', to: dave!.joined.peerId, data: { n: 2 } });
    expect(await bob!.probe.settle()).toEqual([{ type: 'signal', from: alice!.joined.peerId, data: { n: 1 } }]);
    expect(await dave!.probe.settle()).toEqual([{ type: 'signal', from: carol!.joined.peerId, data: { n: 2 } }]);
    expect(await alice!.probe.settle()).toEqual([]);
    expect(await carol!.probe.settle()).toEqual([]);
  });
});

describe('rooms: lost connections and the grace period', () => {
  it('holds the seat of a lost peer: the others see nothing and a newcomer finds the room full', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    expect(await alice!.probe.settle()).toEqual([]);
    const late = await server.open();
    late.send({ type: 'join', roomId: alice!.joined.roomId });
    await late.expectError('room-full');
  });

  it('tells the others peer-left when the grace period expires, and frees the seat', async () => {
    const server = await start({ resumeGraceMs: 100 });
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    expect(await alice!.probe.next()).toEqual({ type: 'peer-left', peerId: bob!.joined.peerId });
    const carol = await server.join(alice!.joined.roomId);
    expect(carol.joined.peers).toEqual([alice!.joined.peerId]);
  });

  it('treats an expired token as an ordinary join', async () => {
    const server = await start({ resumeGraceMs: 100 });
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    await alice!.probe.expect('peer-left');
    const late = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(late.joined.peerId).not.toBe(bob!.joined.peerId);
    expect(await alice!.probe.next()).toEqual({ type: 'peer-joined', peerId: late.joined.peerId });
  });

  it('ends a room whose every peer was lost once the grace period expires', async () => {
    const server = await start({ resumeGraceMs: 100 });
    const [alice, bob] = await room(server, 2);
    await lose(server, alice!.probe);
    await lose(server, bob!.probe);
    await until(() => server.stats().rooms === 0);
    const late = await server.open();
    late.send({ type: 'join', roomId: alice!.joined.roomId, resume: alice!.joined.resume });
    await late.expectError('room-not-found');
  });

  it('keeps the seat of a peer dropped by the heartbeat, so it can resume', async () => {
    const server = await start({ pingIntervalMs: 30 });
    const { probe: alice, joined: a } = await server.create();
    const silent = await server.open({ autoPong: false });
    silent.send({ type: 'join', roomId: a.roomId });
    const b = await silent.expect('joined');
    await alice.expect('peer-joined');
    await silent.ended();
    await server.connectionsSettle(1);
    expect(await alice.settle()).toEqual([]);
    const resumed = await server.join(a.roomId, b.resume);
    expect(resumed.joined.peerId).toBe(b.peerId);
    expect(await alice.settle()).toEqual([]);
  });
});

describe('rooms: resuming', () => {
  it('gives the same peer id back and tells the others nothing', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(resumed.joined).toMatchObject({ roomId: alice!.joined.roomId, peerId: bob!.joined.peerId, peers: [alice!.joined.peerId], capacity: 2 });
    expect(await alice!.probe.settle()).toEqual([]);
    alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { after: true } });
    expect(await resumed.probe.next()).toEqual({ type: 'signal', from: alice!.joined.peerId, data: { after: true } });
  });

  it('delivers the signals queued for a lost peer in order, right after its joined', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    for (let seq = 0; seq < 10; seq++) alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { seq } });
    expect(await alice!.probe.settle()).toEqual([]);
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    const delivered = await resumed.probe.settle();
    expect(delivered).toEqual(Array.from({ length: 10 }, (_, seq) => ({ type: 'signal', from: alice!.joined.peerId, data: { seq } })));
  });

  it('queues at most 64 signals, dropping the oldest first', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    for (let seq = 0; seq < 70; seq++) alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { seq } });
    await alice!.probe.settle();
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    const seqs = (await resumed.probe.settle()).map((frame) => (frame.type === 'signal' ? frame.data.seq : frame.type));
    expect(seqs).toEqual(Array.from({ length: 64 }, (_, i) => i + 6));
  });

  it('queues at most 256 KiB of signals, dropping the oldest first', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    const pad = 'x'.repeat(60_000);
    for (let seq = 0; seq < 6; seq++) alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { seq, pad } });
    await alice!.probe.settle();
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    const seqs = (await resumed.probe.settle()).map((frame) => (frame.type === 'signal' ? frame.data.seq : frame.type));
    // Four 60 kB signals fit in 256 KiB, five do not.
    expect(seqs).toEqual([2, 3, 4, 5]);
  });

  it('does not queue membership changes: the resumed joined lists the peers present then', async () => {
    const server = await start();
    const [alice, bob, carol] = await room(server, 3, 4);
    await lose(server, bob!.probe);
    carol!.probe.send({ type: 'leave' });
    await carol!.probe.expect('left');
    const dave = await server.join(alice!.joined.roomId);
    expect(dave.joined.peers).toEqual([alice!.joined.peerId, bob!.joined.peerId]);
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(resumed.joined.peers).toEqual([alice!.joined.peerId, dave.joined.peerId]);
    expect(await resumed.probe.settle()).toEqual([]);
    expect(await alice!.probe.settle()).toEqual([
      { type: 'peer-left', peerId: carol!.joined.peerId },
      { type: 'peer-joined', peerId: dave.joined.peerId },
    ]);
  });

  it('replaces a socket that still looks alive, closing the old one with 4000', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    const replacement = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(replacement.joined.peerId).toBe(bob!.joined.peerId);
    expect((await bob!.probe.ended()).code).toBe(4000);
    expect(bob!.probe.unread()).toEqual([]);
    expect(await alice!.probe.settle()).toEqual([]);
    alice!.probe.send({ type: 'signal', to: bob!.joined.peerId, data: { to: 'the new socket' } });
    expect(await replacement.probe.next()).toEqual({ type: 'signal', from: alice!.joined.peerId, data: { to: 'the new socket' } });
  });

  it('treats a wrong token as an ordinary join, so it finds the room full while the seat is held', async () => {
    const server = await start();
    const [alice, bob] = await room(server, 2);
    await lose(server, bob!.probe);
    const stranger = await server.open();
    for (const resume of ['wrong', '', bob!.joined.resume.toUpperCase(), `${bob!.joined.resume}x`]) {
      stranger.send({ type: 'join', roomId: alice!.joined.roomId, resume });
      expect((await stranger.expectError('room-full')).ref).toBe('join');
    }
    const resumed = await server.join(alice!.joined.roomId, bob!.joined.resume);
    expect(resumed.joined.peerId).toBe(bob!.joined.peerId);
    expect(await alice!.probe.settle()).toEqual([]);
  });

  it('refuses a resume into another room than the token\'s as an ordinary join', async () => {
    const server = await start();
    const [, bob] = await room(server, 2);
    const [carol] = await room(server, 1, 2);
    await lose(server, bob!.probe);
    const elsewhere = await server.join(carol!.joined.roomId, bob!.joined.resume);
    expect(elsewhere.joined.peerId).not.toBe(bob!.joined.peerId);
    expect(await carol!.probe.next()).toEqual({ type: 'peer-joined', peerId: elsewhere.joined.peerId });
  });
});
