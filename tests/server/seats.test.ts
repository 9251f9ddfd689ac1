import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JoinedMessage } from '../../protocol/messages.ts';
import { startMain, type MainProcess } from '../support/main-process.ts';
import { TestClient } from '../support/test-client.ts';
import { settle, startServer, until } from './helpers.ts';

const secret = 'seats test secret, 32 characters';
const dirs: string[] = [];
const mains: MainProcess[] = [];

afterAll(async () => {
  for (const main of mains) if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill('SIGKILL');
  await Promise.all(mains.map((main) => main.exited));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Joins `joined`'s room again on `url` with its resume token, as a page coming back does. */
async function resume(url: string, joined: JoinedMessage): Promise<{ client: TestClient; joined: JoinedMessage }> {
  const client = await TestClient.ready(url);
  client.send({ type: 'join', roomId: joined.roomId, resume: joined.resume });
  return { client, joined: await client.next('joined') };
}

describe('seats that outlive the server: happy path', () => {
  it('re-establishes the room after a restart: same room, same peer ids, the others told resumed, and it goes on', async () => {
    const before = await startServer({ secret });
    const alice = await before.create(3);
    const bob = await before.join(alice.joined.roomId);
    await before.close();
    const after = await startServer({ secret });

    const aliceBack = await resume(after.url, alice.joined);
    expect(aliceBack.joined).toMatchObject({ roomId: alice.joined.roomId, peerId: alice.joined.peerId, peers: [], capacity: 3, restored: true });
    const bobBack = await resume(after.url, bob.joined);
    expect(bobBack.joined).toMatchObject({ roomId: alice.joined.roomId, peerId: bob.joined.peerId, peers: [alice.joined.peerId] });
    expect(await aliceBack.client.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: bob.joined.peerId, resumed: true });

    bobBack.client.send({ type: 'signal', to: alice.joined.peerId, data: { candidate: null } });
    expect(await aliceBack.client.next('signal')).toEqual({ type: 'signal', from: bob.joined.peerId, data: { candidate: null } });
    const carol = await after.join(alice.joined.roomId);
    expect(carol.joined.peers).toEqual([alice.joined.peerId, bob.joined.peerId]);
    expect(await bobBack.client.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: carol.joined.peerId });
    expect(after.stats()).toMatchObject({ rooms: 1, members: 3 });
  });

  it('gives the seat back to a retry with the previous token when the first answer was lost', async () => {
    const server = await startServer();
    const alice = await server.create();
    await server.join(alice.joined.roomId);
    await alice.client.drop();
    const first = await resume(server.url, alice.joined);
    await first.client.drop();
    // The retry knows only the token from before `first`: the seat is still its own, never room-full.
    const retry = await resume(server.url, alice.joined);
    expect(retry.joined.peerId).toBe(alice.joined.peerId);
    await retry.client.drop();
    const latest = await resume(server.url, retry.joined);
    expect(latest.joined.peerId).toBe(alice.joined.peerId);
    await latest.client.drop();
    // The newer token was used: the one before it is spent.
    const stale = await TestClient.ready(server.url);
    stale.send({ type: 'join', roomId: alice.joined.roomId, resume: alice.joined.resume });
    expect(await stale.next('error')).toMatchObject({ code: 'room-full' });
    stale.socket.terminate();
  });

  it('comes back after kill -9 and after SIGTERM of server/main.ts with its generated key file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-data-'));
    dirs.push(dataDir);
    const launch = async () => {
      const main = startMain({ DATA_DIR: dataDir, RESUME_GRACE_MS: '20000' });
      mains.push(main);
      return { main, url: `ws://127.0.0.1:${await main.port()}/ws` };
    };
    let server = await launch();
    const alice = await TestClient.ready(server.url);
    alice.send({ type: 'create' });
    let aliceSeat = await alice.next('joined');
    const bob = await TestClient.ready(server.url);
    bob.send({ type: 'join', roomId: aliceSeat.roomId });
    let bobSeat = await bob.next('joined');

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      server.main.child.kill(signal);
      await server.main.exited;
      server = await launch();
      const aliceBack = await resume(server.url, aliceSeat);
      const bobBack = await resume(server.url, bobSeat);
      expect([aliceBack.joined.peerId, bobBack.joined.peerId], signal).toEqual([aliceSeat.peerId, bobSeat.peerId]);
      expect(bobBack.joined.roomId).toBe(aliceSeat.roomId);
      expect(await aliceBack.client.next('peer-joined')).toMatchObject({ peerId: bobSeat.peerId, resumed: true });
      [aliceSeat, bobSeat] = [aliceBack.joined, bobBack.joined];
    }
    // Three starts of the server as its own process: on a busy machine each takes seconds.
  }, 180_000);
});

describe('seats that outlive the server: failure', () => {
  it('does not bring back a room whose people all left on this same server', async () => {
    const server = await startServer({ secret });
    const alice = await server.create();
    alice.client.send({ type: 'leave' });
    await alice.client.next('left');
    await until(() => server.stats().rooms === 0);
    const back = await TestClient.ready(server.url);
    back.send({ type: 'join', roomId: alice.joined.roomId, resume: alice.joined.resume });
    expect(await back.next('error')).toMatchObject({ code: 'room-not-found' });
    back.socket.terminate();
  });

  it('refuses seats of another deployment and seats that come back after the grace period', async () => {
    const before = await startServer({ secret });
    const alice = await before.create();
    await before.close();
    const other = await startServer({ secret: 'another deployment secret' });
    const stranger = await TestClient.ready(other.url);
    stranger.send({ type: 'join', roomId: alice.joined.roomId, resume: alice.joined.resume });
    expect(await stranger.next('error')).toMatchObject({ code: 'room-not-found' });
    stranger.socket.terminate();

    const late = await startServer({ secret, resumeGraceMs: 50 });
    await until(() => !late.app.seats.isReturnWindow(Date.now()));
    const tooLate = await TestClient.ready(late.url);
    tooLate.send({ type: 'join', roomId: alice.joined.roomId, resume: alice.joined.resume });
    expect(await tooLate.next('error')).toMatchObject({ code: 'room-not-found' });
    await settle(tooLate);
    expect(late.stats().rooms).toBe(0);
    tooLate.socket.terminate();
  });

  it('answers what a socket sends while its old seat is looked up in order, after the join', async () => {
    const server = await startServer({ secret });
    const client = await server.connect();
    client.send({ type: 'join', roomId: '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b', resume: 'a-token-from-nowhere-0123456789' });
    client.send({ type: 'ping' });
    client.send({ type: 'create' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'room-not-found' });
    expect(await client.next()).toEqual({ type: 'pong' });
    expect(await client.next()).toMatchObject({ type: 'joined' });
  });
});
