import { describe, expect, it } from 'vitest';
import { sendLimitFor } from '../../machines/peer/send-limit.ts';
import { FakeTrack } from '../support/fakes/fake-media.ts';
import { joined, roomId, startCall, startConnectedCall } from '../support/fakes/start-call.ts';

const offer = { type: 'offer', sdp: 'v=0 remote offer' } as const;

describe('callMachine in a group', () => {
  describe('happy path', () => {
    it('sends the name and room size asked for, and learns everyone\'s names', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.create', capacity: 6, name: 'Ana' });
      await call.reach('joining');
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'create', capacity: 6, name: 'Ana' }]);
      call.signaling.last.receive(joined([], { capacity: 6, names: { 'self-peer': 'Ana' } }));
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'bo-peer', name: 'Bo' });
      expect(call.context().names).toEqual({ 'self-peer': 'Ana', 'bo-peer': 'Bo' });

      call.signaling.last.receive({ type: 'peer-left', peerId: 'bo-peer' });
      // Kept after they left, so the page can say who it was.
      expect(call.context()).toMatchObject({ lastLeft: 'bo-peer', names: { 'bo-peer': 'Bo' } });
    });

    it('opening a link peeks at the room before the camera, then waits on the pre-join screen', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.open', roomId });
      expect(call.actor.getSnapshot().matches('checking')).toBe(true);
      call.signaling.last.open();
      expect(call.signaling.last.sent).toEqual([{ type: 'peek', roomId }]);
      expect(call.devices.requests).toEqual([]);

      call.signaling.last.receive({ type: 'room', roomId, capacity: 4, peers: 2 });
      await call.reach('prejoin');
      expect(call.devices.requests).toHaveLength(1);
      // The peek's socket stays open: the join goes on it when the person enters.
      expect(call.signaling.sockets.map((socket) => socket.closedByClient)).toEqual([false]);

      call.actor.send({ type: 'ui.joinCall', name: 'Cy' });
      expect(call.signaling.sockets).toHaveLength(1);
      expect(call.signaling.last.sent).toEqual([{ type: 'peek', roomId }, { type: 'join', roomId, name: 'Cy' }]);
    });

    it('scales every video sender down as the call grows, and up again as it shrinks', async () => {
      const call = startCall();
      await call.enter(['a-peer', 'b-peer'], roomId);
      const [a, b] = call.connections.connections;
      for (const peer of ['a-peer', 'b-peer']) call.signaling.last.receive({ type: 'signal', from: peer, data: { description: { type: 'answer', sdp: 'v=0' } } });
      expect([a!.sendLimit, b!.sendLimit]).toEqual([sendLimitFor(2), sendLimitFor(2)]);

      call.signaling.last.receive({ type: 'peer-joined', peerId: 'c-peer' });
      call.signaling.last.receive({ type: 'signal', from: 'c-peer', data: { description: offer } });
      const c = call.connections.last;
      expect([a!.sendLimit, b!.sendLimit, c.sendLimit]).toEqual([sendLimitFor(3), sendLimitFor(3), sendLimitFor(3)]);
      expect(sendLimitFor(3).maxBitrate).toBeLessThan(sendLimitFor(2).maxBitrate);

      call.signaling.last.receive({ type: 'peer-left', peerId: 'a-peer' });
      expect([b!.sendLimit, c.sendLimit]).toEqual([sendLimitFor(2), sendLimitFor(2)]);
    });

    it('tells every peer over the data channel when the mic or camera is switched', async () => {
      const { call, pc } = await startConnectedCall();
      expect(pc.sentMessages).toEqual([{ type: 'status', micMuted: false, cameraOff: false }]);

      call.actor.send({ type: 'ui.toggleMic' });
      call.actor.send({ type: 'ui.toggleCamera' });
      call.actor.send({ type: 'ui.toggleMic' });
      expect(pc.sentMessages.slice(1)).toEqual([
        { type: 'status', micMuted: true, cameraOff: false },
        { type: 'status', micMuted: true, cameraOff: true },
        { type: 'status', micMuted: false, cameraOff: true },
      ]);
      pc.emit({ type: 'pc.message', message: { type: 'status', micMuted: true, cameraOff: false } });
      expect(call.context().peers[0]!.ref.getSnapshot().context.remoteStatus).toEqual({ micMuted: true, cameraOff: false });
    });

    it('sends a newly picked camera in place of the old one, with no new offer, and releases the old one', async () => {
      const call = startCall();
      await call.enter(['a-peer'], roomId);
      call.signaling.last.receive({ type: 'signal', from: 'a-peer', data: { description: { type: 'answer', sdp: 'v=0' } } });
      const pc = call.connections.last;
      const old = call.localStream()!.getVideoTracks()[0]!;
      const sentBefore = call.signaling.last.sent.length;
      call.actor.send({ type: 'ui.toggleCamera' });

      const picked = new FakeTrack('usb-camera', 'video');
      call.actor.send({ type: 'ui.useTrack', track: picked as unknown as MediaStreamTrack });

      expect(pc.replacedTracks).toEqual(['usb-camera']);
      expect(old.readyState).toBe('ended');
      expect(call.localStream()!.getVideoTracks()).toEqual([picked]);
      // The camera is still switched off: the new one sends black too.
      expect(picked.enabled).toBe(false);
      expect(call.signaling.last.sent.slice(sentBefore).filter((message) => message.type === 'signal')).toEqual([]);
    });
  });

  describe('failure', () => {
    it('says a full room before ever asking for the camera', async () => {
      const call = startCall();
      call.actor.send({ type: 'ui.open', roomId });
      call.signaling.last.open();
      call.signaling.last.receive({ type: 'error', code: 'room-full', message: 'The room is full.', ref: 'peek' });
      expect(call.actor.getSnapshot().matches('failed')).toBe(true);
      expect(call.context().error?.code).toBe('room-full');
      expect(call.devices.requests).toEqual([]);
    });

    it('does not use a picked device it has nothing to replace with, and releases it', async () => {
      const call = startCall();
      const picked = new FakeTrack('usb-camera', 'video');
      call.actor.send({ type: 'ui.useTrack', track: picked as unknown as MediaStreamTrack });
      expect(picked.readyState).toBe('ended');
    });
  });
});
