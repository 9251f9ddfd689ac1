/**
 * The implementation side of peerMachine (machines/peer-machine.ts): the connection actor's
 * placeholder, and the actions, guards and delays the statechart names.
 */
import { assertEvent, assign, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { MediaKind, PeerConnectionCommand, PeerConnectionInput } from './peer-connection-contract.ts';
import { fingerprintOf } from './fingerprint.ts';
import { splitRemoteMedia } from './remote-media.ts';
import type { PeerContext, PeerError, PeerEvent, PeerInput, PeerOutput, PeerSignal, PeerSignalEvent } from './types.ts';

const mediaKinds: readonly MediaKind[] = ['audio', 'video'];

function failure(message: string): PeerError {
  return { code: 'ice-failed', message };
}

/** Kinds the offerer has no track for: it still asks to receive them, so a receive-only peer gets media. */
function missingKinds(stream: MediaStream | null): MediaKind[] {
  const present = new Set((stream?.getTracks() ?? []).map((track) => track.kind));
  return mediaKinds.filter((kind) => !present.has(kind));
}

/** `setup()` of the peer machine: a placeholder for the connection actor the page and tests provide. */
export const peerSetup = setup({
  types: {
    context: {} as PeerContext,
    events: {} as PeerEvent,
    input: {} as PeerInput,
    output: {} as PeerOutput,
  },
  actors: {
    /** Wraps one RTCPeerConnection; the page and tests provide the implementation. */
    peerConnection: fromCallback<PeerConnectionCommand, PeerConnectionInput>(() => {
      throw new Error('peerMachine needs a peerConnection actor: provide one with .provide()');
    }),
  },
  actions: {
    /** Hands one outgoing signal to the parent call machine, which sends it to the remote peer. */
    sendSignal: sendParent(
      ({ context }, params: { data: PeerSignal }): PeerSignalEvent => ({ type: 'peer.signal', peerId: context.peerId, data: params.data }),
    ),
    storeLocalMedia: assign({
      localMedia: ({ event, context }) => {
        if (event.type === 'media.update') return { stream: event.stream, screen: event.screen };
        return event.type === 'media.ready' ? { stream: event.stream } : context.localMedia;
      },
    }),
    storeRemoteOffer: assign({
      remoteOffer: ({ event, context }) => (event.type === 'signal.description' ? event.description : context.remoteOffer),
    }),
    /** Keeps the fingerprint of a description we made or one they sent, for the verification code. */
    noteFingerprint: assign({
      fingerprints: ({ event, context }) => {
        if (event.type === 'pc.description') return { ...context.fingerprints, local: fingerprintOf(event.description.sdp) ?? context.fingerprints.local };
        if (event.type === 'signal.description') return { ...context.fingerprints, remote: fingerprintOf(event.description.sdp) ?? context.fingerprints.remote };
        return context.fingerprints;
      },
    }),
    queueCandidate: assign({
      pendingCandidates: ({ event, context }) =>
        event.type === 'signal.candidate' ? [...context.pendingCandidates, event.candidate] : context.pendingCandidates,
    }),
    addCandidate: sendTo('pc', ({ event }): PeerConnectionCommand => ({
      type: 'peer.addCandidate',
      candidate: event.type === 'signal.candidate' ? event.candidate : null,
    })),
    /** A remote description is in place: apply the queued candidates in arrival order. */
    flushCandidates: enqueueActions(({ context, enqueue }) => {
      for (const candidate of context.pendingCandidates) {
        enqueue.sendTo('pc', { type: 'peer.addCandidate', candidate } satisfies PeerConnectionCommand);
      }
      enqueue.assign({ pendingCandidates: [], hasRemoteDescription: true, remoteOffer: null, ignoringOffer: false });
    }),
    /** The offerer attaches its tracks first, which makes the connection ask for an offer. */
    attachMediaToOffer: sendTo('pc', ({ context }): PeerConnectionCommand => {
      const stream = context.localMedia?.stream ?? null;
      return { type: 'peer.attachMedia', stream, screen: context.localMedia?.screen ?? null, receive: missingKinds(stream) };
    }),
    /**
     * Before answering, attach our tracks to the transceivers the remote offer created; and
     * whenever what we send changed (the connection then asks for a new offer).
     */
    attachLocalMedia: sendTo('pc', ({ context }): PeerConnectionCommand => ({
      type: 'peer.attachMedia',
      stream: context.localMedia?.stream ?? null,
      screen: context.localMedia?.screen ?? null,
      receive: [],
    })),
    /** A new channel hears of a screen already shared (that nothing is shared goes without saying). */
    announceScreen: enqueueActions(({ context, enqueue }) => {
      const screen = context.localMedia?.screen;
      if (screen) enqueue.sendTo('pc', { type: 'peer.sendMessage', message: { type: 'screen', streamId: screen.id } } satisfies PeerConnectionCommand);
    }),
    /** Tells the remote peer which of our streams is the screen (`''`: none), so it shows it as one. */
    sendScreen: sendTo('pc', ({ context }): PeerConnectionCommand => ({
      type: 'peer.sendMessage',
      message: { type: 'screen', streamId: context.localMedia?.screen?.id ?? '' },
    })),
    setLocalDescription: sendTo('pc', { type: 'peer.setLocalDescription' } satisfies PeerConnectionCommand),
    setRemoteAnswer: sendTo('pc', ({ event }): PeerConnectionCommand => ({
      type: 'peer.setRemoteDescription',
      description: event.type === 'signal.description' ? event.description : { type: 'answer' },
    })),
    applyRemoteOffer: sendTo('pc', ({ context }): PeerConnectionCommand => ({
      type: 'peer.setRemoteDescription',
      description: context.remoteOffer ?? { type: 'offer' },
    })),
    wantOffer: assign({ offerWanted: true }),
    /** The impolite side keeps its own offer; the candidates of theirs will fail, and that is fine. */
    ignoreOffer: assign({ ignoringOffer: true }),
    /** A remote candidate the connection refused: kept for the page to show (ICE goes on with the others). */
    noteCandidateError: assign({ candidateError: ({ event }) => (event.type === 'pc.error' ? event.message : null) }),
    clearOfferWanted: assign({ offerWanted: false }),
    rollback: sendTo('pc', { type: 'peer.rollback' } satisfies PeerConnectionCommand),
    /** Either side restarts: colliding restart offers are settled like any glare (polite rolls back). */
    restartIce: sendTo('pc', { type: 'peer.restartIce' } satisfies PeerConnectionCommand),
    /** One remote stream's tracks changed: camera and screen are told apart again. */
    storeRemoteStream: assign(({ event, context }) => {
      assertEvent(event, 'pc.track');
      const remoteStreams = { ...context.remoteStreams, [event.streamId]: event.stream };
      return { remoteStreams, ...splitRemoteMedia(remoteStreams, context.remoteScreenId) };
    }),
    storeSendLimit: assign({ sendLimit: ({ event, context }) => (event.type === 'media.sendLimit' ? event.limit : context.sendLimit) }),
    applySendLimit: sendTo('pc', ({ event }): PeerConnectionCommand => {
      assertEvent(event, 'media.sendLimit');
      return { type: 'peer.setSendLimit', limit: event.limit };
    }),
    replaceTrack: sendTo('pc', ({ event }): PeerConnectionCommand => {
      assertEvent(event, 'media.replaceTrack');
      return { type: 'peer.replaceTrack', track: event.track };
    }),
    storeIceServers: assign({ iceServers: ({ event, context }) => (event.type === 'ice.servers' ? event.iceServers : context.iceServers) }),
    applyIceServers: sendTo('pc', ({ event }): PeerConnectionCommand => {
      assertEvent(event, 'ice.servers');
      return { type: 'peer.setIceServers', iceServers: event.iceServers };
    }),
    storeLocalStatus: assign({ localStatus: ({ event, context }) => (event.type === 'status.local' ? event.status : context.localStatus) }),
    /** Tells the remote peer our switches over the data channel. */
    sendStatus: sendTo('pc', ({ context }): PeerConnectionCommand => ({ type: 'peer.sendMessage', message: { type: 'status', ...context.localStatus } })),
    /** A data channel message: the remote peer's switches, or which of its streams is its screen. */
    receiveMessage: assign(({ event, context }) => {
      assertEvent(event, 'pc.message');
      const { message } = event;
      if (message.type === 'status') return { remoteStatus: { micMuted: message.micMuted, cameraOff: message.cameraOff } };
      if (message.type !== 'screen') return {};
      const remoteScreenId = message.streamId === '' ? null : message.streamId;
      return { remoteScreenId, ...splitRemoteMedia(context.remoteStreams, remoteScreenId) };
    }),
    failWith: assign({ error: (_, params: { message: string }) => failure(params.message) }),
    clearError: assign({ error: null }),
    failWithPcError: assign({
      error: ({ event }) => failure(event.type === 'pc.error' ? `${event.operation} failed: ${event.message}` : 'The connection failed.'),
    }),
  },
  guards: {
    isOfferer: ({ context }) => context.role === 'offerer',
    isPolite: ({ context }) => context.polite,
    hasLocalMedia: ({ context }) => context.localMedia !== null,
    hasRemoteOffer: ({ context }) => context.remoteOffer !== null,
    hasRemoteDescription: ({ context }) => context.hasRemoteDescription,
    isOfferWanted: ({ context }) => context.offerWanted,
    isRemoteOffer: ({ event }) => event.type === 'signal.description' && event.description.type === 'offer',
    isRemoteAnswer: ({ event }) => event.type === 'signal.description' && event.description.type === 'answer',
    isLocalOffer: ({ event }) => event.type === 'pc.description' && event.description.type === 'offer',
    isLocalAnswer: ({ event }) => event.type === 'pc.description' && event.description.type === 'answer',
    appliedOffer: ({ event }) => event.type === 'pc.remoteDescription' && event.descriptionType === 'offer',
    appliedAnswer: ({ event }) => event.type === 'pc.remoteDescription' && event.descriptionType === 'answer',
    isConnectionState: ({ event }, params: { states: readonly RTCPeerConnectionState[] }) =>
      event.type === 'pc.connectionState' && params.states.includes(event.state),
    /**
     * Failures the call outlives: a send limit or track the browser would not take (the
     * picture goes on as it was), a message the channel would not send.
     */
    isHarmlessError: ({ event }) =>
      event.type === 'pc.error' && ['setSendLimit', 'replaceTrack', 'sendMessage', 'setIceServers'].includes(event.operation),
    isCandidateError: ({ event }) => event.type === 'pc.error' && event.operation === 'addCandidate',
    isIgnoringOffer: ({ context }) => context.ignoringOffer,
  },
  delays: {
    /**
     * How long an answerer waits for the offer before asking again. A newcomer's offer comes
     * within a second or two, unless it was lost, or the newcomer is still waiting for its camera
     * (then the request is ignored, and the offer comes when the camera does).
     */
    offerWait: 5_000,
    /** How long a first connection may take; Chrome itself gives up on ICE after about 30 s. */
    iceTimeout: 30_000,
    /**
     * How long a `disconnected` connection may heal by itself before ICE restarts: Chrome says
     * `disconnected` after ~5 s without consent answers, and a brief Wi-Fi hiccup heals within that.
     */
    iceRestartDelay: 2_000,
    /** Between ICE restarts while the connection stays down (each is a new offer/answer round). */
    iceRestartRetry: 10_000,
  },
});
