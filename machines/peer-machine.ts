/**
 * peerMachine: the WebRTC handshake with ONE remote peer, following "perfect negotiation"
 * (MDN; webrtc/samples perfect-negotiation): one code path for offers and answers
 * (`setLocalDescription()` with no argument), a polite side that rolls back on colliding
 * offers and an impolite side that ignores them.
 *
 * The RTCPeerConnection actor (`pc`) runs for the machine's whole life: it is made when the
 * peer is known (`joined` / `peer-joined`), so an answerer has it ready when the offer comes,
 * and is given no tracks before `active`; a `negotiationneeded` before then is ignored, since
 * who offers first is decided by the roles (the newcomer), never by the browser.
 *
 * States (what the page shows as `handshake-state`, see `handshakeStateOf()`):
 *   idle        an answerer waits for the remote offer, asking for it again every `offerWait`
 *               (an offerer passes straight through)
 *   media       waits for local media to be decided (passes straight through when it is)
 *   active      a parallel state where the handshake runs on the connection, with regions:
 *     connection: offering | answering → connected ⇄ reconnecting   (the name shown);
 *                 reconnecting restarts ICE at once on `failed`, after `iceRestartDelay` on
 *                 `disconnected`, and again every `iceRestartRetry`: never final;
 *                 offering | answering → failed when no path is found: said (`ice-failed`),
 *                 and retried the same way until it connects
 *     negotiation: stable, makingOffer, awaitingAnswer, applyingAnswer, applyingOffer, makingAnswer
 *     channel: waiting → open   (the data channel: our mic/camera switches, the peer's in
 *                               `context.remoteStatus`; which stream is a screen;
 *                               protocol/peer-messages.ts)
 *   A track added mid-call (`media.update`: a camera turned on, a screen shared or stopped) is
 *   attached to the connection, whose `negotiationneeded` starts an offer like any other: both
 *   sides adding one at once is glare, settled by the polite/impolite roles. The remote camera
 *   and screen arrive as `remoteStream` and `remoteScreen` (peer/remote-media.ts), both DTLS
 *   fingerprints as `fingerprints` (peer/fingerprint.ts).
 *   failed      final, when the connection refuses a description; `context.error.code` is `ice-failed`
 *   closed      final; the remote peer left or we hung up
 *
 * I/O: the `peerConnection` actor (contract in peer/peer-connection-contract.ts), the `sendSignal`
 * action (sends `peer.signal` to the parent call machine, which puts it on the socket) and the
 * delays `offerWait`, `iceTimeout`, `iceRestartDelay` and `iceRestartRetry`.
 */
import { and, assertEvent } from 'xstate';
import { peerSetup } from './peer/peer-machine.setup.ts';
import type { PeerEvent, PeerSignal } from './peer/types.ts';

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

/** Offering or answering until ICE connects: `failed` (and retrying) if it cannot or takes too long. */
const connecting = {
  after: { iceTimeout: { target: 'failed', actions: { type: 'failWith', params: { message: 'No connection could be established in time.' } } } },
  on: {
    'pc.connectionState': [
      { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected' },
      { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, target: 'failed', actions: { type: 'failWith', params: { message: 'No network path to the peer was found.' } } },
    ],
  },
} as const;

/** The machine, without real I/O: provide `peerConnection` (and, standalone, `sendSignal`). */
export const peerMachine = peerSetup.createMachine({
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
    ignoringOffer: false,
    candidateError: null,
    remoteStream: null,
    remoteScreen: null,
    remoteStreams: {},
    remoteScreenId: null,
    fingerprints: { local: null, remote: null },
    error: null,
    sendLimit: null,
    localStatus: input.status ?? { micMuted: false, cameraOff: false },
    remoteStatus: null,
  }),
  output: ({ context }) => ({ peerId: context.peerId, error: context.error }),
  // The connection exists from the moment the peer is known, so an answerer has it ready when
  // the offer comes; it is given nothing to negotiate before then (`active`). Stopped with the machine.
  invoke: {
    id: 'pc',
    src: 'peerConnection',
    input: ({ context }) => ({ peerId: context.peerId, iceServers: context.iceServers, polite: context.polite, sendLimit: context.sendLimit }),
  },
  initial: 'idle',
  on: {
    // They left or we hung up: a failure to reach them is no longer worth a word.
    'peer.close': { target: '.closed', actions: 'clearError' },
    'signal.candidate': { actions: 'queueCandidate' },
    'media.sendLimit': { actions: ['storeSendLimit', 'applySendLimit'] },
    'status.local': { actions: 'storeLocalStatus' },
    // Fresh TURN credentials: the next ICE gathering (or restart) uses them.
    'ice.servers': { actions: ['storeIceServers', 'applyIceServers'] },
    'media.update': { actions: 'storeLocalMedia' },
  },
  states: {
    idle: {
      always: { guard: 'isOfferer', target: 'media' },
      // Their offer may have been lost on the way (say, with a server that went away): ask again.
      after: { offerWait: { target: 'idle', reenter: true, actions: { type: 'sendSignal', params: { data: { wantOffer: true } } } } },
      on: {
        'signal.description': { guard: 'isRemoteOffer', target: 'media', actions: ['storeRemoteOffer', 'noteFingerprint'] },
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
        'signal.description': { guard: 'isRemoteOffer', actions: ['storeRemoteOffer', 'noteFingerprint'] },
      },
    },
    active: {
      type: 'parallel',
      on: {
        'signal.candidate': [
          { guard: 'hasRemoteDescription', actions: 'addCandidate' },
          { actions: 'queueCandidate' },
        ],
        'pc.candidate': { actions: { type: 'sendSignal', params: candidateSignal } },
        'pc.track': { actions: 'storeRemoteStream' },
        'media.replaceTrack': { actions: 'replaceTrack' },
        // A track added or removed mid-call: the connection asks for an offer (`negotiationneeded`).
        'media.update': { actions: ['storeLocalMedia', 'sendScreen', 'attachLocalMedia'] },
        'pc.message': { actions: 'receiveMessage' },
        'pc.error': [
          // Candidates for an offer we ignored cannot be applied: expected, not worth a word.
          { guard: and(['isCandidateError', 'isIgnoringOffer']) },
          { guard: 'isCandidateError', actions: 'noteCandidateError' },
          { guard: 'isHarmlessError' },
          { target: 'failed', actions: 'failWithPcError' },
        ],
      },
      states: {
        connection: {
          initial: 'offering',
          states: {
            offering: { entry: 'attachMediaToOffer', ...connecting },
            answering: connecting,
            // No path was found: said, and retried by ICE restarts until it works or the peer leaves.
            failed: {
              entry: 'restartIce',
              after: { iceRestartRetry: { target: 'failed', reenter: true } },
              on: {
                'pc.connectionState': { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected', actions: 'clearError' },
              },
            },
            connected: {
              on: {
                'pc.connectionState': [
                  { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, target: 'reconnecting.restarting' },
                  { guard: { type: 'isConnectionState', params: { states: ['disconnected'] } }, target: 'reconnecting' },
                ],
              },
            },
            // A connection that worked is repaired, never given up: ICE restarts (from either side;
            // perfect negotiation settles colliding offers) until it is back or the peer leaves.
            reconnecting: {
              initial: 'waiting',
              on: {
                'pc.connectionState': [
                  { guard: { type: 'isConnectionState', params: { states: ['connected'] } }, target: 'connected' },
                  { guard: { type: 'isConnectionState', params: { states: ['failed'] } }, target: '.restarting', reenter: true },
                ],
              },
              states: {
                // `disconnected` often heals by itself within a moment: wait before restarting.
                waiting: { after: { iceRestartDelay: 'restarting' } },
                restarting: { entry: 'restartIce', after: { iceRestartRetry: { target: 'restarting', reenter: true } } },
              },
            },
          },
        },
        // The data channel: our switches go out when it opens and on every change.
        channel: {
          initial: 'waiting',
          states: {
            waiting: { on: { 'pc.channelOpen': 'open' } },
            open: {
              entry: ['sendStatus', 'announceScreen'],
              on: { 'status.local': { actions: ['storeLocalStatus', 'sendStatus'] } },
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
                'signal.wantOffer': { target: 'makingOffer' },
                'signal.description': { guard: 'isRemoteOffer', target: 'applyingOffer', actions: ['storeRemoteOffer', 'noteFingerprint'] },
              },
            },
            makingOffer: {
              entry: ['clearOfferWanted', 'setLocalDescription'],
              on: {
                'pc.description': { guard: 'isLocalOffer', target: 'awaitingAnswer', actions: [{ type: 'sendSignal', params: descriptionSignal }, 'noteFingerprint'] },
                // Colliding offers: the polite side drops its own; the impolite side ignores theirs.
                'signal.description': [
                  { guard: and(['isRemoteOffer', 'isPolite']), target: 'applyingOffer', actions: ['rollback', 'storeRemoteOffer', 'noteFingerprint'] },
                  { guard: 'isRemoteOffer', actions: 'ignoreOffer' },
                ],
              },
            },
            awaitingAnswer: {
              on: {
                'signal.description': [
                  { guard: 'isRemoteAnswer', target: 'applyingAnswer', actions: ['setRemoteAnswer', 'noteFingerprint'] },
                  { guard: and(['isRemoteOffer', 'isPolite']), target: 'applyingOffer', actions: ['rollback', 'storeRemoteOffer', 'noteFingerprint'] },
                  { guard: 'isRemoteOffer', actions: 'ignoreOffer' },
                ],
                // Our offer never reached them: a new one (from have-local-offer, still an offer).
                'signal.wantOffer': { target: 'makingOffer' },
              },
            },
            applyingAnswer: {
              on: {
                'pc.remoteDescription': { guard: 'appliedAnswer', target: 'stable', actions: 'flushCandidates' },
                // Their next offer right behind their answer is no collision (MDN's
                // isSettingRemoteAnswerPending): it is applied after the answer, in order.
                'signal.description': { guard: 'isRemoteOffer', target: 'applyingOffer', actions: ['storeRemoteOffer', 'noteFingerprint'] },
              },
            },
            applyingOffer: {
              entry: 'applyRemoteOffer',
              on: { 'pc.remoteDescription': { guard: 'appliedOffer', target: 'makingAnswer', actions: 'flushCandidates' } },
            },
            makingAnswer: {
              entry: ['attachLocalMedia', 'setLocalDescription'],
              on: { 'pc.description': { guard: 'isLocalAnswer', target: 'stable', actions: [{ type: 'sendSignal', params: descriptionSignal }, 'noteFingerprint'] } },
            },
          },
        },
      },
    },
    failed: { type: 'final' },
    closed: { type: 'final' },
  },
});
