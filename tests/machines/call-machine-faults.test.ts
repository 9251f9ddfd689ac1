import { describe, expect, it } from 'vitest';
import { FakeTrack } from '../support/fakes/fake-media.ts';
import { startConnectedCall } from '../support/fakes/start-call.ts';

describe('callMachine: a device that stops mid-call', () => {
  it('says so, shows the camera off, and tells the others the camera is off while the call goes on', async () => {
    const { call, pc } = await startConnectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'video' });
    expect(call.context().error).toMatchObject({ code: 'device-ended' });
    expect(call.context().cameraOff).toBe(true);
    expect(call.context().micMuted).toBe(false);
    expect(pc.sentMessages.at(-1)).toEqual({ type: 'status', micMuted: false, cameraOff: true });
    expect(call.actor.getSnapshot().value).toBe('inCall');
    expect(call.handshakes()).toEqual([['a-peer', 'connected']]);
  });

  it('mutes a microphone that stopped', async () => {
    const { call, pc } = await startConnectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'audio' });
    expect(call.context().micMuted).toBe(true);
    expect(pc.sentMessages.at(-1)).toEqual({ type: 'status', micMuted: true, cameraOff: false });
  });

  it('forgets the notice once another device is picked', async () => {
    const { call, pc } = await startConnectedCall();
    call.actor.send({ type: 'media.trackEnded', kind: 'video' });
    call.actor.send({ type: 'ui.useTrack', track: new FakeTrack('usb-camera', 'video') as unknown as MediaStreamTrack });
    expect(call.context().error).toBeNull();
    expect(pc.replacedTracks).toEqual(['usb-camera']);
  });
});
