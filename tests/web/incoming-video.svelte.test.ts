import { describe, expect, it } from 'vitest';
import { IncomingVideo } from '../../web/lib/incoming-video.svelte.ts';

/** A transceiver as the page sees it: what it receives and which way it goes. */
function transceiver(track: object, direction: RTCRtpTransceiverDirection) {
  return { receiver: { track }, direction } as unknown as RTCRtpTransceiver;
}

/** A stream holding `tracks`, as far as `IncomingVideo` looks at it. */
const streamOf = (...tracks: object[]) => ({ getVideoTracks: () => tracks }) as unknown as MediaStream;

describe('stopping incoming video', () => {
  describe('happy path', () => {
    it('stops receiving each camera, leaving what you send and a shared screen alone, and asks for them again', () => {
      const [camera, screen, voice] = [{}, {}, {}];
      const both = transceiver(camera, 'sendrecv');
      const shared = transceiver(screen, 'recvonly');
      const sound = transceiver(voice, 'sendrecv');
      const incoming = new IncomingVideo(() => ({ getTransceivers: () => [both, shared, sound] }) as unknown as RTCPeerConnection);

      incoming.stopped = true;
      incoming.apply([{ id: 'bo', stream: streamOf(camera) }]);
      expect([both.direction, shared.direction, sound.direction]).toEqual(['sendonly', 'recvonly', 'sendrecv']);
      // Their camera has left the stream they send; the next look changes nothing.
      incoming.apply([{ id: 'bo', stream: streamOf() }]);
      incoming.stopped = false;
      incoming.apply([{ id: 'bo', stream: streamOf() }]);
      expect(both.direction).toBe('sendrecv');
    });
  });

  describe('edge cases', () => {
    it('puts back only the receiving, whatever you began sending meanwhile, and forgets people who left', () => {
      const camera = {};
      const only = transceiver(camera, 'recvonly');
      const incoming = new IncomingVideo(() => ({ getTransceivers: () => [only] }) as unknown as RTCPeerConnection);
      incoming.stopped = true;
      incoming.apply([{ id: 'bo', stream: streamOf(camera) }]);
      expect(only.direction).toBe('inactive');
      // Your camera, turned on later, took the same transceiver to send on.
      only.direction = 'sendonly';
      incoming.stopped = false;
      incoming.apply([{ id: 'bo', stream: streamOf() }]);
      expect(only.direction).toBe('sendrecv');

      const gone = transceiver(camera, 'sendrecv');
      const later = new IncomingVideo(() => ({ getTransceivers: () => [gone] }) as unknown as RTCPeerConnection);
      later.stopped = true;
      later.apply([{ id: 'bo', stream: streamOf(camera) }]);
      later.apply([]);
      later.stopped = false;
      later.apply([]);
      expect(gone.direction, 'nothing asked of a connection that left').toBe('sendonly');
    });

    it('shrugs off a connection closed meanwhile', () => {
      const camera = {};
      const closed = { receiver: { track: camera }, get direction(): RTCRtpTransceiverDirection { return 'sendrecv'; }, set direction(_: RTCRtpTransceiverDirection) { throw new DOMException('stopped', 'InvalidStateError'); } };
      const incoming = new IncomingVideo(() => ({ getTransceivers: () => [closed] }) as unknown as RTCPeerConnection);
      incoming.stopped = true;
      expect(() => incoming.apply([{ id: 'bo', stream: streamOf(camera) }])).not.toThrow();
    });
  });
});
