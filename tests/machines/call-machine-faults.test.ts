import { describe, expect, it } from 'vitest';
import { FakeTrack } from '../support/fakes/fake-media.ts';
import { roomId, startCall } from '../support/fakes/start-call.ts';

/** A call with one peer, connected, whose data channel is open. */
async function connectedCall() {
  const call = startCall();
  await call.enter(['a-peer'], roomId);
  const pc = call.connections.last;
  call.signaling.last.receive({ type: 'signal', from: 'a-peer', data: { description: { type: 'answer', sdp: 'v=0' } } });
  pc.emit({ type: 'pc.connectionState', state: 'connected' });
  pc.emit({ type: 'pc.channelOpen' });
  return { call, pc };
}

describe('callMachine: a device that stops mid-call', () => {
  it('says so, shows the camera off, and tells the others the camera is off while the call goes on', async () => {
    const { call, pc } = await connectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'video' });
    expect(call.context().error).toMatchObject({ code: 'device-ended' });
    expect(call.context().cameraOff).toBe(true);
    expect(call.context().micMuted).toBe(false);
    expect(pc.sentMessages.at(-1)).toEqual({ type: 'status', micMuted: false, cameraOff: true });
    expect(call.actor.getSnapshot().value).toBe('inCall');
    expect(call.handshakes()).toEqual([['a-peer', 'connected']]);
  });

  it('mutes a microphone that stopped', async () => {
    const { call, pc } = await connectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'audio' });
    expect(call.context().micMuted).toBe(true);
    expect(pc.sentMessages.at(-1)).toEqual({ type: 'status', micMuted: true, cameraOff: false });
  });

  it('forgets the notice once another device is picked', async () => {
    const { call, pc } = await connectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'video' });
    call.actor.send({ type: 'ui.useTrack', track: new FakeTrack('usb-camera', 'video') as unknown as MediaStreamTrack });
    expect(call.context().error).toBeNull();
    expect(pc.replacedTracks).toEqual(['usb-camera']);
  });
});
