import type { PeerConnectionPlatform } from '../../../web/lib/actors/peer-connection.ts';
import wrtc from '../wrtc.ts';

type WrtcPeerConnection = RTCPeerConnection & {
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
};

/**
 * A real WebRTC stack in Node (@roamhq/wrtc) for the page's peer connection actor. Its
 * setLocalDescription() needs an argument (it predates the parameterless form browsers
 * have), so the one used here makes the offer or answer the signaling state calls for first.
 */
export function createWrtcPlatform(): PeerConnectionPlatform & { connections: RTCPeerConnection[] } {
  const connections: RTCPeerConnection[] = [];
  return {
    connections,
    createPeerConnection(configuration) {
      const pc = new wrtc.RTCPeerConnection(configuration) as WrtcPeerConnection;
      const setLocalDescription = pc.setLocalDescription.bind(pc);
      pc.setLocalDescription = async (description?: RTCLocalSessionDescriptionInit) => {
        if (description) return setLocalDescription(description);
        const made = pc.signalingState === 'have-remote-offer' ? await pc.createAnswer() : await pc.createOffer();
        return setLocalDescription(made);
      };
      connections.push(pc);
      return pc;
    },
    createStream: (tracks) => new wrtc.MediaStream(tracks) as MediaStream,
  };
}

/** A live audio track from a synthetic source, to send. */
export function createWrtcAudioTrack(): MediaStreamTrack {
  const source = new wrtc.nonstandard.RTCAudioSource();
  return source.createTrack() as MediaStreamTrack;
}
