/**
 * Types of `callMachine` (machines/call-machine.ts): its context (what the page reads), the
 * events it accepts, and the contracts of its actors (`acquireMedia`, `signalingSocket`).
 */
import type { ActorRefFrom } from 'xstate';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import type { ClientMessage, IceServer, ServerMessage } from '../../protocol/messages.ts';
import type { peerMachine } from '../peer-machine.ts';
import type { PeerOutput, PeerSignalEvent } from '../peer/types.ts';

/**
 * What the person asked for in the lobby. A join with `preview` (`ui.open`) checks the room
 * first and shows the pre-join screen once the camera is on; a plain join enters at once.
 */
export type JoinIntent = { kind: 'create'; capacity?: number } | { kind: 'join'; roomId: string; preview?: boolean };

/** One remote peer of the call: subscribe to `ref` for its handshake state and remote stream. */
export interface PeerEntry {
  peerId: string;
  ref: ActorRefFrom<typeof peerMachine>;
}

/** What went wrong, with a stable code the page turns into words (protocol/error-codes.ts). */
export interface CallFailure {
  code: ErrorCode;
  message?: string;
  /** Set when the failure concerns one remote peer (`ice-failed`). */
  peerId?: string;
}

/** What the call machine holds; everything the page shows comes from here or a peer's snapshot. */
export interface CallContext {
  intent: JoinIntent | null;
  /** The room's id once `joined`; the shareable link is built from it. */
  roomId: string | null;
  /** Our own peer id in the room. */
  selfId: string | null;
  /** How many peers the room holds. */
  capacity: number | null;
  /** Token from the latest `joined`, to rejoin after a lost connection. */
  resumeToken: string | null;
  iceServers: IceServer[];
  /** Remote peers, oldest first. */
  peers: PeerEntry[];
  /** Our camera/microphone, `null` before media is acquired and when receiving only. */
  localStream: MediaStream | null;
  /** The screen we share (`getDisplayMedia`), sent to every peer beside the camera; `null` when not sharing. */
  screenStream: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
  error: CallFailure | null;
  /** Signals produced while the socket is down, sent once it is back (at most `outboxLimit`). */
  outbox: PeerSignalEvent[];
  /** Reconnection attempts since the socket was lost. */
  reconnectAttempt: number;
  /** How long the server holds our seat after a loss (`joined.resumeGraceMs`); `null` until it said. */
  resumeGraceMs: number | null;
  /** Peers whose handshake machine has ended (`failed`): what is left of the call is the others. */
  endedPeers: string[];
  /** How many peers left this call, so the page can say so while it waits for someone new. */
  peersLeft: number;
  /** The peer who left last, so the page can name them ("Bo left the call"). */
  lastLeft: string | null;
  /** The display name we give the server on `create`/`join`, or `null` for none. */
  name: string | null;
  /** Display names of the room's members who gave one (ours too), by peer id; kept after they leave. */
  names: Record<string, string>;
  /**
   * Who is in the room a link opens, as the server answered the peek before the camera was
   * asked for (`room`): how many, and the names of those who gave one, oldest first. A hint
   * for the pre-join screen; `null` until answered.
   */
  present: { peers: number; names: string[] } | null;
  /**
   * Whether the socket that checked a link's room is still open, greeted and in no room, so
   * the join is sent on it (no second connection); cleared when that socket closes.
   */
  socketKept: boolean;
}

/** What `acquireMedia` is asked for; it resolves with a stream or rejects with a MediaAccessError. */
export interface MediaRequest {
  audio: boolean;
  video: boolean;
}

/** Commands the call machine sends to the `signalingSocket` actor. */
export type SocketCommand = { type: 'call.send'; message: ClientMessage };

/** Events the `signalingSocket` actor sends back. */
export type SocketEvent =
  | { type: 'socket.open' }
  /** A parsed server frame (frames that are not protocol messages never get here). */
  | { type: 'socket.message'; message: ServerMessage }
  /** The socket closed; `code` is the WebSocket close code (1006 when the network dropped). */
  | { type: 'socket.closed'; code: number };

/** Events from the page. */
export type CallUiEvent =
  | { type: 'ui.create'; capacity?: number; name?: string }
  | { type: 'ui.join'; roomId: string; name?: string }
  /** Opening a room's link: check the room, then take the camera and show the pre-join screen. */
  | { type: 'ui.open'; roomId: string; name?: string }
  /** On the pre-join screen: enter the call (with the name typed there, if any). */
  | { type: 'ui.joinCall'; name?: string }
  /** A device was picked (or replaced an unplugged one): send `track` instead of the one of its kind. */
  | { type: 'ui.useTrack'; track: MediaStreamTrack }
  | { type: 'ui.hangUp' }
  | { type: 'ui.toggleMic' }
  | { type: 'ui.toggleCamera' }
  /** Share the screen, or stop sharing it. */
  | { type: 'ui.toggleScreen' }
  /** After media failed: join anyway, receiving only. */
  | { type: 'ui.receiveOnly' }
  /** After media failed: ask for camera and microphone again (the person allowed them meanwhile). */
  | { type: 'ui.retryMedia' }
  /** From a media failure, `ended` or `failed`: back to the lobby. */
  | { type: 'ui.backToLobby' };

/** The browser is back online (`window`'s `online` event): no need to wait out the backoff. */
export type NetworkEvent = { type: 'network.online' };

/** What `requestMedia` asks for mid-call: a camera (after joining without one) or a screen to share. */
export type MediaSource = 'camera' | 'screen';

/** Local media events: from the page (a track that ended by itself) and from `requestMedia`. */
export type LocalMediaEvent =
  /** A local track ended by itself (its device unplugged, its permission revoked). */
  | { type: 'media.trackEnded'; kind: 'audio' | 'video' }
  /** `requestMedia` got the camera or the screen. */
  | { type: 'media.added'; source: MediaSource; stream: MediaStream }
  /** `requestMedia` was refused (a person closing the screen picker refuses too). */
  | { type: 'media.refused'; source: MediaSource; code: 'media-denied' | 'media-unavailable'; message: string }
  /** The shared screen's track ended by itself: the browser's own "Stop sharing" button. */
  | { type: 'media.screenEnded' };

/** A spawned peer machine finished (`failed` or `closed`). */
export type PeerDoneEvent = { type: `xstate.done.actor.peer:${string}`; output: PeerOutput };

/** Every event the call machine accepts. */
export type CallEvent = CallUiEvent | NetworkEvent | LocalMediaEvent | SocketEvent | PeerSignalEvent | PeerDoneEvent;
