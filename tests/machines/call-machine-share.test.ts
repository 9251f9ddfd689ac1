import { describe, expect, it } from 'vitest';
import { createFakeStream, fakeStreamOf } from '../support/fakes/fake-media.ts';
import { joined, roomId, startCall, startConnectedCall } from '../support/fakes/start-call.ts';

/** Answers the waiting request for `source` with a fresh video-only stream, as the browser would. */
function grant(call: ReturnType<typeof startCall>, source: 'camera' | 'screen') {
  const stream = createFakeStream(source, { audio: false, video: true });
  call.requests.get(source)!({ type: 'media.added', source, stream: stream.asMediaStream() });
  return stream;
}

describe('callMachine: a screen and a camera added mid-call', () => {
  describe('happy path', () => {
    it('shares a screen with every peer and stops it from the button', async () => {
      const { call, pc } = await startConnectedCall();
      call.actor.send({ type: 'ui.toggleScreen' });
      expect([...call.requests.keys()]).toEqual(['screen']);
      const screen = grant(call, 'screen');

      expect(call.context().screenStream).toBe(screen);
      expect(call.requests.size).toBe(0);
      expect([...pc.attachedTracks]).toContain('screen-camera');
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'screen', streamId: 'screen' });

      call.actor.send({ type: 'ui.toggleScreen' });
      expect(call.context().screenStream).toBeNull();
      expect(screen.tracks[0]!.readyState).toBe('ended');
      expect([...pc.attachedTracks]).not.toContain('screen-camera');
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'screen', streamId: '' });
    });

    it('stops sharing when the browser ends the capture', async () => {
      const { call, pc } = await startConnectedCall();
      call.actor.send({ type: 'ui.toggleScreen' });
      grant(call, 'screen');
      call.actor.send({ type: 'media.screenEnded' });
      expect(call.context().screenStream).toBeNull();
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'screen', streamId: '' });
    });

    it('turns a camera on for someone who joined receive-only, and tells the peers it is on', async () => {
      const call = startCall({ camera: 'denied', mic: 'denied' });
      call.actor.send({ type: 'ui.join', roomId });
      await call.reach({ media: 'blocked' });
      call.actor.send({ type: 'ui.receiveOnly' });
      call.signaling.last.open();
      call.signaling.last.receive(joined(['a-peer']));
      const pc = call.connections.last;
      pc.emit({ type: 'pc.channelOpen' });

      call.actor.send({ type: 'ui.toggleCamera' });
      expect([...call.requests.keys()]).toEqual(['camera']);
      const camera = grant(call, 'camera');

      expect(fakeStreamOf(call.context().localStream)).toBe(camera);
      expect(call.context().cameraOff).toBe(false);
      expect([...pc.attachedTracks]).toEqual(['camera-camera']);
      expect(pc.sentMessages.at(-1)).toEqual({ type: 'status', micMuted: false, cameraOff: false });
    });

    it('shows a screen shared before a newcomer came to the newcomer too', async () => {
      const { call } = await startConnectedCall();
      call.actor.send({ type: 'ui.toggleScreen' });
      grant(call, 'screen');
      call.signaling.last.receive({ type: 'peer-joined', peerId: 'b-peer' });
      call.signaling.last.receive({ type: 'signal', from: 'b-peer', data: { description: { type: 'offer', sdp: 'v=0' } } });
      expect([...call.connections.last.attachedTracks]).toContain('screen-camera');
    });
  });

  describe('failure', () => {
    it('says so when the camera is refused, and stays in the call', async () => {
      const call = startCall({ camera: 'denied', mic: 'denied' });
      call.actor.send({ type: 'ui.create' });
      await call.reach({ media: 'blocked' });
      call.actor.send({ type: 'ui.receiveOnly' });
      call.signaling.last.open();
      call.signaling.last.receive(joined([]));
      call.actor.send({ type: 'ui.toggleCamera' });
      call.requests.get('camera')!({ type: 'media.refused', source: 'camera', code: 'media-denied', message: 'No.' });
      expect(call.context().error?.code).toBe('media-denied');
      expect(call.actor.getSnapshot().matches('inCall')).toBe(true);
    });

    it('says nothing when the screen picker is closed', async () => {
      const { call } = await startConnectedCall();
      call.actor.send({ type: 'ui.toggleScreen' });
      call.requests.get('screen')!({ type: 'media.refused', source: 'screen', code: 'media-denied', message: 'Cancelled.' });
      expect(call.context().error).toBeNull();
      expect(call.context().screenStream).toBeNull();
    });

    it('stops the screen and any pending request on hang-up', async () => {
      const { call } = await startConnectedCall();
      call.actor.send({ type: 'ui.toggleScreen' });
      const screen = grant(call, 'screen');
      call.actor.send({ type: 'ui.toggleScreen' });
      call.actor.send({ type: 'ui.toggleScreen' });
      expect(call.requests.size).toBe(1);
      call.actor.send({ type: 'ui.hangUp' });
      expect(call.requests.size).toBe(0);
      expect(screen.tracks[0]!.readyState).toBe('ended');
      expect(call.context().screenStream).toBeNull();
    });
  });
});
