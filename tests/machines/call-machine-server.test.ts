import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { buildApp } from '../../server/app.ts';
import { startCaller } from '../support/fakes/node-caller.ts';

/** What a test started, stopped after it: callers first, then the server. */
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<string> {
  const app: FastifyInstance = await buildApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}/ws`;
}

function caller(url: string) {
  const person = startCaller(url);
  cleanups.push(() => person.stop());
  return person;
}

/** Alice creates a room (of `capacity`) and Bob joins it by id; resolves once both are connected. */
async function aliceAndBob(capacity?: number) {
  const url = await startServer();
  const alice = caller(url);
  alice.actor.send(capacity === undefined ? { type: 'ui.create' } : { type: 'ui.create', capacity });
  const inRoom = await alice.until((snapshot) => snapshot.matches('inCall'));
  const roomId = inRoom.context.roomId ?? '';
  const bob = caller(url);
  bob.actor.send({ type: 'ui.join', roomId });
  await Promise.all([alice.connectedTo(1), bob.connectedTo(1)]);
  return { url, roomId, alice, bob };
}

describe('callMachine with the page\'s actors, a real server and a real WebRTC stack', () => {
  describe('happy path', () => {
    it('connects the person who created the room and the one who joined it, with each other\'s camera and mic', async () => {
      const { alice, bob } = await aliceAndBob();
      expect(alice.handshakes()).toEqual([[bob.context().selfId, 'connected']]);
      expect(bob.handshakes()).toEqual([[alice.context().selfId, 'connected']]);
      const alicePeer = bob.context().peers[0]!.ref;
      const seen = await waitFor(alicePeer, (snapshot) => (snapshot.context.remoteStream?.getTracks().length ?? 0) === 2, { timeout: 15_000 });
      const kinds = seen.context.remoteStream?.getTracks().map((track) => track.kind).sort();
      expect(kinds).toEqual(['audio', 'video']);
    });

    it('lets someone else join after the other person hung up', async () => {
      const { url, roomId, alice, bob } = await aliceAndBob();
      bob.actor.send({ type: 'ui.hangUp' });
      await alice.until((snapshot) => snapshot.context.peers.length === 0);
      expect(alice.actor.getSnapshot().value).toBe('inCall');

      const carol = caller(url);
      carol.actor.send({ type: 'ui.join', roomId });
      await Promise.all([alice.connectedTo(1), carol.connectedTo(1)]);
      expect(alice.handshakes()).toEqual([[carol.context().selfId, 'connected']]);
    });

    it('connects everyone in a room of three', async () => {
      const { url, roomId, alice, bob } = await aliceAndBob(3);
      const carol = caller(url);
      carol.actor.send({ type: 'ui.join', roomId });
      await Promise.all([alice.connectedTo(2), bob.connectedTo(2), carol.connectedTo(2)]);
      expect(carol.handshakes().map(([peerId]) => peerId)).toEqual([alice.context().selfId, bob.context().selfId]);
    });

    it('keeps its seat and the call when its socket drops, and the other side notices nothing', async () => {
      const { alice, bob } = await aliceAndBob();
      const selfId = alice.context().selfId;
      alice.sockets[0]?.terminate();
      await alice.until((snapshot) => snapshot.matches('rejoining'));
      await alice.until((snapshot) => snapshot.matches('inCall'));

      expect(alice.context().selfId).toBe(selfId);
      expect(alice.sockets).toHaveLength(2);
      expect(alice.handshakes()).toEqual([[bob.context().selfId, 'connected']]);
      expect(bob.handshakes()).toEqual([[selfId, 'connected']]);
    });
  });

  describe('failure', () => {
    it('says room-full to a third person in a room for two', async () => {
      const { url, roomId } = await aliceAndBob();
      const carol = caller(url);
      carol.actor.send({ type: 'ui.join', roomId });
      const failed = await carol.until((snapshot) => snapshot.matches('failed'));
      expect(failed.context.error?.code).toBe('room-full');
    });

    it('says room-not-found for a room that does not exist', async () => {
      const url = await startServer();
      const dave = caller(url);
      dave.actor.send({ type: 'ui.join', roomId: '00000000-0000-4000-8000-000000000000' });
      const failed = await dave.until((snapshot) => snapshot.matches('failed'));
      expect(failed.context.error?.code).toBe('room-not-found');
    });
  });
});
