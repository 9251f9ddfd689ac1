import { describe, expect, it } from 'vitest';
import { roomId, startCall } from '../support/fakes/start-call.ts';

type Call = ReturnType<typeof startCall>;

/** What a person notices after hanging up: nothing left on, nothing left connected. */
function expectEverythingReleased(call: Call) {
  const snapshot = call.actor.getSnapshot();
  expect(snapshot.value).toBe('ended');
  expect(snapshot.context.peers).toEqual([]);
  expect(snapshot.context.localStream).toBeNull();
  for (const stream of call.devices.streams) {
    expect(stream.getTracks().every((track) => track.readyState === 'ended')).toBe(true);
  }
  for (const pc of call.connections.connections) expect(pc.closed).toBe(true);
  for (const socket of call.signaling.sockets) expect(socket.closedByClient).toBe(true);
  const running = Object.values(snapshot.children).filter((child) => child?.getSnapshot().status === 'active');
  expect(running).toEqual([]);
}

describe('callMachine: hanging up', () => {
  describe('happy path', () => {
    it('from the call: sends leave, closes every connection, stops camera and mic', async () => {
      const call = startCall();
      await call.enter(['alice-peer', 'bob-peer'], roomId, { capacity: 3 });
      const peers = call.context().peers;
      call.actor.send({ type: 'ui.hangUp' });

      expect(call.signaling.last.sentTypes().at(-1)).toBe('leave');
      expect(call.connections.connections).toHaveLength(2);
      for (const peer of peers) expect(peer.ref.getSnapshot().status).toBe('stopped');
      expectEverythingReleased(call);
    });

    it('from the call with nobody else in it', async () => {
      const call = startCall();
      await call.enter();
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.signaling.last.sentTypes()).toEqual(['create', 'leave']);
      expectEverythingReleased(call);
    });

    it('while the room request is on its way: leaves so the seat is freed', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.create' });
      await call.reach('joining');
      call.signaling.last.open();
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.signaling.last.sentTypes()).toEqual(['create', 'leave']);
      expectEverythingReleased(call);
    });

    it('while the socket is still opening: closes it without a request', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.create' });
      await call.reach('joining');
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.signaling.last.sent).toEqual([]);
      expectEverythingReleased(call);
    });

    it('while the camera is being asked for: the camera turns off when it answers late', async () => {
      const call = startCall({ holdMedia: true });
      call.actor.send({ type: 'ui.create' });
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.actor.getSnapshot().value).toBe('ended');
      call.devices.release();
      await call.reach('ended');
      expect(call.signaling.sockets).toHaveLength(0);
      expectEverythingReleased(call);
    });

    it('after media was refused', async () => {
      const call = startCall({ camera: 'denied', mic: 'denied' });
      call.actor.send({ type: 'ui.create' });
      await call.reach({ media: 'blocked' });
      call.actor.send({ type: 'ui.hangUp' });
      expectEverythingReleased(call);
    });

    it('while rejoining after the socket was lost', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      call.signaling.last.drop();
      expect(call.actor.getSnapshot().matches('rejoining')).toBe(true);
      call.actor.send({ type: 'ui.hangUp' });
      expectEverythingReleased(call);
    });

    it('while the resume request is on its way: leaves on the new socket', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      call.signaling.last.drop();
      call.clock.increment(250);
      call.signaling.last.open();
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.signaling.last.sentTypes()).toEqual(['join', 'leave']);
      expectEverythingReleased(call);
    });

    it('then starts a new call from ended', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      call.actor.send({ type: 'ui.hangUp' });
      await call.enter([], undefined);
      expect(call.actor.getSnapshot().value).toBe('inCall');
      expect(call.signaling.sockets).toHaveLength(2);
      expect(call.devices.streams).toHaveLength(2);
    });

    it('then joins another room from ended', async () => {
      const call = startCall();
      await call.enter();
      call.actor.send({ type: 'ui.hangUp' });
      await call.enter(['erin-peer'], 'another-room');
      expect(call.signaling.last.sent.slice(0, 1)).toEqual([{ type: 'join', roomId: 'another-room' }]);
      expect(call.handshakes()).toEqual([['erin-peer', 'offering']]);
    });

    it('then goes back to the lobby from ended', async () => {
      const call = startCall();
      await call.enter();
      call.actor.send({ type: 'ui.hangUp' });
      call.actor.send({ type: 'ui.backToLobby' });
      expect(call.actor.getSnapshot().value).toBe('lobby');
      expect(call.context().roomId).toBeNull();
    });
  });

  describe('failure', () => {
    it('does nothing in the lobby', () => {
      const call = startCall();
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.actor.getSnapshot().value).toBe('lobby');
    });

    it('after a failure nothing is left running either', async () => {
      const call = startCall();
      await call.enter(['alice-peer'], roomId);
      call.signaling.last.drop(4000);
      expect(call.actor.getSnapshot().value).toBe('failed');
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.actor.getSnapshot().value).toBe('failed');
      for (const pc of call.connections.connections) expect(pc.closed).toBe(true);
      expect(call.localStream()).toBeNull();
      expect(call.devices.streams[0]?.getTracks().every((track) => track.readyState === 'ended')).toBe(true);
    });
  });
});
