import { describe, expect, it } from 'vitest';
import { settle, startServer } from './helpers.ts';

describe('display names and peek over /ws', () => {
  describe('happy path', () => {
    it('tells everyone the names given on create and join, trimmed, and leaves out those who gave none', async () => {
      const server = await startServer();
      const ana = await server.connect();
      ana.send({ type: 'create', capacity: 4, name: '  Ana  ' });
      const anaJoined = await ana.next('joined');
      expect(anaJoined.names).toEqual({ [anaJoined.peerId]: 'Ana' });

      const bo = await server.connect();
      bo.send({ type: 'join', roomId: anaJoined.roomId, name: 'Bo' });
      const boJoined = await bo.next('joined');
      expect(boJoined.names).toEqual({ [anaJoined.peerId]: 'Ana', [boJoined.peerId]: 'Bo' });
      expect(await ana.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: boJoined.peerId, name: 'Bo' });

      const nameless = await server.join(anaJoined.roomId);
      expect(nameless.joined.names).toEqual({ [anaJoined.peerId]: 'Ana', [boJoined.peerId]: 'Bo' });
      expect(await bo.next('peer-joined')).toEqual({ type: 'peer-joined', peerId: nameless.joined.peerId });

      // Someone about to join sees who is there, oldest first, the nameless one only counted.
      const visitor = await server.connect();
      visitor.send({ type: 'peek', roomId: anaJoined.roomId });
      expect(await visitor.next('room')).toEqual({ type: 'room', roomId: anaJoined.roomId, capacity: 4, peers: 3, names: ['Ana', 'Bo'] });
    });

    it('relays a name that looks like markup exactly as given', async () => {
      const server = await startServer();
      const host = await server.create();
      const guest = await server.connect();
      guest.send({ type: 'join', roomId: host.joined.roomId, name: '<b onmouseover="x()">Eve</b>' });
      await guest.next('joined');
      expect((await host.client.next('peer-joined')).name).toBe('<b onmouseover="x()">Eve</b>');
    });

    it('answers peek with the room size and who is there, and changes nothing in the room', async () => {
      const server = await startServer();
      const host = await server.create(4);
      const visitor = await server.connect();
      visitor.send({ type: 'peek', roomId: host.joined.roomId });
      expect(await visitor.next()).toEqual({ type: 'room', roomId: host.joined.roomId, capacity: 4, peers: 1, names: [] });
      await settle(host.client);
      expect(host.client.received.filter((message) => message.type === 'peer-joined')).toEqual([]);
      expect(server.stats()).toEqual({ rooms: 1, connections: 2, members: 1 });
      // Peeking is not joining: the same socket may join afterwards.
      visitor.send({ type: 'join', roomId: host.joined.roomId });
      expect((await visitor.next('joined')).peers).toEqual([host.joined.peerId]);
    });
  });

  describe('failure', () => {
    it('refuses a name with a control character with bad-message, and the socket may try again', async () => {
      const server = await startServer();
      const client = await server.connect();
      client.send({ type: 'create', name: 'Bo\u0007' });
      expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-message', ref: 'create' });
      expect(server.stats().rooms).toBe(0);
      client.send({ type: 'create', name: 'Bo' });
      expect((await client.next('joined')).names).toBeDefined();
    });

    it('refuses a join with an over-long name before letting it in', async () => {
      const server = await startServer();
      const host = await server.create();
      const client = await server.connect();
      client.send({ type: 'join', roomId: host.joined.roomId, name: 'x'.repeat(65) });
      expect(await client.next()).toMatchObject({ type: 'error', code: 'bad-message', ref: 'join' });
      expect(server.stats().members).toBe(1);
    });

    it('answers peek with room-full or room-not-found, as a join would be answered', async () => {
      const server = await startServer();
      const host = await server.create(2);
      await server.join(host.joined.roomId);
      const visitor = await server.connect();
      visitor.send({ type: 'peek', roomId: host.joined.roomId });
      expect(await visitor.next()).toMatchObject({ type: 'error', code: 'room-full', ref: 'peek' });
      visitor.send({ type: 'peek', roomId: 'no-such-room' });
      expect(await visitor.next()).toMatchObject({ type: 'error', code: 'room-not-found', ref: 'peek' });
    });
  });
});
