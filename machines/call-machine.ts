/**
 * callMachine: one call, from the lobby to hanging up.
 *
 * ## What the page uses
 * `createCallMachine()` (web/lib/call-actors.ts) returns this machine with the browser's
 * actors; `createActor(it).start()`, read snapshots, send `ui.*` events.
 *
 * States (`snapshot.value`; test with `snapshot.matches('inCall')`, `matches({ media: 'blocked' })`):
 * - `lobby`        nothing yet; accepts `ui.create` / `ui.join`
 * - `media`        asking for camera and microphone: `media.cameraAndMic`, then on a missing
 *                  device `media.micOnly`, then `media.cameraOnly`; `media.blocked` when none
 *                  worked (`error.code` `media-denied` / `media-unavailable`): `ui.receiveOnly`
 *                  joins without sending media, `ui.backToLobby` gives up
 * - `joining`      socket opening (`joining.connecting`), then `create`/`join` sent
 *                  (`joining.requesting`) until `joined`
 * - `inCall`       in the room; `peers` may be empty (the link stays valid, someone can join)
 * - `rejoining`    the socket was lost: calls with peers keep running while it reconnects
 *                  with backoff and resumes the seat (`rejoining.waiting` / `.connecting` /
 *                  `.requesting`); gives up with `signaling-lost`
 * - `ended`        after `ui.hangUp`; tracks stopped, connections closed, `leave` sent
 * - `failed`       `error.code`: `room-full`, `room-not-found`, `signaling-lost`, or another
 *                  protocol code; everything stopped as in `ended`
 * From `ended` / `failed`: `ui.create` / `ui.join` start again, `ui.backToLobby` → `lobby`.
 *
 * Events from the page: `ui.create {capacity?}`, `ui.join {roomId}`, `ui.hangUp` (any state;
 * send it on `pagehide` too), `ui.toggleMic` / `ui.toggleCamera` (any state, even before
 * media), `ui.receiveOnly`, `ui.backToLobby`.
 *
 * Context (CallContext in call-types.ts): `roomId`, `selfId`, `capacity`, `localStream`,
 * `micMuted`, `cameraOff`, `error` (`{ code, message?, peerId? }` or `null`; a peer whose
 * handshake failed sets `ice-failed` with its `peerId` while the call goes on), and `peers`:
 * `{ peerId, ref }[]`, oldest first, where `ref` is that peer's machine —
 * `handshakeStateOf(ref.getSnapshot())` (machines/handshake-state.ts) is its `handshake-state`
 * text and `ref.getSnapshot().context.remoteStream` its `<video>` stream. A peer that left is
 * removed from `peers`.
 *
 * I/O, all named and provided from outside: `acquireMedia` (promise actor), `signalingSocket`
 * (callback actor, spawned as `socket`), `peerMachine` (one per remote peer), the delays
 * `joinTimeout` / `reconnectDelay`, and the actions `stopLocalMedia` / `applyTrackSwitches`.
 */
import { assertEvent, assign, enqueueActions, fromCallback, fromPromise, sendTo, setup, spawnChild, stopChild } from 'xstate';
import type { CallContext, CallEvent, CallFailure, MediaRequest, PeerEntry, SocketCommand } from './call-types.ts';
import { MediaAccessError } from './media-access-error.ts';
import { messageOf } from './message-of.ts';
import { parsePeerSignal } from './parse-peer-signal.ts';
import { peerMachine } from './peer-machine.ts';
import type { PeerOutput, PeerRole } from './peer-types.ts';
import { planRejoin } from './plan-rejoin.ts';
import { reconnectDelay } from './reconnect-policy.ts';

/** Signals held while the socket is down; the server holds at most 64 frames for us too. */
export const outboxLimit = 64;

/** Close code of a socket whose seat another connection resumed (closeCodes.replaced). */
const replacedCloseCode = 4000;

const initialContext: CallContext = {
  intent: null, roomId: null, selfId: null, capacity: null, resumeToken: null, iceServers: [],
  peers: [], localStream: null, micMuted: false, cameraOff: false, error: null, outbox: [], reconnectAttempt: 0,
};

const signalingLost: CallFailure = { code: 'signaling-lost', message: 'The connection to the server was lost.' };
const lose = { type: 'failWith', params: signalingLost } as const;

type Spawn = (src: 'peerMachine', options: { id: string; input: unknown }) => unknown;

/** Spawns the machine for one remote peer, handing it the decided local media. */
function spawnPeer(spawn: Spawn, context: CallContext, peer: { peerId: string; role: PeerRole; selfId: string; iceServers: CallContext['iceServers'] }): PeerEntry {
  const ref = spawn('peerMachine', {
    // Our own id is part of the child's id: after rejoining as a new peer the ids never clash.
    id: `peer:${peer.selfId}:${peer.peerId}`,
    input: { peerId: peer.peerId, role: peer.role, iceServers: peer.iceServers, localMedia: { stream: context.localStream } },
  });
  return { peerId: peer.peerId, ref: ref as PeerEntry['ref'] };
}

/** One media attempt: on a missing device try `next`, on a refusal stop at `blocked`. */
function mediaAttempt(request: MediaRequest, next: 'micOnly' | 'cameraOnly' | 'blocked') {
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

/** After hanging up or failing: start again or go back to the lobby. */
const startAgain = {
  'ui.create': { target: '#call.media', actions: 'startOver' },
  'ui.join': { target: '#call.media', actions: 'startOver' },
  'ui.backToLobby': { target: '#call.lobby', actions: 'resetToLobby' },
} as const;

/** The machine, without real I/O: provide `acquireMedia`, `signalingSocket` and `peerMachine`. */
export const callMachine = setup({
  types: { context: {} as CallContext, events: {} as CallEvent },
  actors: {
    acquireMedia: fromPromise<MediaStream, MediaRequest>(() => Promise.reject(new Error('callMachine needs an acquireMedia actor'))),
    signalingSocket: fromCallback<SocketCommand>(() => {
      throw new Error('callMachine needs a signalingSocket actor: provide one with .provide()');
    }),
    peerMachine,
  },
  actions: {
    /** Stops the camera and microphone, so their lights go off. */
    stopLocalMedia: ({ context }) => {
      for (const track of context.localStream?.getTracks() ?? []) track.stop();
    },
    /** Applies `micMuted` / `cameraOff` to the local tracks (a disabled track sends silence / black). */
    applyTrackSwitches: ({ context }) => {
      for (const track of context.localStream?.getAudioTracks() ?? []) track.enabled = !context.micMuted;
      for (const track of context.localStream?.getVideoTracks() ?? []) track.enabled = !context.cameraOff;
    },
    forgetLocalMedia: assign({ localStream: null }),
    startOver: assign(({ context, event }) => ({
      ...initialContext,
      micMuted: context.micMuted,
      cameraOff: context.cameraOff,
      intent: event.type === 'ui.join' ? { kind: 'join' as const, roomId: event.roomId } : { kind: 'create' as const, capacity: event.type === 'ui.create' ? event.capacity : undefined },
    })),
    resetToLobby: assign(({ context }) => ({ ...initialContext, micMuted: context.micMuted, cameraOff: context.cameraOff })),
    storeLocalStream: assign({ localStream: ({ event }) => (event as unknown as { output: MediaStream }).output, error: null }),
    storeMediaError: assign({
      error: ({ event }) => {
        const error = MediaAccessError.from((event as unknown as { error: unknown }).error);
        return { code: error.code, message: error.message };
      },
    }),
    clearError: assign({ error: null }),
    toggleMic: assign({ micMuted: ({ context }) => !context.micMuted }),
    toggleCamera: assign({ cameraOff: ({ context }) => !context.cameraOff }),
    openSocket: spawnChild('signalingSocket', { id: 'socket' }),
    closeSocket: stopChild('socket'),
    sendJoinRequest: sendTo('socket', ({ context }): SocketCommand => {
      const intent = context.intent ?? { kind: 'create' };
      if (intent.kind === 'join') return { type: 'call.send', message: { type: 'join', roomId: intent.roomId } };
      return { type: 'call.send', message: intent.capacity === undefined ? { type: 'create' } : { type: 'create', capacity: intent.capacity } };
    }),
    sendResumeRequest: sendTo('socket', ({ context }): SocketCommand => ({
      type: 'call.send',
      message: { type: 'join', roomId: context.roomId ?? '', resume: context.resumeToken ?? '' },
    })),
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
        const peer = { role: 'offerer' as const, selfId: joined.peerId, iceServers: joined.iceServers };
        return joined.peers.map((peerId) => spawnPeer(spawn as Spawn, context, { ...peer, peerId }));
      },
    }),
    /** A newcomer arrived and will offer to us: its machine answers. */
    spawnAnswerer: assign({
      peers: ({ context, event, spawn }) => {
        const arrived = messageOf(event, 'peer-joined');
        if (!arrived || context.peers.some((peer) => peer.peerId === arrived.peerId)) return context.peers;
        const peer = { peerId: arrived.peerId, role: 'answerer' as const, selfId: context.selfId ?? '', iceServers: context.iceServers };
        return [...context.peers, spawnPeer(spawn as Spawn, context, peer)];
      },
    }),
    /** The peer left: its machine closes its connection and ends `closed`; its entry goes. */
    closePeer: enqueueActions(({ context, event, enqueue }) => {
      const left = messageOf(event, 'peer-left');
      const entry = context.peers.find((peer) => peer.peerId === left?.peerId);
      if (!entry) return;
      if (entry.ref.getSnapshot().status === 'active') enqueue.sendTo(entry.ref, { type: 'peer.close' });
      enqueue.assign({
        peers: context.peers.filter((peer) => peer !== entry),
        error: context.error?.peerId === entry.peerId ? null : context.error,
      });
    }),
    /** Stops every peer machine (each closes its RTCPeerConnection) and forgets them. */
    stopPeers: enqueueActions(({ context, enqueue }) => {
      for (const peer of context.peers) enqueue.stopChild(peer.ref);
      enqueue.assign({ peers: [] });
    }),
    /** After a resume: close machines of peers that left, answer those that came, send held signals. */
    rejoinRoom: enqueueActions(({ context, event, enqueue }) => {
      const joined = messageOf(event, 'joined');
      if (!joined) return;
      const plan = planRejoin(context.peers.map((peer) => peer.peerId), context.selfId, joined);
      for (const peer of context.peers) if (plan.close.includes(peer.peerId)) enqueue.stopChild(peer.ref);
      for (const signal of plan.resumed ? context.outbox : []) {
        if (joined.peers.includes(signal.peerId)) {
          enqueue.sendTo('socket', { type: 'call.send', message: { type: 'signal', to: signal.peerId, data: signal.data } } satisfies SocketCommand);
        }
      }
      enqueue.assign({
        outbox: [],
        reconnectAttempt: 0,
        peers: ({ context: current, spawn }) => {
          const base = { selfId: joined.peerId, iceServers: joined.iceServers };
          return [
            ...current.peers.filter((peer) => plan.keep.includes(peer.peerId)),
            ...plan.answer.map((peerId) => spawnPeer(spawn as Spawn, current, { ...base, peerId, role: 'answerer' })),
            ...plan.offer.map((peerId) => spawnPeer(spawn as Spawn, current, { ...base, peerId, role: 'offerer' })),
          ];
        },
      });
    }),
    routeSignal: enqueueActions(({ context, event, enqueue }) => {
      const signal = messageOf(event, 'signal');
      const entry = context.peers.find((peer) => peer.peerId === signal?.from);
      const peerEvent = signal ? parsePeerSignal(signal.data) : null;
      // A signal from a peer we no longer know, or one we cannot read, changes nothing.
      if (entry && peerEvent && entry.ref.getSnapshot().status === 'active') enqueue.sendTo(entry.ref, peerEvent);
    }),
    sendSignal: sendTo('socket', ({ event }): SocketCommand => {
      assertEvent(event, 'peer.signal');
      return { type: 'call.send', message: { type: 'signal', to: event.peerId, data: event.data } };
    }),
    holdSignal: assign({
      outbox: ({ context, event }) => (event.type === 'peer.signal' ? [...context.outbox, event].slice(-outboxLimit) : context.outbox),
    }),
    countAttempt: assign({ reconnectAttempt: ({ context }) => context.reconnectAttempt + 1 }),
    /** A peer machine finished: a failed handshake is said on the page, the call goes on. */
    notePeerDone: assign({
      error: ({ context, event }) => {
        const output = (event as { output?: PeerOutput }).output;
        if (!output?.error || !context.peers.some((peer) => peer.peerId === output.peerId)) return context.error;
        return { code: output.error.code, message: output.error.message, peerId: output.peerId };
      },
    }),
  },
  guards: {
    isDeviceMissing: ({ event }) => MediaAccessError.from((event as unknown as { error: unknown }).error).code === 'media-unavailable',
    isWelcome: ({ event }) => messageOf(event, 'welcome') !== null,
    isJoined: ({ event }) => messageOf(event, 'joined') !== null,
    isServerError: ({ event }) => messageOf(event, 'error') !== null,
    isPeerJoined: ({ event }) => messageOf(event, 'peer-joined') !== null,
    isPeerLeft: ({ event }) => messageOf(event, 'peer-left') !== null,
    isSignal: ({ event }) => messageOf(event, 'signal') !== null,
    /** Another connection resumed our seat (close code 4000): coming back would take it again. */
    wasReplaced: ({ event }) => event.type === 'socket.closed' && event.code === replacedCloseCode,
    isOutOfAttempts: ({ context }) => reconnectDelay(context.reconnectAttempt) === null,
  },
  delays: {
    /** From opening a socket to `joined`; the server answers in milliseconds when it is up. */
    joinTimeout: 10_000,
    /** Backoff before the next reconnection attempt (machines/reconnect-policy.ts). */
    reconnectDelay: ({ context }) => reconnectDelay(context.reconnectAttempt) ?? 0,
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
    lobby: { on: { 'ui.create': { target: 'media', actions: 'startOver' }, 'ui.join': { target: 'media', actions: 'startOver' } } },
    media: {
      initial: 'cameraAndMic',
      on: { 'ui.hangUp': 'ended' },
      states: {
        cameraAndMic: mediaAttempt({ audio: true, video: true }, 'micOnly'),
        micOnly: mediaAttempt({ audio: true, video: false }, 'cameraOnly'),
        cameraOnly: mediaAttempt({ audio: false, video: true }, 'blocked'),
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
      after: { joinTimeout: { target: 'failed', actions: lose } },
      on: { 'socket.closed': { target: 'failed', actions: lose }, 'ui.hangUp': 'ended' },
      states: {
        connecting: { on: { 'socket.message': { guard: 'isWelcome', target: 'requesting', actions: 'sendJoinRequest' } } },
        requesting: {
          on: {
            'socket.message': [
              { guard: 'isJoined', target: '#call.inCall', actions: ['storeRoom', 'spawnOfferers'] },
              { guard: 'isServerError', target: '#call.failed', actions: 'failWithServerError' },
            ],
            // The server may be handling our request already: leaving frees the seat at once.
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
        'socket.closed': [
          { guard: 'wasReplaced', target: 'failed', actions: lose },
          { target: 'rejoining', actions: 'closeSocket' },
        ],
        'ui.hangUp': { target: 'ended', actions: 'sendLeave' },
      },
    },
    rejoining: {
      initial: 'waiting',
      on: {
        'peer.signal': { actions: 'holdSignal' },
        'xstate.done.actor.*': { actions: 'notePeerDone' },
        // This attempt's socket closed too: count it and wait before the next one.
        'socket.closed': { target: '.waiting', actions: ['closeSocket', 'countAttempt'] },
        'ui.hangUp': 'ended',
      },
      states: {
        waiting: {
          always: { guard: 'isOutOfAttempts', target: '#call.failed', actions: lose },
          after: { reconnectDelay: 'connecting' },
        },
        connecting: {
          entry: 'openSocket',
          after: { joinTimeout: { target: 'waiting', actions: ['closeSocket', 'countAttempt'] } },
          on: { 'socket.message': { guard: 'isWelcome', target: 'requesting', actions: 'sendResumeRequest' } },
        },
        requesting: {
          after: { joinTimeout: { target: 'waiting', actions: ['closeSocket', 'countAttempt'] } },
          on: {
            'socket.message': [
              { guard: 'isJoined', target: '#call.inCall', actions: ['rejoinRoom', 'storeRoom'] },
              { guard: 'isServerError', target: '#call.failed', actions: 'failWithServerError' },
            ],
            'ui.hangUp': { target: '#call.ended', actions: 'sendLeave' },
          },
        },
      },
    },
    ended: { entry: ['stopPeers', 'closeSocket', 'stopLocalMedia', 'forgetLocalMedia'], on: startAgain },
    failed: { entry: ['stopPeers', 'closeSocket', 'stopLocalMedia', 'forgetLocalMedia'], on: startAgain },
  },
});
