/**
 * The implementation side of callMachine (machines/call-machine.ts): its actors, actions,
 * guards and delays. The statechart itself, and what the page relies on, live in
 * call-machine.ts; this file holds how each named step is done.
 */
import { assertEvent, assign, enqueueActions, fromCallback, fromPromise, sendTo, setup, spawnChild, stopChild } from 'xstate';
import type { CallContext, CallEvent, CallFailure, MediaRequest, MediaSource, PeerEntry, SocketCommand } from './types.ts';
import { closeCodes } from '../../protocol/limits.ts';
import { MediaAccessError } from './media-access-error.ts';
import { messageOf } from './message-of.ts';
import { parsePeerSignal } from './parse-peer-signal.ts';
import { peerMachine } from '../peer-machine.ts';
import type { PeerOutput, PeerRole, PeerSignalEvent } from '../peer/types.ts';
import { planRejoin } from './plan-rejoin.ts';
import { defaultReconnectPolicy, defaultResumeGraceMs, fullJitter, reconnectDelay } from './reconnect-policy.ts';
import { carriesDescription, indexToDrop } from '../../protocol/queue-rule.ts';
import { sendLimitFor } from '../peer/send-limit.ts';
import type { PeerParentEvent } from '../peer/types.ts';

/** Signals held while the socket is down; the server holds at most 64 frames for us too. */
export const outboxLimit = 64;

/** The outbox with `signal` added, under the server's queue rule: candidates make way before descriptions. */
function withHeld(outbox: readonly PeerSignalEvent[], signal: PeerSignalEvent): PeerSignalEvent[] {
  const held = [...outbox, signal];
  while (held.length > outboxLimit) held.splice(indexToDrop(held.map((item) => carriesDescription(item.data))), 1);
  return held;
}


/** A call before anything happened; also what `ui.backToLobby` returns to. */
export const initialCallContext: CallContext = {
  intent: null, roomId: null, selfId: null, capacity: null, resumeToken: null, iceServers: [],
  peers: [], localStream: null, screenStream: null, micMuted: false, cameraOff: false, error: null, outbox: [], reconnectAttempt: 0,
  peersLeft: 0, lastLeft: null, name: null, names: {}, resumeGraceMs: null, endedPeers: [], present: null, socketKept: false,
};

/** Sends `event` to every peer machine still running (a finished one would only warn). */
function tellPeers(context: CallContext, enqueue: { sendTo: (ref: PeerEntry['ref'], event: PeerParentEvent) => void }, event: PeerParentEvent): void {
  for (const peer of context.peers) if (peer.ref.getSnapshot().status === 'active') enqueue.sendTo(peer.ref, event);
}

/** The failure for a signaling connection that is gone for good. */
export const signalingLost: CallFailure = { code: 'signaling-lost', message: 'The connection to the server was lost.' };

type Spawn = (src: 'peerMachine', options: { id: string; input: unknown }) => unknown;

/** Spawns the machine for one remote peer, handing it the decided local media. */
function spawnPeer(spawn: Spawn, context: CallContext, peer: { peerId: string; role: PeerRole; selfId: string; iceServers: CallContext['iceServers'] }): PeerEntry {
  const ref = spawn('peerMachine', {
    // Our own id is part of the child's id: after rejoining as a new peer the ids never clash.
    id: `peer:${peer.selfId}:${peer.peerId}`,
    input: {
      peerId: peer.peerId,
      role: peer.role,
      iceServers: peer.iceServers,
      localMedia: { stream: context.localStream, screen: context.screenStream },
      status: { micMuted: context.micMuted, cameraOff: context.cameraOff },
    },
  });
  return { peerId: peer.peerId, ref: ref as PeerEntry['ref'] };
}

/** `setup()` of the call machine: placeholders for the actors the page and tests provide. */
export const callSetup = setup({
  types: { context: {} as CallContext, events: {} as CallEvent },
  actors: {
    acquireMedia: fromPromise<MediaStream, MediaRequest>(() => Promise.reject(new Error('callMachine needs an acquireMedia actor'))),
    signalingSocket: fromCallback<SocketCommand>(() => {
      throw new Error('callMachine needs a signalingSocket actor: provide one with .provide()');
    }),
    peerMachine,
    /**
     * Gets a camera (turned on mid-call) or a screen (`getDisplayMedia`) and sends back
     * `media.added` or `media.refused`; a stream that comes after it was stopped is stopped.
     */
    requestMedia: fromCallback<CallEvent, { source: MediaSource }>(() => {
      throw new Error('callMachine needs a requestMedia actor: provide one with .provide()');
    }),
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
    /** Asks for the camera or the screen, once at a time for each. */
    requestMedia: enqueueActions(({ enqueue }, params: { source: MediaSource }) => {
      enqueue.stopChild(params.source);
      enqueue.spawnChild('requestMedia', { id: params.source, input: { source: params.source } });
    }),
    /** Stops the request `event` answered, or every request when the call is over. */
    stopRequests: enqueueActions(({ event, enqueue }) => {
      const sources: MediaSource[] = event.type === 'media.added' || event.type === 'media.refused' ? [event.source] : ['camera', 'screen'];
      for (const source of sources) enqueue.stopChild(source);
    }),
    /**
     * A camera turned on mid-call: its track joins our stream (a microphone-only call), or its
     * stream becomes ours (a receive-only one), and it is on.
     */
    addCamera: assign(({ context, event }) => {
      assertEvent(event, 'media.added');
      const stream = context.localStream;
      if (stream === null) return { localStream: event.stream, cameraOff: false };
      for (const track of event.stream.getVideoTracks()) stream.addTrack(track);
      return { cameraOff: false };
    }),
    storeScreen: assign({ screenStream: ({ event, context }) => (event.type === 'media.added' ? event.stream : context.screenStream) }),
    /** Stops sharing: the screen's tracks stop (the browser's sharing indicator goes) and it is forgotten. */
    stopScreen: assign(({ context }) => {
      for (const track of context.screenStream?.getTracks() ?? []) track.stop();
      return { screenStream: null };
    }),
    /** The camera could not be turned on: said on the page. A screen picker closed is no error. */
    noteRefusal: assign({
      error: ({ context, event }) => (event.type === 'media.refused' && event.source === 'camera' ? { code: event.code, message: event.message } : context.error),
    }),
    /** Every peer sends what we send now: a track added or removed is negotiated (peerMachine). */
    updatePeers: enqueueActions(({ context, enqueue }) => {
      tellPeers(context, enqueue, { type: 'media.update', stream: context.localStream, screen: context.screenStream });
    }),
    startOver: assign(({ context, event }) => ({
      ...initialCallContext,
      micMuted: context.micMuted,
      cameraOff: context.cameraOff,
      name: ('name' in event ? event.name : undefined) ?? context.name,
      intent:
        event.type === 'ui.join' || event.type === 'ui.open'
          ? { kind: 'join' as const, roomId: event.roomId, ...(event.type === 'ui.open' ? { preview: true } : {}) }
          : { kind: 'create' as const, capacity: event.type === 'ui.create' ? event.capacity : undefined },
    })),
    resetToLobby: assign(({ context }) => ({ ...initialCallContext, micMuted: context.micMuted, cameraOff: context.cameraOff, name: context.name })),
    /** The name typed on the pre-join screen, if any, replaces the one from the lobby. */
    storeName: assign({ name: ({ context, event }) => (event.type === 'ui.joinCall' && event.name !== undefined ? event.name : context.name) }),
    /** Tells every peer our switches, after a toggle (each shows them on our tile). */
    shareStatus: enqueueActions(({ context, enqueue }) => {
      tellPeers(context, enqueue, { type: 'status.local', status: { micMuted: context.micMuted, cameraOff: context.cameraOff } });
    }),
    /** The call grew or shrank: every video sender sends a copy sized for this many people. */
    scaleSending: enqueueActions(({ context, enqueue }) => {
      tellPeers(context, enqueue, { type: 'media.sendLimit', limit: sendLimitFor(context.peers.length) });
    }),
    /**
     * A newly picked device's track takes the place of the one of its kind in our stream (the
     * self-view and any later negotiation see it), and the old device is released. Without a
     * track of that kind to replace (a receive-only or microphone-only call), it is not used.
     */
    swapLocalTrack: ({ context, event }) => {
      assertEvent(event, 'ui.useTrack');
      const { track } = event;
      const stream = context.localStream;
      const old = stream?.getTracks().find((candidate) => candidate.kind === track.kind);
      if (old === track) return;
      if (!stream || !old) {
        track.stop();
        return;
      }
      stream.removeTrack(old);
      old.stop();
      stream.addTrack(track);
      track.enabled = track.kind === 'audio' ? !context.micMuted : !context.cameraOff;
    },
    /** Every connection sends the track now in our stream instead of the old one: no new offer. */
    replaceTrackInPeers: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'ui.useTrack');
      if (context.localStream?.getTracks().includes(event.track)) tellPeers(context, enqueue, { type: 'media.replaceTrack', track: event.track });
    }),
    storeLocalStream: assign({ localStream: ({ event }) => (event as unknown as { output: MediaStream }).output, error: null }),
    storeMediaError: assign({
      error: ({ event }) => {
        const error = MediaAccessError.from((event as unknown as { error: unknown }).error);
        return { code: error.code, message: error.message };
      },
    }),
    clearError: assign({ error: null }),
    /** The device behind an ended track is off (mic muted / camera off) and the page says so. */
    switchOffEndedDevice: assign(({ context, event }) => {
      assertEvent(event, 'media.trackEnded');
      const message = event.kind === 'video' ? 'The camera stopped.' : 'The microphone stopped.';
      return {
        micMuted: context.micMuted || event.kind === 'audio',
        cameraOff: context.cameraOff || event.kind === 'video',
        error: { code: 'device-ended' as const, message },
      };
    }),
    /** Another device was picked: the notice about the ended one goes. */
    forgetEndedDevice: assign({ error: ({ context }) => (context.error?.code === 'device-ended' ? null : context.error) }),
    toggleMic: assign({ micMuted: ({ context }) => !context.micMuted }),
    toggleCamera: assign({ cameraOff: ({ context }) => !context.cameraOff }),
    openSocket: spawnChild('signalingSocket', { id: 'socket' }),
    /** Closes the socket (if any); one kept from a room check is gone with it. */
    closeSocket: enqueueActions(({ context, enqueue }) => {
      enqueue.stopChild('socket');
      if (context.socketKept) enqueue.assign({ socketKept: false });
    }),
    /** The room check's socket, greeted and in no room, is kept for the join. */
    /** The room is open: keep the socket for the join, and who is there for the pre-join screen. */
    keepOpenRoom: assign(({ event }) => {
      const room = messageOf(event, 'room');
      return { socketKept: true, present: room === null ? null : { peers: room.peers, names: room.names ?? [] } };
    }),
    sendJoinRequest: sendTo('socket', ({ context }): SocketCommand => {
      const intent = context.intent ?? { kind: 'create' };
      const name = context.name === null ? {} : { name: context.name };
      if (intent.kind === 'join') return { type: 'call.send', message: { type: 'join', roomId: intent.roomId, ...name } };
      const capacity = intent.capacity === undefined ? {} : { capacity: intent.capacity };
      return { type: 'call.send', message: { type: 'create', ...capacity, ...name } };
    }),
    /** Asks whether the room can be joined, before the camera is asked for. */
    sendPeek: sendTo('socket', ({ context }): SocketCommand => ({
      type: 'call.send',
      message: { type: 'peek', roomId: context.intent?.kind === 'join' ? context.intent.roomId : '' },
    })),
    sendResumeRequest: sendTo('socket', ({ context }): SocketCommand => ({
      type: 'call.send',
      message: { type: 'join', roomId: context.roomId ?? '', resume: context.resumeToken ?? '' },
    })),
    sendLeave: sendTo('socket', { type: 'call.send', message: { type: 'leave' } } satisfies SocketCommand),
    storeRoom: assign(({ context, event }) => {
      const joined = messageOf(event, 'joined');
      if (!joined) return {};
      return {
        roomId: joined.roomId,
        selfId: joined.peerId,
        capacity: joined.capacity,
        resumeToken: joined.resume,
        resumeGraceMs: joined.resumeGraceMs ?? null,
        iceServers: joined.iceServers,
        names: { ...context.names, ...joined.names },
      };
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
      names: ({ context, event }) => {
        const arrived = messageOf(event, 'peer-joined');
        return arrived?.name === undefined ? context.names : { ...context.names, [arrived.peerId]: arrived.name };
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
        endedPeers: context.endedPeers.filter((peerId) => peerId !== entry.peerId),
        error: context.error?.peerId === entry.peerId ? null : context.error,
        peersLeft: context.peersLeft + 1,
        lastLeft: entry.peerId,
      });
    }),
    /** Stops every peer machine (each closes its RTCPeerConnection) and forgets them. */
    stopPeers: enqueueActions(({ context, enqueue }) => {
      for (const peer of context.peers) enqueue.stopChild(peer.ref);
      enqueue.assign({ peers: [], endedPeers: [] });
    }),
    /** After a resume: close machines of peers that left, answer those that came, send held signals. */
    rejoinRoom: enqueueActions(({ context, event, enqueue }) => {
      const joined = messageOf(event, 'joined');
      if (!joined) return;
      const plan = planRejoin(context.peers.map((peer) => peer.peerId), context.selfId, joined);
      for (const peer of context.peers) {
        if (plan.close.includes(peer.peerId)) enqueue.stopChild(peer.ref);
        // The resume brought fresh TURN credentials: the connections that go on use them from now.
        else enqueue.sendTo(peer.ref, { type: 'ice.servers', iceServers: joined.iceServers } satisfies PeerParentEvent);
      }
      for (const signal of plan.resumed ? context.outbox : []) {
        if (joined.peers.includes(signal.peerId)) {
          enqueue.sendTo('socket', { type: 'call.send', message: { type: 'signal', to: signal.peerId, data: signal.data } } satisfies SocketCommand);
        }
      }
      enqueue.assign({
        outbox: [],
        reconnectAttempt: 0,
        endedPeers: ({ context: current }) => current.endedPeers.filter((peerId) => plan.keep.includes(peerId)),
        // A peer's failure is no longer worth showing once that peer is gone.
        error: ({ context: current }) => (current.error?.peerId !== undefined && plan.close.includes(current.error.peerId) ? null : current.error),
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
      outbox: ({ context, event }) => (event.type === 'peer.signal' ? withHeld(context.outbox, event) : context.outbox),
    }),
    countAttempt: assign({ reconnectAttempt: ({ context }) => context.reconnectAttempt + 1 }),
    /** A peer machine finished: a failed handshake is said on the page, the call goes on. */
    notePeerDone: assign(({ context, event }) => {
      const output = (event as { output?: PeerOutput }).output;
      if (!output?.error || !context.peers.some((peer) => peer.peerId === output.peerId)) return {};
      return {
        error: { code: output.error.code, message: output.error.message, peerId: output.peerId },
        endedPeers: [...context.endedPeers.filter((peerId) => peerId !== output.peerId), output.peerId],
      };
    }),
  },
  guards: {
    /** The person joined without a camera (receive-only, or it was missing or denied). */
    lacksCamera: ({ context }) => (context.localStream?.getVideoTracks().length ?? 0) === 0,
    isSharingScreen: ({ context }) => context.screenStream !== null,
    isScreen: ({ event }) => 'source' in event && event.source === 'screen',
    isDeviceMissing: ({ event }) => MediaAccessError.from((event as unknown as { error: unknown }).error).code === 'media-unavailable',
    isWelcome: ({ event }) => messageOf(event, 'welcome') !== null,
    isJoined: ({ event }) => messageOf(event, 'joined') !== null,
    isRoomOpen: ({ event }) => messageOf(event, 'room') !== null,
    /** The socket of the room check is still open (and greeted): the join goes on it. */
    hasOpenSocket: ({ context }) => context.socketKept,
    /** The person opened a room's link: they see themselves and choose before entering. */
    wantsPreview: ({ context }) => context.intent?.kind === 'join' && context.intent.preview === true,
    isServerError: ({ event }) => messageOf(event, 'error') !== null,
    isPeerJoined: ({ event }) => messageOf(event, 'peer-joined') !== null,
    isPeerLeft: ({ event }) => messageOf(event, 'peer-left') !== null,
    isSignal: ({ event }) => messageOf(event, 'signal') !== null,
    /** Another connection resumed our seat (close code 4000): coming back would take it again. */
    wasReplaced: ({ event }) => event.type === 'socket.closed' && event.code === closeCodes.replaced,
    /** The backoff is past the budget the server's grace period allows (machines/call/reconnect-policy.ts). */
    isOutOfAttempts: ({ context }) => reconnectDelay(context.reconnectAttempt, context.resumeGraceMs ?? defaultResumeGraceMs) === null,
    /**
     * Some peer's media may still flow without the server: its connection is up, or was up and
     * is being repaired. A handshake that never connected needs the server to get anywhere.
     */
    hasLivePeer: ({ context }) =>
      context.peers.some((peer) => {
        const snapshot = peer.ref.getSnapshot();
        return !context.endedPeers.includes(peer.peerId) && (snapshot.matches({ active: { connection: 'connected' } }) || snapshot.matches({ active: { connection: 'reconnecting' } }));
      }),
  },
  delays: {
    /** From opening a socket to `joined`; the server answers in milliseconds when it is up. */
    joinTimeout: 10_000,
    /**
     * Backoff before the next reconnection attempt, with full jitter; past the budget, the slow
     * ceiling (machines/call/reconnect-policy.ts).
     */
    reconnectDelay: ({ context }) => {
      const ceiling = reconnectDelay(context.reconnectAttempt, context.resumeGraceMs ?? defaultResumeGraceMs);
      return fullJitter(ceiling ?? defaultReconnectPolicy.slowDelay, Math.random());
    },
  },
});
