/**
 * The contract between `peerMachine` and the actor that wraps one RTCPeerConnection
 * (web/lib/actors/peer-connection.ts in the page, tests/support/fakes/ in tests).
 *
 * The machine decides, the actor only performs: it receives commands (`peer.*`, sent by the
 * peer machine) and reports what the connection did (`pc.*`). The actor runs commands one at
 * a time, in the order received, so a candidate sent after a description is applied after it.
 * It starts with the peer machine, before there is anything to negotiate: it makes the
 * connection at once, and what must be negotiated (its data channel) only with the first
 * `peer.attachMedia` or `peer.setRemoteDescription`.
 */
import type { IceServer } from '../../protocol/messages.ts';
import type { PeerMessage, ScreenMessage, StatusMessage } from '../../protocol/peer-messages.ts';
import type { SendLimit } from './send-limit.ts';

/** A kind of media track, as in `MediaStreamTrack.kind`. */
export type MediaKind = 'audio' | 'video';

/** What the actor is started with. */
export interface PeerConnectionInput {
  /** The remote peer's id, so the page can find this connection (chat, files, stats). */
  peerId?: string;
  /** From `joined.iceServers`: STUN/TURN servers with short-lived credentials. */
  iceServers: IceServer[];
  /** The polite side rolls back its own offer when offers collide; the impolite side ignores theirs. */
  polite: boolean;
  /** How much each video sender may send, applied once there is a sender; `null`: the browser's choice. */
  sendLimit?: SendLimit | null;
}

/** Commands the peer machine sends to the connection actor. */
export type PeerConnectionCommand =
  /**
   * Attaches every track of `stream` and `screen` that is not attached yet, removes the
   * senders of a screen no longer shared, and adds a receive-only transceiver for each kind in
   * `receive` that has none yet. Idempotent, so it can be sent before every answer.
   */
  | { type: 'peer.attachMedia'; stream: MediaStream | null; screen?: MediaStream | null; receive: MediaKind[] }
  /** `setLocalDescription()` with no argument: an offer or an answer, whichever is due. */
  | { type: 'peer.setLocalDescription' }
  | { type: 'peer.setRemoteDescription'; description: RTCSessionDescriptionInit }
  /** Drops our own unanswered offer (`setLocalDescription({ type: 'rollback' })`). */
  | { type: 'peer.rollback' }
  /** `null` is the end of the remote side's candidates. */
  | { type: 'peer.addCandidate'; candidate: RTCIceCandidateInit | null }
  | { type: 'peer.restartIce' }
  /** Limits every video sender (`setParameters`), now and after each new description. */
  | { type: 'peer.setSendLimit'; limit: SendLimit }
  /** Sends `track` instead of the sender's track of the same kind (`replaceTrack`): no renegotiation. */
  | { type: 'peer.replaceTrack'; track: MediaStreamTrack }
  /** Sends one message on the data channel; dropped when the channel is not open. */
  | { type: 'peer.sendMessage'; message: PeerMessage }
  /** New STUN/TURN servers (fresh TURN credentials after a resume) for the next ICE gathering (`setConfiguration`). */
  | { type: 'peer.setIceServers'; iceServers: IceServer[] };

/** The operations a `pc.error` can come from. */
export type PeerConnectionOperation =
  | 'attachMedia'
  | 'setLocalDescription'
  | 'setRemoteDescription'
  | 'rollback'
  | 'addCandidate'
  | 'restartIce'
  | 'setSendLimit'
  | 'replaceTrack'
  | 'sendMessage'
  | 'setIceServers';

/** Events the connection actor sends back to the peer machine. */
export type PeerConnectionEvent =
  /** The connection wants an offer (`negotiationneeded`). */
  | { type: 'pc.negotiationNeeded' }
  /** `setLocalDescription()` resolved; `description` is the resulting local description. */
  | { type: 'pc.description'; description: RTCSessionDescriptionInit }
  /** `setRemoteDescription()` resolved for a description of this type. */
  | { type: 'pc.remoteDescription'; descriptionType: RTCSdpType }
  /** A local candidate (`candidate.toJSON()`), or `null` once gathering is complete. */
  | { type: 'pc.candidate'; candidate: RTCIceCandidateInit | null }
  | { type: 'pc.connectionState'; state: RTCPeerConnectionState }
  /**
   * The remote tracks of one remote stream changed (one arrived, or the peer stopped sending
   * one); `stream` holds those still received, `streamId` is the remote stream's id (its msid).
   */
  | { type: 'pc.track'; streamId: string; stream: MediaStream }
  /** The data channel (one per peer, negotiated) opened: messages can flow both ways. */
  | { type: 'pc.channelOpen' }
  /**
   * A well-formed message for the peer machine arrived on the data channel (malformed ones are
   * dropped by the actor, and chat and files go to the page instead).
   */
  | { type: 'pc.message'; message: StatusMessage | ScreenMessage }
  /** A command failed. */
  | { type: 'pc.error'; operation: PeerConnectionOperation; message: string };
