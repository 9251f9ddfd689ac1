import { describe, expect, it } from 'vitest';
import { closeCodes } from '../../protocol/limits.ts';
import { settle, silentSocket, startServer, until } from './helpers.ts';

describe('connections: clean close and lost sockets', () => {
  it('lets a peer whose socket closed cleanly leave at once', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.close();
    expect(await alice.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: bob.joined.peerId });
    expect(server.stats()).toMatchObject({ members: 1 });
  });

  it('holds the seat of a peer lost without a close frame, and tells nobody yet', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    await until(() => server.stats().connections === 1);
    expect(server.stats()).toEqual({ rooms: 1, connections: 1, members: 2 });
    await settle(alice.client);
    expect(alice.client.unread()).toEqual([]);
    const carol = await server.connect();
    carol.send({ type: 'join', roomId: alice.joined.roomId });
    expect(await carol.next()).toMatchObject({ type: 'error', code: 'room-full', ref: 'join' });
  });

  it('tells the others peer-left once a lost peer\'s grace period runs out', async () => {
    const server = await startServer({ resumeGraceMs: 100 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    expect(await alice.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: bob.joined.peerId });
    expect(server.stats()).toEqual({ rooms: 1, connections: 1, members: 1 });
  });

  it('removes a room whose every peer was lost once their grace runs out', async () => {
    const server = await startServer({ resumeGraceMs: 100 });
    const alice = await server.create();
    await alice.client.drop();
    await until(() => server.stats().rooms === 0);
    expect(server.stats()).toEqual({ rooms: 0, connections: 0, members: 0 });
  });
});

describe('connections: resume', () => {
  it('resumes a lost peer with its peer id and a fresh token, then delivers queued signals in order', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    await until(() => server.stats().connections === 1);
    for (let n = 1; n <= 3; n++) alice.client.send({ type: 'signal', to: bob.joined.peerId, data: { candidate: { n } } });
    await settle(alice.client);
    expect(alice.client.unread()).toEqual([]);

    const again = await server.join(alice.joined.roomId, bob.joined.resume);
    expect(again.joined).toMatchObject({ peerId: bob.joined.peerId, peers: [alice.joined.peerId], capacity: 2 });
    expect(again.joined.resume).not.toBe(bob.joined.resume);
    for (let n = 1; n <= 3; n++) {
      expect(await again.client.next()).toEqual({ type: 'signal', from: alice.joined.peerId, data: { candidate: { n } } });
    }
    await settle(alice.client);
    expect(alice.client.received.filter((message) => message.type === 'peer-left')).toEqual([]);
    expect(alice.client.received.filter((message) => message.type === 'peer-joined')).toHaveLength(1);
    again.client.send({ type: 'signal', to: alice.joined.peerId, data: { back: true } });
    expect(await alice.client.next('signal')).toEqual({ type: 'signal', from: bob.joined.peerId, data: { back: true } });
  });

  it('replaces a still-open socket on resume, closing the old one with 4000 without a peer-left', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    const again = await server.join(alice.joined.roomId, bob.joined.resume);
    expect(again.joined.peerId).toBe(bob.joined.peerId);
    expect((await bob.client.closed).code).toBe(closeCodes.replaced);
    await until(() => server.stats().connections === 2);
    alice.client.send({ type: 'signal', to: bob.joined.peerId, data: { to: 'the new socket' } });
    expect(await again.client.next('signal')).toEqual({ type: 'signal', from: alice.joined.peerId, data: { to: 'the new socket' } });
    await settle(alice.client);
    expect(alice.client.received.some((message) => message.type === 'peer-left')).toBe(false);
    expect(server.stats()).toEqual({ rooms: 1, connections: 2, members: 2 });
  });

  it('treats an expired token as an ordinary join', async () => {
    const server = await startServer({ resumeGraceMs: 50 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    await alice.client.next('peer-left');
    const late = await server.join(alice.joined.roomId, bob.joined.resume);
    expect(late.joined.peerId).not.toBe(bob.joined.peerId);
    expect(await alice.client.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: late.joined.peerId });
  });

  it('treats a wrong token as an ordinary join, refused while the seat is held', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    await bob.client.drop();
    await until(() => server.stats().connections === 1);
    const impostor = await server.connect();
    impostor.send({ type: 'join', roomId: alice.joined.roomId, resume: alice.joined.resume.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
    expect(await impostor.next()).toMatchObject({ type: 'error', code: 'room-full', ref: 'join' });
  });
});

describe('connections: heartbeat', () => {
  it('drops a socket that stops answering pings and holds its seat, while answering sockets stay', async () => {
    const server = await startServer({ pingIntervalMs: 40, resumeGraceMs: 60_000 });
    const alice = await server.create();
    const silent = await silentSocket(server.url);
    silent.socket.send(JSON.stringify({ type: 'join', roomId: alice.joined.roomId }));
    await alice.client.next('peer-joined');
    expect(await silent.closed).toBe(1006);
    await until(() => server.stats().connections === 1);
    expect(server.stats().members).toBe(2);
    await settle(alice.client);
    expect(alice.client.received.some((message) => message.type === 'peer-left')).toBe(false);
    const joined = silent.received.find((message) => message.type === 'joined')!;
    const again = await server.join(alice.joined.roomId, (joined as { resume: string }).resume);
    expect(again.joined.peerId).toBe((joined as { peerId: string }).peerId);
  });
});

describe('connections: frames the server refuses', () => {
  it('closes with 1009 on a frame over the size limit, and the peer leaves at once', async () => {
    const server = await startServer({ maxPayload: 2_048 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: { sdp: 'x'.repeat(2_048) } });
    expect((await bob.client.closed).code).toBe(closeCodes.messageTooBig);
    expect(await alice.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: bob.joined.peerId });
    expect(alice.client.received.some((message) => message.type === 'signal')).toBe(false);
  });

  it('relays a frame just under the size limit', async () => {
    const server = await startServer({ maxPayload: 2_048 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    const envelope = JSON.stringify({ type: 'signal', to: alice.joined.peerId, data: { sdp: '' } }).length;
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: { sdp: 'x'.repeat(2_048 - envelope) } });
    expect((await alice.client.next('signal')).data.sdp).toHaveLength(2_048 - envelope);
  });

  it('closes with 1003 on a binary frame, and the peer leaves at once', async () => {
    const server = await startServer();
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    bob.client.sendRaw(Buffer.from('{"type":"ping"}'));
    expect((await bob.client.closed).code).toBe(closeCodes.unsupportedData);
    expect(await alice.client.next('peer-left')).toEqual({ type: 'peer-left', peerId: bob.joined.peerId });
  });

  it('keeps serving everyone else after one socket misbehaves', async () => {
    const server = await startServer({ maxPayload: 2_048 });
    const alice = await server.create();
    const bob = await server.join(alice.joined.roomId);
    const rogue = await server.connect();
    rogue.sendRaw('x'.repeat(4_096));
    await rogue.closed;
    bob.client.send({ type: 'signal', to: alice.joined.peerId, data: { still: 'here' } });
    expect(await alice.client.next('signal')).toMatchObject({ data: { still: 'here' } });
  });
});
