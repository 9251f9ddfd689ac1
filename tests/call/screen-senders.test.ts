/**
 * The page's connection actor (web/lib/actors/peer-connection.ts) on a real WebRTC stack in
 * Node (@roamhq/wrtc): a camera switched while a screen is shared replaces the camera's
 * picture, never the screen's.
 */
import { createActor } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPeerConnectionActor } from '../../web/lib/actors/peer-connection.ts';
import { createWrtcAudioTrack, createWrtcPlatform } from '../support/fakes/wrtc-platform.ts';
import wrtc from '../support/wrtc.ts';

const { RTCVideoSource } = wrtc.nonstandard;

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A video track from a synthetic source, stopped after the test. */
function videoTrack(): MediaStreamTrack {
  const track = new RTCVideoSource().createTrack() as MediaStreamTrack;
  stops.push(() => track.stop());
  return track;
}

/** One connection actor on a real RTCPeerConnection; `senders()` lists the tracks it sends. */
function connection() {
  const platform = createWrtcPlatform();
  const actor = createActor(createPeerConnectionActor(platform), { input: { iceServers: [], polite: true } }).start();
  stops.push(() => actor.stop());
  const senders = () => platform.connections[0]!.getSenders().map((sender) => sender.track);
  return { actor, senders };
}

describe('switching cameras while a screen is shared', () => {
  describe('edge cases', () => {
    it('replaces the camera turned on after the screen, and leaves the screen as it was', async () => {
      const { actor, senders } = connection();
      const voice = createWrtcAudioTrack();
      stops.push(() => voice.stop());
      const screen = videoTrack();
      const shared = new wrtc.MediaStream([screen]) as MediaStream;
      // Joined without a camera, then shared a screen: the screen's sender is the first video one.
      actor.send({ type: 'peer.attachMedia', stream: new wrtc.MediaStream([voice]) as MediaStream, screen: shared, receive: ['video'] });
      const camera = videoTrack();
      actor.send({ type: 'peer.attachMedia', stream: new wrtc.MediaStream([voice, camera]) as MediaStream, screen: shared, receive: [] });
      await vi.waitFor(() => expect(senders()).toContain(camera));

      const otherCamera = videoTrack();
      actor.send({ type: 'peer.replaceTrack', track: otherCamera });
      await vi.waitFor(() => expect(senders()).toContain(otherCamera));
      expect(senders()).toContain(screen);
      expect(senders()).not.toContain(camera);
    });
  });
});
