import type { PeerConnectionPlatform } from '../../../web/lib/actors/peer-connection.ts';
import wrtc from '../wrtc.ts';

type WrtcPeerConnection = RTCPeerConnection & {
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
};

/**
 * A real WebRTC stack in Node (@roamhq/wrtc) for the page's peer connection actor, with two
 * differences from a browser's made up for here:
 * - Its setLocalDescription() needs an argument (it predates the parameterless form browsers
 *   have), so the one used here makes the offer or answer the signaling state calls for first.
 * - Reading its `localDescription` serialises the live description while its signaling thread
 *   adds the candidates it gathers, and crashed the process now and then (SIGSEGV in
 *   webrtc::SdpSerialize, node-webrtc/node-webrtc#696). It reads here the description last
 *   set instead (the one before it after a rollback); the candidates go by trickle anyway.
 */
export function createWrtcPlatform(): PeerConnectionPlatform & { connections: RTCPeerConnection[] } {
  const connections: RTCPeerConnection[] = [];
  return {
    connections,
    createPeerConnection(configuration) {
      const pc = new wrtc.RTCPeerConnection(configuration) as WrtcPeerConnection;
      const setLocalDescription = pc.setLocalDescription.bind(pc);
      let local: RTCSessionDescriptionInit | null = null;
      let beforeOffer: RTCSessionDescriptionInit | null = null;
      pc.setLocalDescription = async (description?: RTCLocalSessionDescriptionInit) => {
        const made = description ?? (pc.signalingState === 'have-remote-offer' ? await pc.createAnswer() : await pc.createOffer());
        await setLocalDescription(made);
        const { type = 'offer', sdp = '' } = made;
        if (type === 'rollback') {
          local = beforeOffer;
          return;
        }
        if (type === 'offer') beforeOffer = local;
        local = { type, sdp };
      };
      const shown = new Proxy(pc, {
        get(target, key) {
          if (key === 'localDescription') return local;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      connections.push(shown);
      return shown;
    },
    createStream: (tracks) => new wrtc.MediaStream(tracks) as MediaStream,
  };
}

/** A live audio track from a synthetic source, to send. */
export function createWrtcAudioTrack(): MediaStreamTrack {
  const source = new wrtc.nonstandard.RTCAudioSource();
  return source.createTrack() as MediaStreamTrack;
}
