import { describe, expect, it } from 'vitest';
import { joined, roomId, startCall } from '../support/fakes/start-call.ts';

/** Opens the room's link: the check's socket is greeted, the room is open, the camera is on. */
async function openLink(options: Parameters<typeof startCall>[0] = {}) {
  const call = startCall(options);
  call.actor.send({ type: 'ui.open', roomId });
  call.signaling.last.open();
  call.signaling.last.receive({ type: 'room', roomId, capacity: 2, peers: 1 });
  return call;
}

describe('callMachine opening a room link', () => {
  describe('happy path', () => {
    it('keeps who is in the room for the pre-join screen, as the check answered', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.open', roomId });
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'room', roomId, capacity: 4, peers: 2, names: ['Ana'] });
      await call.reach('prejoin');
      expect(call.context().present).toEqual({ peers: 2, names: ['Ana'] });

      // A server that sends no names: only how many.
      const older = await openLink();
      await older.reach('prejoin');
      expect(older.context().present).toEqual({ peers: 1, names: [] });
    });

    it('joins on the socket that checked the room: no second connection, no second greeting', async () => {
      const call = await openLink();
      await call.reach('prejoin');
      call.actor.send({ type: 'ui.joinCall' });
      expect(call.actor.getSnapshot().matches({ joining: 'requesting' })).toBe(true);
      expect(call.signaling.sockets).toHaveLength(1);
      expect(call.signaling.last.sentTypes()).toEqual(['peek', 'join']);

      call.signaling.last.receive(joined(['host-peer']));
      expect(call.actor.getSnapshot().matches('inCall')).toBe(true);
      expect(call.context().peers.map((peer) => peer.peerId)).toEqual(['host-peer']);
    });

    it('joins receive-only on the same socket when the camera was blocked', async () => {
      const call = await openLink({ camera: 'denied', mic: 'denied' });
      await call.reach({ media: 'blocked' });
      call.actor.send({ type: 'ui.receiveOnly' });
      expect(call.signaling.sockets).toHaveLength(1);
      expect(call.signaling.last.sentTypes()).toEqual(['peek', 'join']);
      expect(call.context().error).toBeNull();
    });

    it('opens a new socket when the first one was lost on the pre-join screen, and joins on it', async () => {
      const call = await openLink();
      await call.reach('prejoin');
      call.signaling.last.drop(1006);
      // Nothing is lost yet (no seat): the person stays on the pre-join screen, with no error.
      expect(call.actor.getSnapshot().matches('prejoin')).toBe(true);
      expect(call.context().error).toBeNull();

      call.actor.send({ type: 'ui.joinCall' });
      expect(call.signaling.sockets).toHaveLength(2);
      expect(call.actor.getSnapshot().matches({ joining: 'connecting' })).toBe(true);
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId }]);
    });

    it('opens a new socket when the first one was lost while the camera was asked for', async () => {
      const call = await openLink({ holdMedia: true });
      expect(call.actor.getSnapshot().matches('media')).toBe(true);
      call.signaling.last.drop(1012);
      call.devices.release();
      await call.reach('prejoin');
      call.actor.send({ type: 'ui.joinCall' });
      expect(call.signaling.sockets).toHaveLength(2);
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'join', roomId }]);
    });
  });

  describe('failure', () => {
    it('fails with signaling-lost when the new socket cannot get in either', async () => {
      const call = await openLink();
      await call.reach('prejoin');
      call.signaling.last.drop(1006);
      call.actor.send({ type: 'ui.joinCall' });
      call.signaling.last.drop(1006);
      expect(call.actor.getSnapshot().matches('failed')).toBe(true);
      expect(call.context().error?.code).toBe('signaling-lost');
    });

    it('says a room that filled up meanwhile when the join on the kept socket is refused', async () => {
      const call = await openLink();
      await call.reach('prejoin');
      call.actor.send({ type: 'ui.joinCall' });
      call.signaling.last.receive({ type: 'error', code: 'room-full', message: 'The room is full.', ref: 'join' });
      expect(call.actor.getSnapshot().matches('failed')).toBe(true);
      expect(call.context().error?.code).toBe('room-full');
      expect(call.signaling.last.closedByClient).toBe(true);
    });

    it('closes the kept socket when the person goes back to the lobby or hangs up', async () => {
      const back = await openLink();
      await back.reach('prejoin');
      back.actor.send({ type: 'ui.backToLobby' });
      expect(back.actor.getSnapshot().matches('lobby')).toBe(true);
      expect(back.signaling.last.closedByClient).toBe(true);

      const blocked = await openLink({ camera: 'denied', mic: 'denied' });
      await blocked.reach({ media: 'blocked' });
      blocked.actor.send({ type: 'ui.backToLobby' });
      expect(blocked.signaling.last.closedByClient).toBe(true);

      const hungUp = await openLink();
      await hungUp.reach('prejoin');
      hungUp.actor.send({ type: 'ui.hangUp' });
      expect(hungUp.actor.getSnapshot().matches('ended')).toBe(true);
      expect(hungUp.signaling.last.closedByClient).toBe(true);
    });
  });
});
