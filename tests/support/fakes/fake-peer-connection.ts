import { fromCallback } from 'xstate';
import type {
  MediaKind,
  PeerConnectionCommand,
  PeerConnectionEvent,
  PeerConnectionInput,
} from '../../../machines/peer/peer-connection-contract.ts';
import type { SendLimit } from '../../../machines/peer/send-limit.ts';
import type { IceServer } from '../../../protocol/messages.ts';
import type { PeerMessage } from '../../../protocol/peer-messages.ts';
import { createFakeStream, type FakeStream } from './fake-media.ts';

type SignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer';

/**
 * One simulated RTCPeerConnection. It models signaling like a browser does (offer or answer
 * from `setLocalDescription()` by signaling state, rollback, `negotiationneeded` when stable
 * and something new was attached) and reports back the way the real actor does, in command
 * order. Network events (`pc.connectionState`, `pc.candidate`, `pc.track`) are the test's to
 * send with `emit()`.
 */
export class FakePeerConnection {
  /** Every command received, in order. */
  readonly commands: PeerConnectionCommand[] = [];
  /** Remote candidates applied, in order. */
  readonly candidates: Array<RTCIceCandidateInit | null> = [];
  /** Ids of local tracks attached, and kinds with a receive-only transceiver. */
  readonly attachedTracks = new Set<string>();
  readonly receiveKinds = new Set<MediaKind>();
  /** Ids of the attached tracks that carry a shared screen. */
  readonly screenTracks = new Set<string>();
  signalingState: SignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  closed = false;
  /** Messages sent on the data channel, in order. */
  readonly sentMessages: PeerMessage[] = [];
  /** Ids of the tracks that replaced a sender's track, in order. */
  readonly replacedTracks: string[] = [];
  /** The video senders' current limit: from the input, then from `peer.setSendLimit`. */
  sendLimit: SendLimit | null;
  /** The ICE servers in use: from the input, then from `peer.setIceServers`. */
  iceServers: IceServer[];
  /** While true, replies wait in order for `flush()`, as if the browser were slow. */
  paused = false;
  private readonly pending: Array<() => void> = [];
  private descriptions = 0;

  constructor(
    readonly input: PeerConnectionInput,
    private readonly sendBack: (event: PeerConnectionEvent) => void,
  ) {
    this.sendLimit = input.sendLimit ?? null;
    this.iceServers = input.iceServers;
  }

  /** Sends an event as if the browser fired it. */
  emit(event: PeerConnectionEvent): void {
    if (!this.closed) this.sendBack(event);
  }

  /** Delivers a remote track, as `ontrack` would, in a stream named after the peer. */
  receiveTrack(kind: MediaKind): FakeStream {
    const stream = createFakeStream('remote', { audio: kind === 'audio', video: kind === 'video' });
    this.emit({ type: 'pc.track', streamId: stream.id, stream: stream.asMediaStream() });
    return stream;
  }

  /** Runs every reply held while paused, in order. */
  flush(): void {
    this.paused = false;
    for (const reply of this.pending.splice(0)) reply();
  }

  handle(command: PeerConnectionCommand): void {
    this.commands.push(command);
    const reply = () => this.perform(command);
    if (this.paused) this.pending.push(reply);
    else reply();
  }

  close(): void {
    this.closed = true;
  }

  /** What the kinds of the commands received so far are, for compact assertions. */
  commandTypes(): string[] {
    return this.commands.map((command) => command.type);
  }

  private perform(command: PeerConnectionCommand): void {
    if (this.closed) return;
    switch (command.type) {
      case 'peer.attachMedia': {
        let added = false;
        const screen = new Set((command.screen?.getTracks() ?? []).map((track) => track.id));
        for (const id of this.screenTracks) {
          if (screen.has(id)) continue;
          // A screen no longer shared: its sender goes, which needs an offer too.
          this.screenTracks.delete(id);
          this.attachedTracks.delete(id);
          added = true;
        }
        for (const track of [...(command.stream?.getTracks() ?? []), ...(command.screen?.getTracks() ?? [])]) {
          if (!this.attachedTracks.has(track.id)) added = true;
          this.attachedTracks.add(track.id);
        }
        for (const id of screen) this.screenTracks.add(id);
        for (const kind of command.receive) {
          if (!this.receiveKinds.has(kind)) added = true;
          this.receiveKinds.add(kind);
        }
        // A browser reuses the transceivers of a remote offer; only new ones need an offer.
        if (added && this.signalingState === 'stable') this.emit({ type: 'pc.negotiationNeeded' });
        return;
      }
      case 'peer.setLocalDescription': {
        const type: RTCSdpType = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
        this.descriptions += 1;
        this.localDescription = { type, sdp: `v=0 fake ${type} ${this.descriptions}` };
        this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
        this.emit({ type: 'pc.description', description: this.localDescription });
        return;
      }
      case 'peer.setRemoteDescription': {
        const { type } = command.description;
        const expected = type === 'offer' ? 'stable' : 'have-local-offer';
        if (this.signalingState !== expected) {
          this.emit({ type: 'pc.error', operation: 'setRemoteDescription', message: `Cannot set remote ${type} in state ${this.signalingState}.` });
          return;
        }
        this.remoteDescription = command.description;
        this.signalingState = type === 'offer' ? 'have-remote-offer' : 'stable';
        this.emit({ type: 'pc.remoteDescription', descriptionType: type });
        return;
      }
      case 'peer.rollback':
        if (this.signalingState === 'have-local-offer') this.signalingState = 'stable';
        return;
      case 'peer.addCandidate':
        if (this.remoteDescription === null) {
          this.emit({ type: 'pc.error', operation: 'addCandidate', message: 'No remote description.' });
          return;
        }
        this.candidates.push(command.candidate);
        return;
      case 'peer.restartIce':
        if (this.signalingState === 'stable') this.emit({ type: 'pc.negotiationNeeded' });
        return;
      case 'peer.setSendLimit':
        this.sendLimit = command.limit;
        return;
      case 'peer.replaceTrack':
        this.replacedTracks.push(command.track.id);
        return;
      case 'peer.sendMessage':
        this.sentMessages.push(command.message);
        return;
      case 'peer.setIceServers':
        this.iceServers = command.iceServers;
        return;
    }
  }
}

/** A registry of fake connections; provide `logic` as the peer machine's `peerConnection`. */
export function createFakePeerConnections() {
  const connections: FakePeerConnection[] = [];
  const logic = fromCallback<PeerConnectionCommand, PeerConnectionInput>(({ input, sendBack, receive }) => {
    const connection = new FakePeerConnection(input, sendBack);
    connections.push(connection);
    receive((command) => connection.handle(command));
    return () => connection.close();
  });
  return {
    logic,
    connections,
    /** The latest connection (the only one, in single-peer tests). */
    get last(): FakePeerConnection {
      const connection = connections.at(-1);
      if (!connection) throw new Error('No peer connection was created.');
      return connection;
    },
  };
}
