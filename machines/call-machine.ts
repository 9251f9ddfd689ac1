/**
 * callMachine: one call, from the lobby to hanging up.
 *
 * ## What the page uses
 * Create the actor from `createCallMachine()` (web/lib/call-actors.ts, real browser actors),
 * `actor.start()`, read `actor.getSnapshot()` / subscribe, and send the `ui.*` events.
 *
 * States (`snapshot.value`, test with `snapshot.matches(...)`):
 * - `lobby`                     nothing yet; accepts `ui.create` / `ui.join`
 * - `media`                     asking for camera and microphone, falling back to one of them:
 *   - `media.cameraAndMic`, `media.micOnly`, `media.cameraOnly`   attempts in this order
 *   - `media.blocked`           none worked: `context.error.code` is `media-denied` or
 *                               `media-unavailable`; `ui.receiveOnly` joins without sending
 *                               media, `ui.backToLobby` gives up
 * - `joining`                   socket opening (`joining.connecting`), then `create`/`join`
 *                               sent (`joining.requesting`), until `joined`
 * - `inCall`                    in the room; `context.peers` lists the remote peers (it may be
 *                               empty: the link stays valid and someone can join)
 * - `ended`                     after `ui.hangUp`; everything is stopped and closed
 * - `failed`                    `context.error.code`: `room-full`, `room-not-found`,
 *                               `signaling-lost`, or another protocol code
 * From `ended` and `failed`: `ui.create` / `ui.join` start again, `ui.backToLobby` → `lobby`.
 *
 * Events from the page: `ui.create {capacity?}`, `ui.join {roomId}`, `ui.hangUp` (any state;
 * send it on `pagehide` too), `ui.toggleMic`, `ui.toggleCamera` (any state, also before media
 * is acquired), `ui.receiveOnly`, `ui.backToLobby`.
 *
 * Context (see CallContext in call-types.ts): `roomId`, `selfId`, `capacity`, `peers`
 * (`{ peerId, ref }[]`, oldest first; `ref` is the peer's machine: `handshakeStateOf(
 * ref.getSnapshot())` from machines/handshake-state.ts is its `handshake-state` text, and
 * `ref.getSnapshot().context.remoteStream` its `<video>` stream), `localStream`, `micMuted`,
 * `cameraOff`, `error` (`{ code, message?, peerId? }` or `null`; a peer whose connection
 * failed sets `ice-failed` with its `peerId` while the call goes on).
 *
 * I/O, all named and provided from outside: `acquireMedia` (promise actor),
 * `signalingSocket` (callback actor, spawned as `socket`), `peerMachine` (one per remote peer,
 * spawned as `peer:<peerId>`), the delay `joinTimeout`, and the actions `stopLocalMedia` /
 * `applyTrackSwitches` that touch the local tracks.
 */
import { assertEvent, assign, enqueueActions, fromCallback, fromPromise, sendTo, setup, spawnChild, stopChild } from 'xstate';
import type { ServerMessage } from '../protocol/messages.ts';
import type { CallContext, CallEvent, CallFailure, JoinIntent, MediaRequest, SocketCommand } from './call-types.ts';
import { MediaAccessError } from './media-access-error.ts';
import { parsePeerSignal } from './parse-peer-signal.ts';
import { peerMachine } from './peer-machine.ts';
import type { PeerOutput, PeerRole } from './peer-types.ts';

/** Signals kept while the socket is down: the server queues at most 64 frames for us too. */
export const outboxLimit = 64;

const initialContext: CallContext = {
  intent: null,
  roomId: null,
  selfId: null,
  capacity: null,
  resumeToken: null,
  iceServers: [],
  peers: [],
  localStream: null,
  micMuted: false,
  cameraOff: false,
  error: null,
  outbox: [],
  reconnectAttempt: 0,
};

function messageOf<T extends ServerMessage['type']>(event: CallEvent, type: T): Extract<ServerMessage, { type: T }> | null {
  return event.type === 'socket.message' && event.message.type === type
    ? (event.message as Extract<ServerMessage, { type: T }>)
    : null;
}

function mediaFailure(error: unknown): CallFailure {
  if (error instanceof MediaAccessError) return { code: error.code, message: error.message };
  return { code: 'media-unavailable', message: error instanceof Error ? error.message : String(error) };
}

const signalingLost: CallFailure = { code: 'signaling-lost', message: 'The connection to the server was lost.' };

/** Attempts in order: both, then each alone; `next` is where a missing device leads. */
const mediaAttempts = {
  cameraAndMic: { request: { audio: true, video: true }, next: 'micOnly' },
  micOnly: { request: { audio: true, video: false }, next: 'cameraOnly' },
  cameraOnly: { request: { audio: false, video: true }, next: 'blocked' },
} as const;

function mediaAttempt(request: MediaRequest, next: string) {
  return {
    invoke: {
      src: 'acquireMedia' as const,
      input: request,
      onDone: { target: '#call.joining', actions: ['storeLocalStream', 'applyTrackSwitches'] as const },
      onError: [
        { guard: 'isDeviceMissing' as const, target: next, actions: 'storeMediaError' as const },
        { target: 'blocked', actions: 'storeMediaError' as const },
      ],
    },
  };
}

/** The machine, without real I/O: provide `acquireMedia`, `signalingSocket` and `peerMachine`. */
export const callMachine = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
  },
  actors: {
    acquireMedia: fromPromise<MediaStream, MediaRequest>(() =>
      Promise.reject(new Error('callMachine needs an acquireMedia actor: provide one with .provide()')),
    ),
    signalingSocket: fromCallback<SocketCommand>(() => {
      throw new Error('callMachine needs a signalingSocket actor: provide one with .provide()');
    }),
    peerMachine,
  },
  actions: {
    /** Stops the camera and microphone (their lights go off) and forgets the stream. */
    stopLocalMedia: ({ context }) => {
      for (const track of context.localStream?.getTracks() ?? []) track.stop();
    },
    forgetLocalMedia: assign({ localStream: null }),
    /** Applies `micMuted` / `cameraOff` to the local tracks (a disabled track sends silence / black). */
    applyTrackSwitches: ({ context }) => {
      for (const track of context.localStream?.getAudioTracks() ?? []) track.enabled = !context.micMuted;
      for (const track of context.localStream?.getVideoTracks() ?? []) track.enabled = !context.cameraOff;
    },
    startOver: assign(({ event }) => ({
      ...initialContext,
      intent: event.type === 'ui.create' ? { kind: 'create', capacity: event.capacity } : event.type === 'ui.join' ? { kind: 'join', roomId: event.roomId } : null,
    })),
    resetToLobby: assign(() => ({ ...initialContext })),
    storeLocalStream: assign({
      localStream: ({ event }) => (event as unknown as { output: MediaStream }).output,
      error: null,
    }),
    storeMediaError: assign({ error: ({ event }) => mediaFailure((event as unknown as { error: unknown }).error) }),
    clearError: assign({ error: null }),
    toggleMic: assign({ micMuted: ({ context }) => !context.micMuted }),
    toggleCamera: assign({ cameraOff: ({ context }) => !context.cameraOff }),
    openSocket: spawnChild('signalingSocket', { id: 'socket' }),
    closeSocket: stopChild('socket'),
    sendJoinRequest: sendTo('socket', ({ context }): SocketCommand => {
      const intent: JoinIntent = context.intent ?? { kind: 'create' };
      if (intent.kind === 'join') return { type: 'call.send', message: { type: 'join', roomId: intent.roomId } };
      return { type: 'call.send', message: intent.capacity === undefined ? { type: 'create' } : { type: 'create', capacity: intent.capacity } };
    }),
    sendLeave: sendTo('socket', { type: 'call.send', message: { type: 'leave' } } satisfies SocketCommand),
    storeRoom: assign(({ event }) => {
      const joined = messageOf(event, 'joined');
      if (!joined) return {};
      return { roomId: joined.roomId, selfId: joined.peerId, capacity: joined.capacity, resumeToken: joined.resume, iceServers: joined.iceServers };
    }),
    failWith: assign({ error: (_, params: CallFailure) => params }),
    failWithServerError: assign({
      error: ({ event }) => {
        const error = messageOf(event, 'error');
        return error ? { code: error.code, message: error.message } : signalingLost;
      },
    }),
    /** As the newcomer we offer to every peer already in the room, oldest first. */
    spawnOfferers: assign({
      peers: ({ context, event, spawn }) => {
        const joined = messageOf(event, 'joined');
        if (!joined) return context.peers;
        return joined.peers.map((peerId) => ({ peerId, ref: spawnPeer({ context, spawn }, peerId, 'offerer') }));
      },
    }),
    /** A newcomer will offer to us: answer it. */
    spawnAnswerer: assign({
      peers: ({ context, event, spawn }) => {
        const joinedPeer = messageOf(event, 'peer-joined');
        if (!joinedPeer || context.peers.some((peer) => peer.peerId === joinedPeer.peerId)) return context.peers;
        return [...context.peers, { peerId: joinedPeer.peerId, ref: spawnPeer({ context, spawn }, joinedPeer.peerId, 'answerer') }];
      },
    }),
    /** The peer left: its machine closes the connection and ends in `closed`; its entry goes. */
    closePeer: enqueueActions(({ context, event, enqueue }) => {
      const left = messageOf(event, 'peer-left');
      if (!left) return;
      const entry = context.peers.find((peer) => peer.peerId === left.peerId);
      if (entry && entry.ref.getSnapshot().status === 'active') enqueue.sendTo(entry.ref, { type: 'peer.close' });
      enqueue.assign({
        peers: context.peers.filter((peer) => peer.peerId !== left.peerId),
        error: context.error?.peerId === left.peerId ? null : context.error,
      });
    }),
    /** Stops every peer machine (each closes its RTCPeerConnection) and forgets them. */
    stopPeers: enqueueActions(({ context, enqueue }) => {
      for (const peer of context.peers) enqueue.stopChild(peer.ref);
      enqueue.assign({ peers: [] });
    }),
    routeSignal: enqueueActions(({ context, event, enqueue }) => {
      const signal = messageOf(event, 'signal');
      if (!signal) return;
      const entry = context.peers.find((peer) => peer.peerId === signal.from);
      const peerEvent = parsePeerSignal(signal.data);
      // A signal from a peer we do not know (it already left) or one we cannot read changes nothing.
      if (entry && peerEvent && entry.ref.getSnapshot().status === 'active') enqueue.sendTo(entry.ref, peerEvent);
    }),
    sendSignal: sendTo('socket', ({ event }): SocketCommand => {
      assertEvent(event, 'peer.signal');
      return { type: 'call.send', message: { type: 'signal', to: event.peerId, data: event.data } };
    }),
    /** A peer machine finished: record a failed handshake so the page can say so. */
    notePeerDone: assign({
      error: ({ context, event }) => {
        const output = (event as { output?: PeerOutput }).output;
        if (!output?.error || !context.peers.some((peer) => peer.peerId === output.peerId)) return context.error;
        return { code: output.error.code, message: output.error.message, peerId: output.peerId };
      },
    }),
  },
  guards: {
    isDeviceMissing: ({ event }) => mediaFailure((event as unknown as { error: unknown }).error).code === 'media-unavailable',
    isWelcome: ({ event }) => messageOf(event, 'welcome') !== null,
    isJoined: ({ event }) => messageOf(event, 'joined') !== null,
    isServerError: ({ event }) => messageOf(event, 'error') !== null,
    isPeerJoined: ({ event }) => messageOf(event, 'peer-joined') !== null,
    isPeerLeft: ({ event }) => messageOf(event, 'peer-left') !== null,
    isSignal: ({ event }) => messageOf(event, 'signal') !== null,
  },
  delays: {
    /** From opening the socket to `joined`; the server answers in milliseconds when it is up. */
    joinTimeout: 10_000,
  },
}).createMachine({
  id: 'call',
  context: initialContext,
  initial: 'lobby',
  on: {
    'ui.toggleMic': { actions: ['toggleMic', 'applyTrackSwitches'] },
    'ui.toggleCamera': { actions: ['toggleCamera', 'applyTrackSwitches'] },
  },
  states: {
    lobby: {
      on: {
        'ui.create': { target: 'media', actions: 'startOver' },
        'ui.join': { target: 'media', actions: 'startOver' },
      },
    },
    media: {
      initial: 'cameraAndMic',
      on: { 'ui.hangUp': { target: 'ended' } },
      states: {
        cameraAndMic: mediaAttempt(mediaAttempts.cameraAndMic.request, mediaAttempts.cameraAndMic.next),
        micOnly: mediaAttempt(mediaAttempts.micOnly.request, mediaAttempts.micOnly.next),
        cameraOnly: mediaAttempt(mediaAttempts.cameraOnly.request, mediaAttempts.cameraOnly.next),
        blocked: {
          on: {
            'ui.receiveOnly': { target: '#call.joining', actions: 'clearError' },
            'ui.backToLobby': { target: '#call.lobby', actions: 'resetToLobby' },
          },
        },
      },
    },
    joining: {
      entry: 'openSocket',
      initial: 'connecting',
      after: { joinTimeout: { target: 'failed', actions: { type: 'failWith', params: signalingLost } } },
      on: {
        'socket.closed': { target: 'failed', actions: { type: 'failWith', params: signalingLost } },
        'ui.hangUp': { target: 'ended' },
      },
      states: {
        connecting: {
          on: { 'socket.message': { guard: 'isWelcome', target: 'requesting', actions: 'sendJoinRequest' } },
        },
        requesting: {
          on: {
            'socket.message': [
              { guard: 'isJoined', target: '#call.inCall', actions: ['storeRoom', 'spawnOfferers'] },
              { guard: 'isServerError', target: '#call.failed', actions: 'failWithServerError' },
            ],
            // The server may already be handling our request: leave so it frees the seat at once.
            'ui.hangUp': { target: '#call.ended', actions: 'sendLeave' },
          },
        },
      },
    },
    inCall: {
      on: {
        'socket.message': [
          { guard: 'isPeerJoined', actions: 'spawnAnswerer' },
          { guard: 'isPeerLeft', actions: 'closePeer' },
          { guard: 'isSignal', actions: 'routeSignal' },
          // Anything else (pong; an error about a signal to a peer that just left) changes nothing.
        ],
        'peer.signal': { actions: 'sendSignal' },
        'xstate.done.actor.*': { actions: 'notePeerDone' },
        'socket.closed': { target: 'failed', actions: { type: 'failWith', params: signalingLost } },
        'ui.hangUp': { target: 'ended', actions: 'sendLeave' },
      },
    },
    ended: {
      entry: ['stopPeers', 'closeSocket', 'stopLocalMedia', 'forgetLocalMedia'],
      on: {
        'ui.create': { target: 'media', actions: 'startOver' },
        'ui.join': { target: 'media', actions: 'startOver' },
        'ui.backToLobby': { target: 'lobby', actions: 'resetToLobby' },
      },
    },
    failed: {
      entry: ['stopPeers', 'closeSocket', 'stopLocalMedia', 'forgetLocalMedia'],
      on: {
        'ui.create': { target: 'media', actions: 'startOver' },
        'ui.join': { target: 'media', actions: 'startOver' },
        'ui.backToLobby': { target: 'lobby', actions: 'resetToLobby' },
      },
    },
  },
});

/** Spawns the machine for one remote peer, handing it the decided local media. */
function spawnPeer(
  { context, spawn }: { context: CallContext; spawn: (src: 'peerMachine', options: { id: string; input: unknown }) => unknown },
  peerId: string,
  role: PeerRole,
): PeerEntryRef {
  return spawn('peerMachine', {
    id: `peer:${peerId}`,
    input: { peerId, role, iceServers: context.iceServers, localMedia: { stream: context.localStream } },
  }) as PeerEntryRef;
}

type PeerEntryRef = CallContext['peers'][number]['ref'];
