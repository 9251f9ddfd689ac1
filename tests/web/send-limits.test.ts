import { describe, expect, it } from 'vitest';
import { fullPicture } from '../../machines/peer/send-limit.ts';
import { limitSenders } from '../../web/lib/actors/send-limits.ts';

/** A video sender that counts the browser calls made on it; no encodings until `negotiate()`. */
function videoSender() {
  let encodings: RTCRtpEncodingParameters[] = [];
  const calls = { get: 0, set: 0 };
  const sender = {
    track: { kind: 'video' },
    getParameters: () => {
      calls.get += 1;
      return { encodings: encodings.map((encoding) => ({ ...encoding })) };
    },
    setParameters: async (parameters: RTCRtpSendParameters) => {
      calls.set += 1;
      encodings = parameters.encodings;
    },
  };
  return { sender: sender as unknown as RTCRtpSender, calls, negotiate: () => (encodings = [{ active: true }]), encodings: () => encodings };
}

const connectionWith = (...senders: RTCRtpSender[]) => ({ getSenders: () => senders }) as unknown as RTCPeerConnection;

describe('send limits', () => {
  describe('happy path', () => {
    it('limits a video sender once it has encodings, and asks the browser no more for the same limit', async () => {
      const video = videoSender();
      const pc = connectionWith(video.sender);
      const given = new WeakMap<RTCRtpSender, { maxBitrate: number; scaleResolutionDownBy: number }>();
      const limit = { maxBitrate: 800_000, scaleResolutionDownBy: 1.5 };

      await limitSenders(pc, limit, given);
      expect(video.calls).toEqual({ get: 1, set: 0 });
      video.negotiate();
      await limitSenders(pc, limit, given);
      await limitSenders(pc, { ...limit }, given);
      expect(video.encodings()).toEqual([{ active: true, ...limit }]);
      expect(video.calls).toEqual({ get: 2, set: 1 });

      const smaller = { maxBitrate: 300_000, scaleResolutionDownBy: 3 };
      await limitSenders(pc, smaller, given);
      expect(video.encodings()).toEqual([{ active: true, ...smaller }]);
      expect(video.calls).toEqual({ get: 3, set: 2 });
    });
  });

  describe('edge cases', () => {
    it('asks nothing in a one-to-one call until the call has grown, and gives the full picture back after', async () => {
      const video = videoSender();
      video.negotiate();
      const pc = connectionWith(video.sender);
      const given = new WeakMap<RTCRtpSender, { maxBitrate: number; scaleResolutionDownBy: number }>();

      await limitSenders(pc, fullPicture, given);
      expect(video.calls).toEqual({ get: 0, set: 0 });
      const threePeople = { maxBitrate: 800_000, scaleResolutionDownBy: 1.5 };
      await limitSenders(pc, threePeople, given);
      await limitSenders(pc, fullPicture, given);
      expect(video.encodings()).toEqual([{ active: true, ...fullPicture }]);
      expect(video.calls).toEqual({ get: 2, set: 2 });
    });

    it('leaves audio senders and a call without a limit alone', async () => {
      const video = videoSender();
      const audio = { track: { kind: 'audio' }, getParameters: () => expect.unreachable() } as unknown as RTCRtpSender;
      video.negotiate();
      await limitSenders(connectionWith(audio, video.sender), null, new WeakMap());
      expect(video.calls).toEqual({ get: 0, set: 0 });
    });
  });
});
