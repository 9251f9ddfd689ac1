/**
 * callMachine: one call, from the lobby to hanging up.
 *
 * ## What the page uses
 * `createCallMachine()` (web/lib/call-actors.ts) returns this machine with the browser's
 * actors; `createActor(it).start()`, read snapshots, send `ui.*` events.
 *
 * States (`snapshot.value`; test with `snapshot.matches('inCall')`, `matches({ media: 'blocked' })`):
 * - `lobby`        nothing yet; accepts `ui.create` / `ui.join` / `ui.open`
 * - `checking`     `ui.open` (a room's link): socket open (`checking.connecting`), `peek` sent
 *                  (`checking.asking`); a full or unknown room fails here, before the camera.
 *                  The socket stays open through `media` and `prejoin`, and the join is sent
 *                  on it: no second connection and greeting on the way in. Lost meanwhile
 *                  (nothing is lost: no seat yet), joining opens a new one
 * - `prejoin`      after `ui.open` and media: the person sees themselves; `ui.joinCall` enters
 * - `media`        asking for camera and microphone: `media.cameraAndMic`, then on a missing
 *                  device `media.micOnly`, then `media.cameraOnly`; `media.blocked` when none
 *                  worked (`error.code` `media-denied` / `media-unavailable`): `ui.receiveOnly`
 *                  joins without sending media, `ui.retryMedia` asks again (after the person
 *                  allowed the camera in the browser), `ui.backToLobby` gives up
 * - `joining`      socket opening (`joining.connecting`), then `create`/`join` sent
 *                  (`joining.requesting`) until `joined`; from a link whose socket is still
 *                  open, straight to `joining.requesting`
 * - `inCall`       in the room; `peers` may be empty (the link stays valid, someone can join)
 * - `rejoining`    the socket was lost: calls with peers keep running while it reconnects
 *                  with backoff and full jitter and resumes the seat (`rejoining.waiting` /
 *                  `.connecting` / `.requesting`); `network.online` skips the wait. Past the
 *                  budget `joined.resumeGraceMs` allows it keeps trying more slowly while any
 *                  peer's handshake is left, and gives up with `signaling-lost` only without one
 * - `ended`        after `ui.hangUp`; tracks stopped, connections closed, `leave` sent
 * - `failed`       `error.code`: `room-full`, `room-not-found`, `signaling-lost`, or another
 *                  protocol code; everything stopped as in `ended`
 * From `ended` / `failed`: `ui.create` / `ui.join` start again, `ui.backToLobby` → `lobby`.
 *
 * Events from the page: `ui.create {capacity?, name?}`, `ui.join {roomId, name?}` (enters at once),
 * `ui.open {roomId, name?}` (checks, then pre-join), `ui.joinCall {name?}`, `ui.useTrack {track}`
 * (a picked device replaces its kind, any state), `ui.hangUp` (any state;
 * send it on `pagehide` too), `ui.toggleMic` / `ui.toggleCamera` (any state, even before
 * media), `ui.receiveOnly`, `ui.retryMedia`, `ui.backToLobby`.
 *
 * Context (CallContext in call/types.ts): `roomId`, `selfId`, `capacity`, `localStream`,
 * `micMuted`, `cameraOff`, `name`, `names` (display names by peer id), `lastLeft`, `socketKept` (a link's checked socket is still open for the join), `error` (`{ code, message?, peerId? }` or `null`; a peer whose
 * handshake failed sets `ice-failed` with its `peerId` while the call goes on), and `peers`:
 * `{ peerId, ref }[]`, oldest first, where `ref` is that peer's machine —
 * `handshakeStateOf(ref.getSnapshot())` (machines/peer/handshake-state.ts) is its `handshake-state`
 * text and `ref.getSnapshot().context.remoteStream` its `<video>` stream. A peer that left is
 * removed from `peers`.
 *
 * I/O, all named and provided from outside: `acquireMedia` (promise actor), `signalingSocket`
 * (callback actor, spawned as `socket`), `peerMachine` (one per remote peer), the delays
 * `joinTimeout` / `reconnectDelay`, and the actions `stopLocalMedia` / `applyTrackSwitches`;
 * how each named step is done is in call/call-machine.setup.ts.
 */
import { and, not, or, stateIn } from 'xstate';
import { callSetup, initialCallContext, signalingLost } from './call/call-machine.setup.ts';
import type { MediaRequest } from './call/types.ts';

const lose = { type: 'failWith', params: signalingLost } as const;

/** In the room (or getting back into it): where a camera can be turned on and a screen shared. */
const inRoom = or([stateIn('#call.inCall'), stateIn('#call.rejoining')]);

/** One media attempt: on a missing device try `next`, on a refusal stop at `blocked`. */
function mediaAttempt(request: MediaRequest, next: 'micOnly' | 'cameraOnly' | 'blocked') {
  return {
    invoke: {
      src: 'acquireMedia' as const,
      input: request,
      onDone: [
        { guard: 'wantsPreview' as const, target: '#call.prejoin', actions: ['storeLocalStream', 'applyTrackSwitches'] as const },
        { target: '#call.joining', actions: ['storeLocalStream', 'applyTrackSwitches'] as const },
      ],
      onError: [
        { guard: 'isDeviceMissing' as const, target: next, actions: 'storeMediaError' as const },
        { target: 'blocked', actions: 'storeMediaError' as const },
      ],
    },
  };
}

/** Hanging up or failing lets go of everything: connections, the socket, camera, screen, requests for them. */
const release = ['stopPeers', 'closeSocket', 'stopLocalMedia', 'forgetLocalMedia', 'stopScreen', 'stopRequests'] as const;

/** After hanging up or failing: start again or go back to the lobby. */
const startAgain = {
  'ui.create': { target: '#call.media', actions: 'startOver' },
  'ui.join': { target: '#call.media', actions: 'startOver' },
  'ui.open': { target: '#call.checking', actions: 'startOver' },
  'ui.backToLobby': { target: '#call.lobby', actions: 'resetToLobby' },
} as const;

/** The machine, without real I/O: provide `acquireMedia`, `signalingSocket` and `peerMachine`. */
export const callMachine = callSetup.createMachine({
  id: 'call',
  context: initialCallContext,
  initial: 'lobby',
  on: {
    'ui.toggleMic': { actions: ['toggleMic', 'applyTrackSwitches', 'shareStatus'] },
    'ui.toggleCamera': [
      // Joined without a camera: the toggle asks for one, and it is sent once it comes.
      { guard: and(['lacksCamera', inRoom]), actions: { type: 'requestMedia', params: { source: 'camera' } } },
      { actions: ['toggleCamera', 'applyTrackSwitches', 'shareStatus'] },
    ],
    'ui.toggleScreen': [
      { guard: 'isSharingScreen', actions: ['stopScreen', 'updatePeers'] },
      { guard: inRoom, actions: { type: 'requestMedia', params: { source: 'screen' } } },
    ],
    'media.added': [
      { guard: 'isScreen', actions: ['stopRequests', 'storeScreen', 'updatePeers'] },
      { actions: ['stopRequests', 'addCamera', 'applyTrackSwitches', 'updatePeers', 'shareStatus'] },
    ],
    'media.refused': { actions: ['noteRefusal', 'stopRequests'] },
    // The browser's own "Stop sharing": as if the person pressed the button.
    'media.screenEnded': { actions: ['stopScreen', 'updatePeers'] },
    'ui.useTrack': { actions: ['swapLocalTrack', 'replaceTrackInPeers', 'forgetEndedDevice'] },
    // A device stopped mid-call: said on the page, its switch shows it off, the others see it off.
    'media.trackEnded': { actions: ['switchOffEndedDevice', 'applyTrackSwitches', 'shareStatus'] },
  },
  states: {
    lobby: {
      on: {
        'ui.create': { target: 'media', actions: 'startOver' },
        'ui.join': { target: 'media', actions: 'startOver' },
        'ui.open': { target: 'checking', actions: 'startOver' },
      },
    },
    // Opening a link: is the room there and not full? Asked before the camera is. The socket
    // stays open for the join (`hasOpenSocket`).
    checking: {
      entry: 'openSocket',
      initial: 'connecting',
      after: { joinTimeout: { target: 'failed', actions: lose } },
      on: { 'socket.closed': { target: 'failed', actions: lose }, 'ui.hangUp': 'ended' },
      states: {
        connecting: { on: { 'socket.message': { guard: 'isWelcome', target: 'asking', actions: 'sendPeek' } } },
        asking: {
          on: {
            'socket.message': [
              { guard: 'isRoomOpen', target: '#call.media', actions: 'keepOpenRoom' },
              { guard: 'isServerError', target: '#call.failed', actions: 'failWithServerError' },
            ],
          },
        },
      },
    },
    media: {
      initial: 'cameraAndMic',
      // The link's socket was lost while the camera was asked for: joining opens another.
      on: { 'ui.hangUp': 'ended', 'socket.closed': { actions: 'closeSocket' } },
      states: {
        cameraAndMic: mediaAttempt({ audio: true, video: true }, 'micOnly'),
        micOnly: mediaAttempt({ audio: true, video: false }, 'cameraOnly'),
        cameraOnly: mediaAttempt({ audio: false, video: true }, 'blocked'),
        blocked: {
          on: {
            'ui.receiveOnly': [
              { guard: 'hasOpenSocket', target: '#call.joining.requesting', actions: ['clearError', 'sendJoinRequest'] },
              { target: '#call.joining', actions: 'clearError' },
            ],
            'ui.retryMedia': { target: 'cameraAndMic', actions: 'clearError' },
            'ui.backToLobby': { target: '#call.lobby', actions: ['closeSocket', 'resetToLobby'] },
          },
        },
      },
    },
    // The camera is on and the room was there: the person sees themselves, picks devices and a name.
    prejoin: {
      on: {
        'ui.joinCall': [
          { guard: 'hasOpenSocket', target: 'joining.requesting', actions: ['storeName', 'sendJoinRequest'] },
          { target: 'joining', actions: 'storeName' },
        ],
        // Nothing to lose before joining: a lost socket is replaced when the person enters.
        'socket.closed': { actions: 'closeSocket' },
        'ui.hangUp': 'ended',
        'ui.backToLobby': { target: 'lobby', actions: ['closeSocket', 'stopLocalMedia', 'forgetLocalMedia', 'resetToLobby'] },
      },
    },
    joining: {
      initial: 'connecting',
      after: { joinTimeout: { target: 'failed', actions: lose } },
      on: { 'socket.closed': { target: 'failed', actions: lose }, 'ui.hangUp': 'ended' },
      states: {
        connecting: {
          entry: 'openSocket',
          on: { 'socket.message': { guard: 'isWelcome', target: 'requesting', actions: 'sendJoinRequest' } },
        },
        requesting: {
          on: {
            'socket.message': [
              { guard: 'isJoined', target: '#call.inCall', actions: ['storeRoom', 'spawnOfferers', 'scaleSending'] },
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
          { guard: 'isPeerJoined', actions: ['spawnAnswerer', 'scaleSending'] },
          { guard: 'isPeerLeft', actions: ['closePeer', 'scaleSending'] },
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
          // Past the budget the call goes on, trying more slowly, while a peer is left.
          always: { guard: and(['isOutOfAttempts', not('hasLivePeer')]), target: '#call.failed', actions: lose },
          after: { reconnectDelay: 'connecting' },
          on: { 'network.online': 'connecting' },
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
              { guard: 'isJoined', target: '#call.inCall', actions: ['rejoinRoom', 'storeRoom', 'scaleSending'] },
              { guard: 'isServerError', target: '#call.failed', actions: 'failWithServerError' },
            ],
            'ui.hangUp': { target: '#call.ended', actions: 'sendLeave' },
          },
        },
      },
    },
    ended: { entry: release, on: startAgain },
    failed: { entry: release, on: startAgain },
  },
});
