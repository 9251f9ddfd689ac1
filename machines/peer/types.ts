/**
 * Types of `peerMachine` (machines/peer-machine.ts): what it is started with, what it holds
 * for the page, and the events it accepts.
 */
import type { IceServer } from '../../protocol/messages.ts';
import type { PeerConnectionEvent } from './peer-connection-contract.ts';
import type { SendLimit } from './send-limit.ts';

/** One side's microphone and camera switches, as the other side's tile shows them. */
export interface PeerStatus {
  micMuted: boolean;
  cameraOff: boolean;
}

/** The newcomer offers to every peer already in the room; those peers answer. */
export type PeerRole = 'offerer' | 'answerer';

/** Local media once it is decided: a stream with the tracks to send, or `null` to only receive. */
export interface LocalMedia {
  stream: MediaStream | null;
  /** The shared screen, sent as tracks of their own stream; absent or `null` while not sharing. */
  screen?: MediaStream | null;
}

/** Both ends' DTLS fingerprints (`sha-256 AB:…`), from the descriptions exchanged; `null` until known. */
export interface Fingerprints {
  local: string | null;
  remote: string | null;
}

/** What one signal carries between two peers, inside the protocol's `signal.data`. */
export type PeerSignal =
  | { description: RTCSessionDescriptionInit }
  | { candidate: RTCIceCandidateInit | null }
  /** An answerer still waiting for the offer asks for one (again). */
  | { wantOffer: true };

/** Why a handshake failed; `code` is one of the stable client error codes. */
export interface PeerError {
  code: 'ice-failed';
  message: string;
}

/** What a peer machine is spawned with. */
export interface PeerInput {
  /** The remote peer's id, as assigned by the server. */
  peerId: string;
  role: PeerRole;
  iceServers: IceServer[];
  /** Omitted while local media is still being decided; the machine then waits in `media`. */
  localMedia?: LocalMedia;
  /** Our switches when the machine starts; later changes come as `status.local`. */
  status?: PeerStatus;
}

/** What the machine holds; the page reads `remoteStream` and `error`. */
export interface PeerContext {
  peerId: string;
  role: PeerRole;
  /** The answering (existing) side is polite: on colliding offers it rolls back its own. */
  polite: boolean;
  iceServers: IceServer[];
  /** `null` until local media is decided. */
  localMedia: LocalMedia | null;
  /** The remote offer waiting to be applied (one that came before media was ready, or the current one). */
  remoteOffer: RTCSessionDescriptionInit | null;
  /** Remote candidates that came before any remote description, in arrival order. */
  pendingCandidates: Array<RTCIceCandidateInit | null>;
  /** Mirrors `pc.remoteDescription !== null`: from then on candidates are applied at once. */
  hasRemoteDescription: boolean;
  /**
   * The connection asked for an offer (`negotiationneeded`) while another offer/answer round
   * was under way; some stacks fire it only once, so it is kept and acted on once stable.
   */
  offerWanted: boolean;
  /**
   * The impolite side ignored a colliding remote offer (perfect negotiation); until the next
   * remote description is applied, the candidates that came with it are expected to fail.
   */
  ignoringOffer: boolean;
  /** The last remote candidate the connection refused for another reason (shown in the inspector). */
  candidateError: string | null;
  /** The remote peer's camera and microphone, for a `<video>`; `null` until the first track. */
  remoteStream: MediaStream | null;
  /** The remote peer's shared screen while it has a track, else `null` (machines/peer/remote-media.ts). */
  remoteScreen: MediaStream | null;
  /** Every remote stream by its id (msid), in arrival order: what the two above are split from. */
  remoteStreams: Record<string, MediaStream>;
  /** The id of the stream the remote peer named as its screen; `null` while it shares none. */
  remoteScreenId: string | null;
  /** Both DTLS fingerprints, for the verification code the page shows. */
  fingerprints: Fingerprints;
  error: PeerError | null;
  /** How much each video sender may send (the call sets it as it grows); `null` until told. */
  sendLimit: SendLimit | null;
  /** Our switches, told to the remote peer over the data channel. */
  localStatus: PeerStatus;
  /** The remote peer's switches, as it last told us; `null` until it did. */
  remoteStatus: PeerStatus | null;
}

/** What a finished peer machine (`failed` or `closed`) outputs to its parent. */
export interface PeerOutput {
  peerId: string;
  error: PeerError | null;
}

/** Events from the parent call machine. */
export type PeerParentEvent =
  /** A description relayed from the remote peer. */
  | { type: 'signal.description'; description: RTCSessionDescriptionInit }
  /** A candidate relayed from the remote peer; `null` marks the end of its candidates. */
  | { type: 'signal.candidate'; candidate: RTCIceCandidateInit | null }
  /** The remote peer waits for our offer: its first one was lost, or never came. */
  | { type: 'signal.wantOffer' }
  /** Local media is decided (only needed when the machine was spawned without it). */
  | { type: 'media.ready'; stream: MediaStream | null }
  /** The remote peer left or we hang up: close the connection. */
  | { type: 'peer.close' }
  /** The call grew or shrank: how much each video sender may send now. */
  | { type: 'media.sendLimit'; limit: SendLimit }
  /**
   * What we send changed (a camera turned on mid-call, a screen shared or stopped): tracks not
   * sent yet are added, a screen no longer shared is removed, and perfect negotiation makes
   * the new offer.
   */
  | { type: 'media.update'; stream: MediaStream | null; screen: MediaStream | null }
  /** A device changed: send this track instead of the one of its kind. */
  | { type: 'media.replaceTrack'; track: MediaStreamTrack }
  /** Our microphone or camera switch changed. */
  | { type: 'status.local'; status: PeerStatus }
  /** The server handed out new ICE servers (fresh TURN credentials, after a resume). */
  | { type: 'ice.servers'; iceServers: IceServer[] };

/** Every event a peer machine accepts. */
export type PeerEvent = PeerParentEvent | PeerConnectionEvent;

/** The event a peer machine sends to its parent for every outgoing signal. */
export interface PeerSignalEvent {
  type: 'peer.signal';
  peerId: string;
  data: PeerSignal;
}
