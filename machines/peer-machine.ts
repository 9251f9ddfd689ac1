/**
 * peerMachine: the WebRTC handshake with ONE remote peer, following "perfect negotiation"
 * (MDN; webrtc/samples perfect-negotiation): one code path for offers and answers
 * (`setLocalDescription()` with no argument), a polite side that rolls back on colliding
 * offers and an impolite side that ignores them.
 *
 * States (what the page shows as `handshake-state`, see `handshakeStateOf()`):
 *   idle        an answerer waits for the remote offer (an offerer passes straight through)
 *   media       waits for local media to be decided (passes straight through when it is)
 *   active      a parallel state holding the RTCPeerConnection actor, with two regions:
 *     connection: offering | answering → connected ⇄ reconnecting   (the name shown)
 *     negotiation: stable, makingOffer, awaitingAnswer, applyingAnswer, applyingOffer, makingAnswer
 *   failed      final; `context.error.code` is `ice-failed`
 *   closed      final; the remote peer left or we hung up
 *
 * I/O: the `peerConnection` actor (contract in peer-connection-contract.ts), the `sendSignal`
 * action (sends `peer.signal` to the parent call machine, which puts it on the socket) and the
 * delays `iceTimeout` and `reconnectTimeout`.
 */
import { and, assertEvent, assign, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';
import type { MediaKind, PeerConnectionCommand, PeerConnectionInput } from './peer-connection-contract.ts';
import type { PeerContext, PeerError, PeerEvent, PeerInput, PeerOutput, PeerSignal, PeerSignalEvent } from './peer-types.ts';

const mediaKinds: readonly MediaKind[] = ['audio', 'video'];

/** The signal carrying our new local description: `{type, sdp}` only, as on the wire. */
function descriptionSignal({ event }: { event: PeerEvent }): { data: PeerSignal } {
  assertEvent(event, 'pc.description');
  const { type, sdp } = event.description;
  return { data: { description: { type, sdp } } };
}

/** The signal carrying one local candidate (already `toJSON()`ed by the actor), or the end of them. */
function candidateSignal({ event }: { event: PeerEvent }): { data: PeerSignal } {
  assertEvent(event, 'pc.candidate');
  return { data: { candidate: event.candidate } };
}

function failure(message: string): PeerError {
  return { code: 'ice-failed', message };
}

/** Kinds the offerer has no track for: it still asks to receive them, so a receive-only peer gets media. */
function missingKinds(stream: MediaStream | null): MediaKind[] {
  const present = new Set((stream?.getTracks() ?? []).map((track) => track.kind));
  return mediaKinds.filter((kind) => !present.has(kind));
}

/** The machine, without real I/O: provide `peerConnection` (and, standalone, `sendSignal`). */
export const peerMachine = setup({
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
      localMedia: ({ event }) => (event.type === 'media.ready' ? { stream: event.stream } : null),
    }),
    storeRemoteOffer: assign({
      remoteOffer: ({ event, context }) => (event.type === 'signal.description' ? event.description : context.remoteOffer),
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
      enqueue.assign({ pendingCandidates: [], hasRemoteDescription: true, remoteOffer: null });
    }),
    /** The offerer attaches its tracks first, which makes the connection ask for an offer. */
    attachMediaToOffer: sendTo('pc', ({ context }): PeerConnectionCommand => {
      const stream = context.localMedia?.stream ?? null;
      return { type: 'peer.attachMedia', stream, receive: missingKinds(stream) };
    }),
    /** Before answering, attach our tracks to the transceivers the remote offer created. */
    attachMediaToAnswer: sendTo('pc', ({ context }): PeerConnectionCommand => ({
      type: 'peer.attachMedia',
      stream: context.localMedia?.stream ?? null,
      receive: [],
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
    clearOfferWanted: assign({ offerWanted: false }),
    rollback: sendTo('pc', { type: 'peer.rollback' } satisfies PeerConnectionCommand),
    restartIce: enqueueActions(({ context, enqueue }) => {
      // Only the impolite side restarts, so both sides never send restart offers at once.
      if (!context.polite) enqueue.sendTo('pc', { type: 'peer.restartIce' } satisfies PeerConnectionCommand);
    }),
    storeRemoteStream: assign({
      remoteStream: ({ event, context }) => (event.type === 'pc.track' ? event.stream : context.remoteStream),
    }),
    failWith: assign({ error: (_, params: { message: string }) => failure(params.message) }),
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
    isConnectionState: ({ event }, params: { states: RTCPeerConnectionState[] }) =>
      event.type === 'pc.connectionState' && params.states.includes(event.state),
    /** A candidate the connection refuses (say, one for an offer we ignored) is harmless: ICE fails as a whole if none works. */
    isCandidateError: ({ event }) => event.type === 'pc.error' && event.operation === 'addCandidate',
  },
  delays: {
    /** How long a first connection may take; Chrome itself gives up on ICE after about 30 s. */
    iceTimeout: 30_000,
    /** How long a lost connection may take to come back (ICE restart included) before it fails. */
    reconnectTimeout: 15_000,
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({
    peerId: input.peerId,
    role: input.role,
    polite: input.role === 'answerer',
    iceServers: input.iceServers,
    localMedia: input.localMedia ?? null,
    remoteOffer: null,
    pendingCandidates: [],
    hasRemoteDescription: false,
    offerWanted: false,
    remoteStream: null,
    error: null,
  }),
  output: ({ context }) => ({ peerId: context.peerId, error: context.error }),
  initial: 'idle',
  on: {
    'peer.close': { target: '.closed' },
    'signal.candidate': { actions: 'queueCandidate' },
  },
  states: {
    idle: {
      always: { guard: 'isOfferer', target: 'media' },
      on: {
        'signal.description': { guard: 'isRemoteOffer', target: 'media', actions: 'storeRemoteOffer' },
      },
    },
    media: {
      always: [
        {
          guard: and(['hasLocalMedia', 'hasRemoteOffer']),
          target: ['active.negotiation.applyingOffer', 'active.connection.answering'],
        },
        { guard: 'hasLocalMedia', target: 'active' },
      ],
      on: {
        'media.ready': { actions: 'storeLocalMedia' },
        'signal.description': { guard: 'isRemoteOffer', actions: 'storeRemoteOffer' },
      },
    },
    active: {
      type: 'parallel',
      invoke: {
        id: 'pc',
        src: 'peerConnection',
        input: ({ context }) => ({ iceServers: context.iceServers, polite: context.polite }),
      },
      on: {
        'signal.candidate': [
          { guard: 'hasRemoteDescription', actions: 'addCandidate' },
          { actions: 'queueCandidate' },
        ],
        'pc.candidate': { actions: { type: 'sendSignal', params: candidateSignal } },
        'pc.track': { actions: 'storeRemoteStream' },
        'pc.error': [
          { guard: 'isCandidateError' },
          { target: 'failed', actions: 'failWithPcError' },
        ],
      },
      states: {
        connection: {
          initial: 'offering',
          states: {
            offering: {
              entry: 'attachMediaToOffer',
              after: { iceTimeout: { target: '#peer.failed', actions: { type: 'failWith', params: { message: 'No connection could be established in time.' } } } },
              on: {
                'pc.connectionState': [
                  { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected' },
                  { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, target: '#peer.failed', actions: { type: 'failWith', params: { message: 'No network path to the peer was found.' } } },
                ],
              },
            },
            answering: {
              after: { iceTimeout: { target: '#peer.failed', actions: { type: 'failWith', params: { message: 'No connection could be established in time.' } } } },
              on: {
                'pc.connectionState': [
                  { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected' },
                  { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, target: '#peer.failed', actions: { type: 'failWith', params: { message: 'No network path to the peer was found.' } } },
                ],
              },
            },
            connected: {
              on: {
                'pc.connectionState': { guard: { type: 'isConnectionState', params: { states: ['disconnected', 'failed'] } }, target: 'reconnecting' },
              },
            },
            reconnecting: {
              entry: 'restartIce',
              after: { reconnectTimeout: { target: '#peer.failed', actions: { type: 'failWith', params: { message: 'The connection was lost and did not come back.' } } } },
              on: {
                'pc.connectionState': [
                  { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected' },
                  { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, actions: 'restartIce' },
                ],
              },
            },
          },
        },
        negotiation: {
          initial: 'stable',
          // Asked for while another round is under way: kept, and made once stable again.
          on: { 'pc.negotiationNeeded': { actions: 'wantOffer' } },
          states: {
            stable: {
              always: { guard: 'isOfferWanted', target: 'makingOffer' },
              on: {
                'pc.negotiationNeeded': { target: 'makingOffer' },
                'signal.description': { guard: 'isRemoteOffer', target: 'applyingOffer', actions: 'storeRemoteOffer' },
              },
            },
            makingOffer: {
              entry: ['clearOfferWanted', 'setLocalDescription'],
              on: {
                'pc.description': { guard: 'isLocalOffer', target: 'awaitingAnswer', actions: { type: 'sendSignal', params: descriptionSignal } },
                // Colliding offers: the polite side drops its own; the impolite side ignores theirs.
                'signal.description': {
                  guard: and(['isRemoteOffer', 'isPolite']),
                  target: 'applyingOffer',
                  actions: ['rollback', 'storeRemoteOffer'],
                },
              },
            },
            awaitingAnswer: {
              on: {
                'signal.description': [
                  { guard: 'isRemoteAnswer', target: 'applyingAnswer', actions: 'setRemoteAnswer' },
                  { guard: and(['isRemoteOffer', 'isPolite']), target: 'applyingOffer', actions: ['rollback', 'storeRemoteOffer'] },
                ],
              },
            },
            applyingAnswer: {
              on: {
                'pc.remoteDescription': { guard: 'appliedAnswer', target: 'stable', actions: 'flushCandidates' },
                // Their next offer right behind their answer is no collision (MDN's
                // isSettingRemoteAnswerPending): it is applied after the answer, in order.
                'signal.description': { guard: 'isRemoteOffer', target: 'applyingOffer', actions: 'storeRemoteOffer' },
              },
            },
            applyingOffer: {
              entry: 'applyRemoteOffer',
              on: { 'pc.remoteDescription': { guard: 'appliedOffer', target: 'makingAnswer', actions: 'flushCandidates' } },
            },
            makingAnswer: {
              entry: ['attachMediaToAnswer', 'setLocalDescription'],
              on: { 'pc.description': { guard: 'isLocalAnswer', target: 'stable', actions: { type: 'sendSignal', params: descriptionSignal } } },
            },
          },
        },
      },
    },
    failed: { type: 'final' },
    closed: { type: 'final' },
  },
});
