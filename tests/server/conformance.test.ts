/**
 * Conformance to docs/protocol.md: Connecting and the two message lists, checked from the
 * outside with a plain `ws` client that validates every server frame against
 * protocol/messages.ts. Written from the protocol text alone.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolProbe } from '../support/conformance-client.ts';
import { until, useProbeServers } from '../support/probe-server.ts';

const start = useProbeServers();

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base64url = /^[A-Za-z0-9_-]+$/;

/** A `ping` text frame of exactly `bytes` bytes, padded with `fill` in an ignored field. */
function pingOfBytes(bytes: number, fill = 'x'): string {
  const frame = (pad: string): string => `{"type":"ping","pad":"${pad}"}`;
  const room = bytes - Buffer.byteLength(frame(''));
  const pad = fill.repeat(Math.floor(room / Buffer.byteLength(fill)));
  return frame(pad + 'x'.repeat(room - Buffer.byteLength(pad)));
}

describe('transport: happy path', () => {
  it('sends {"type":"welcome","protocol":1} as the first frame of every socket', async () => {
    const server = await start();
    for (let i = 0; i < 3; i++) {
      const probe = await ProtocolProbe.open(server.url);
      server.probes.push(probe);
      expect(await probe.next()).toEqual({ type: 'welcome', protocol: 1 });
    }
  });

  it('sends welcome before answering a message sent the moment the socket opened', async () => {
    const server = await start();
    const probe = await ProtocolProbe.open(server.url);
    server.probes.push(probe);
    probe.send({ type: 'ping' });
    probe.send({ type: 'create' });
    expect(await probe.next()).toEqual({ type: 'welcome', protocol: 1 });
    expect(await probe.next()).toEqual({ type: 'pong' });
    await probe.expect('joined');
  });

  it('answers an application-level ping with pong, as often as asked', async () => {
    const server = await start();
    const probe = await server.open();
    for (let i = 0; i < 5; i++) probe.send({ type: 'ping' });
    for (let i = 0; i < 5; i++) expect(await probe.next()).toEqual({ type: 'pong' });
  });

  it('accepts a frame of exactly the size limit', async () => {
    const server = await start({ maxPayload: 2048 });
    const probe = await server.open();
    const frame = pingOfBytes(2048);
    expect(Buffer.byteLength(frame)).toBe(2048);
    probe.sendText(frame);
    await probe.expect('pong');
  });

  it('keeps the default limit at 64 KiB', async () => {
    const server = await start();
    const probe = await server.open();
    probe.sendText(pingOfBytes(64 * 1024));
    await probe.expect('pong');
    probe.sendText(pingOfBytes(64 * 1024 + 1));
    expect((await probe.ended()).code).toBe(1009);
  });

  it('pings at the WebSocket level, and keeps a client that answers', async () => {
    const server = await start({ pingIntervalMs: 40 });
    const probe = await server.open();
    let pings = 0;
    probe.socket.on('ping', () => pings++);
    await until(() => pings >= 4);
    expect(probe.isOpen).toBe(true);
    await probe.settle();
  });
});

describe('transport: failure', () => {
  it('closes with 1009 on a frame one byte over the limit', async () => {
    const server = await start({ maxPayload: 2048 });
    const probe = await server.open();
    probe.sendText(pingOfBytes(2049));
    expect((await probe.ended()).code).toBe(1009);
    expect(probe.unread()).toEqual([]);
  });

  it('measures the limit in bytes, not characters', async () => {
    const server = await start({ maxPayload: 2048 });
    const probe = await server.open();
    const frame = pingOfBytes(2100, 'é');
    expect(frame.length).toBeLessThan(2048);
    probe.sendText(frame);
    expect((await probe.ended()).code).toBe(1009);
  });

  it('closes with 1003 on a binary frame, even one holding a valid message', async () => {
    const server = await start();
    const probe = await server.open();
    probe.sendBinary(Buffer.from('{"type":"ping"}'));
    expect((await probe.ended()).code).toBe(1003);
    expect(probe.unread()).toEqual([]);
  });

  it('drops a client that stops answering WebSocket pings', async () => {
    const server = await start({ pingIntervalMs: 30 });
    const silent = await server.open({ autoPong: false });
    const alive = await server.open();
    await silent.ended();
    expect(alive.isOpen).toBe(true);
    await alive.settle();
  });
});

describe('client → server: happy path', () => {
  it('creates a two-peer room for {"type":"create"} and joins the creator to it', async () => {
    const server = await start();
    const { probe, joined } = await server.create();
    expect(joined).toMatchObject({ type: 'joined', capacity: 2, peers: [] });
    expect(joined.roomId).toMatch(uuidV4);
    const { joined: second } = await server.join(joined.roomId);
    expect(second.peers).toEqual([joined.peerId]);
    const third = await server.open();
    third.send({ type: 'join', roomId: joined.roomId });
    await third.expectError('room-full');
    expect(await probe.next()).toEqual({ type: 'peer-joined', peerId: second.peerId });
  });

  it.each([2, 3, 8])('creates a room holding exactly the capacity asked for (%i)', async (capacity) => {
    const server = await start();
    const { joined } = await server.create(capacity);
    expect(joined.capacity).toBe(capacity);
    for (let seat = 2; seat <= capacity; seat++) {
      const { joined: member } = await server.join(joined.roomId);
      expect(member.capacity).toBe(capacity);
      expect(member.peers).toHaveLength(seat - 1);
    }
    const late = await server.open();
    late.send({ type: 'join', roomId: joined.roomId });
    await late.expectError('room-full');
  });

  it('lets a server with a higher maximum accept it, and refuses one above it', async () => {
    const server = await start({ maxCapacity: 12 });
    const { joined } = await server.create(12);
    expect(joined.capacity).toBe(12);
    const probe = await server.open();
    probe.send({ type: 'create', capacity: 13 });
    expect((await probe.expectError('bad-message')).ref).toBe('create');
  });

  it('joins an existing room and tells its members', async () => {
    const server = await start();
    const { probe: alice, joined: created } = await server.create();
    const { joined } = await server.join(created.roomId);
    expect(joined).toMatchObject({ type: 'joined', roomId: created.roomId, peers: [created.peerId], capacity: 2 });
    expect(joined.peerId).not.toBe(created.peerId);
    expect(await alice.next()).toEqual({ type: 'peer-joined', peerId: joined.peerId });
  });

  it.each([
    ['a description', { description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } }],
    ['a candidate', { candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' } }],
    ['the end of candidates', { candidate: null }],
    ['an opaque object', { anything: [1, 'two', { three: null }], nested: { deeper: { deepest: true } } }],
    ['an empty object', {}],
  ])('relays %s to the named peer unchanged', async (_, data) => {
    const server = await start();
    const { probe: alice, joined: a } = await server.create();
    const { probe: bob, joined: b } = await server.join(a.roomId);
    await alice.expect('peer-joined');
    bob.send({ type: 'signal', to: a.peerId, data });
    expect(await alice.next()).toEqual({ type: 'signal', from: b.peerId, data });
    expect(await bob.settle()).toEqual([]);
  });

  it('answers leave with left and keeps the socket open for a new create or join', async () => {
    const server = await start();
    const { probe, joined } = await server.create();
    probe.send({ type: 'leave' });
    expect(await probe.next()).toEqual({ type: 'left' });
    expect(probe.isOpen).toBe(true);
    probe.send({ type: 'create' });
    const again = await probe.expect('joined');
    expect(again.roomId).not.toBe(joined.roomId);
    probe.send({ type: 'leave' });
    await probe.expect('left');
    const { joined: other } = await server.create();
    probe.send({ type: 'join', roomId: other.roomId });
    expect((await probe.expect('joined')).peers).toEqual([other.peerId]);
  });
});

describe('server → client: joined', () => {
  it('carries a lowercase UUID v4 room id, a peer id of 8+ characters and a 128-bit resume token', async () => {
    const server = await start({ maxCapacity: 8 });
    const { joined } = await server.create(8);
    const all = [joined];
    for (let i = 0; i < 7; i++) all.push((await server.join(joined.roomId)).joined);
    for (const message of all) {
      expect(message.roomId).toMatch(uuidV4);
      expect(message.peerId.length).toBeGreaterThanOrEqual(8);
      expect(message.resume).toMatch(base64url);
      expect(message.resume.length).toBeGreaterThanOrEqual(22);
      expect(message.iceServers).toEqual([]);
    }
    expect(new Set(all.map((message) => message.peerId)).size).toBe(8);
    expect(new Set(all.map((message) => message.resume)).size).toBe(8);
  });

  it('lists the peers already in the room, oldest first, and never the newcomer itself', async () => {
    const server = await start();
    const { joined: a } = await server.create(5);
    const { joined: b } = await server.join(a.roomId);
    const { probe: carol, joined: c } = await server.join(a.roomId);
    expect(c.peers).toEqual([a.peerId, b.peerId]);
    carol.send({ type: 'leave' });
    await carol.expect('left');
    const { joined: d } = await server.join(a.roomId);
    expect(d.peers).toEqual([a.peerId, b.peerId]);
    const { joined: e } = await server.join(a.roomId);
    expect(e.peers).toEqual([a.peerId, b.peerId, d.peerId]);
  });

  it('tells every member already there that the newcomer joined, so it can await its offer', async () => {
    const server = await start();
    const { probe: alice, joined: a } = await server.create(3);
    const { probe: bob, joined: b } = await server.join(a.roomId);
    const { probe: carol, joined: c } = await server.join(a.roomId);
    expect(await alice.settle()).toEqual([
      { type: 'peer-joined', peerId: b.peerId },
      { type: 'peer-joined', peerId: c.peerId },
    ]);
    expect(await bob.settle()).toEqual([{ type: 'peer-joined', peerId: c.peerId }]);
    expect(await carol.settle()).toEqual([]);
  });

  it('hands out the configured STUN servers', async () => {
    const server = await start({ stunUrls: ['stun:stun.example.org:3478'] });
    const { joined } = await server.create();
    expect(joined.iceServers).toEqual([{ urls: ['stun:stun.example.org:3478'] }]);
  });

  it('hands out TURN with credentials minted per peer, never the shared secret', async () => {
    const secret = 'a-shared-secret-with-coturn';
    const server = await start({ turnUrls: ['turn:turn.example.org:3478'], turnSecret: secret });
    const { probe, joined: a } = await server.create();
    const { joined: b } = await server.join(a.roomId);
    for (const joined of [a, b]) {
      const turn = joined.iceServers.find((ice) => [ice.urls].flat().some((url) => url.startsWith('turn:')));
      expect(turn?.username).toEqual(expect.any(String));
      expect(turn?.credential).toEqual(expect.any(String));
    }
    expect(a.iceServers[0]?.credential).not.toBe(b.iceServers[0]?.credential);
    await probe.settle();
    for (const text of server.probes.flatMap((each) => each.texts)) expect(text).not.toContain(secret);
  });
});

describe('server → client: the other answers', () => {
  it('tells the others peer-left when a member leaves, and answers it left', async () => {
    const server = await start();
    const { probe: alice, joined: a } = await server.create(3);
    const { probe: bob, joined: b } = await server.join(a.roomId);
    const { probe: carol } = await server.join(a.roomId);
    await alice.settle();
    await bob.settle();
    bob.send({ type: 'leave' });
    expect(await bob.next()).toEqual({ type: 'left' });
    expect(await alice.next()).toEqual({ type: 'peer-left', peerId: b.peerId });
    expect(await carol.next()).toEqual({ type: 'peer-left', peerId: b.peerId });
  });

  it('sets the relayed signal\'s "from" itself, whatever the sender wrote', async () => {
    const server = await start();
    const { probe: alice, joined: a } = await server.create(3);
    const { probe: bob, joined: b } = await server.join(a.roomId);
    const { joined: c } = await server.join(a.roomId);
    await alice.settle();
    bob.send({ type: 'signal', to: a.peerId, from: c.peerId, data: { x: 1 } });
    bob.send({ type: 'signal', to: a.peerId, from: a.peerId, data: { x: 2 } });
    expect(await alice.next()).toEqual({ type: 'signal', from: b.peerId, data: { x: 1 } });
    expect(await alice.next()).toEqual({ type: 'signal', from: b.peerId, data: { x: 2 } });
  });

  it('never relays a client\'s unknown fields, only its data', async () => {
    const server = await start();
    const { probe: alice, joined: a } = await server.create();
    const { probe: bob } = await server.join(a.roomId);
    await alice.settle();
    bob.send({ type: 'signal', to: a.peerId, data: { keep: true }, secretField: 'leak-me', type2: 'x', peers: ['p'] });
    await alice.expect('signal');
    const text = alice.texts.at(-1)!;
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['data', 'from', 'type']);
    expect(text).not.toContain('leak-me');
  });

  it('accepts messages of newer clients with extra fields', async () => {
    const server = await start();
    const probe = await server.open();
    probe.send({ type: 'create', capacity: 2, video: 'hd', v: 2 });
    const joined = await probe.expect('joined');
    const other = await server.open();
    other.send({ type: 'join', roomId: joined.roomId, nickname: 'bob', resume: undefined });
    await other.expect('joined');
    other.send({ type: 'ping', at: 123 });
    await other.expect('pong');
    other.send({ type: 'leave', reason: 'bye' });
    await other.expect('left');
  });
});
