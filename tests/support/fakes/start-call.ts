import { createActor, fromCallback, SimulatedClock, waitFor } from 'xstate';
import type { CallEvent, MediaSource } from '../../../machines/call/types.ts';
import { callMachine } from '../../../machines/call-machine.ts';
import { handshakeStateOf } from '../../../machines/peer/handshake-state.ts';
import { peerMachine } from '../../../machines/peer-machine.ts';
import type { JoinedMessage } from '../../../protocol/messages.ts';
import { createFakeMediaDevices, type DeviceState } from './fake-media-devices.ts';
import { fakeStreamOf } from './fake-media.ts';
import { createFakePeerConnections } from './fake-peer-connection.ts';
import { createFakeSignaling } from './fake-signaling-socket.ts';

/** The devices the person has; both present unless said otherwise. */
export interface CallHarnessOptions {
  camera?: DeviceState;
  mic?: DeviceState;
  /** Keep getUserMedia pending until `devices.release()`. */
  holdMedia?: boolean;
}

/** A room id as the server makes them (UUID v4, lowercase). */
export const roomId = '0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';

/** A `joined` frame for us (`self-peer`) with the given peers already in the room. */
export function joined(peers: string[], overrides: Partial<JoinedMessage> = {}): JoinedMessage {
  return {
    type: 'joined',
    roomId,
    peerId: 'self-peer',
    peers,
    capacity: 2,
    resume: 'resume-token-0123456789abcdef',
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    ...overrides,
  };
}

/**
 * Starts a call machine whose actors are fakes: media devices, a signaling socket the test
 * plays the server on, and fake peer connections under the real peer machine.
 */
export function startCall(options: CallHarnessOptions = {}) {
  const devices = createFakeMediaDevices({ camera: options.camera ?? 'present', mic: options.mic ?? 'present', hold: options.holdMedia ?? false });
  const signaling = createFakeSignaling();
  const connections = createFakePeerConnections();
  const clock = new SimulatedClock();
  // Mid-call requests for a camera or a screen, answered by the test through `answer`.
  const requests = new Map<MediaSource, (event: CallEvent) => void>();
  const requestMedia = fromCallback<CallEvent, { source: MediaSource }>(({ input, sendBack }) => {
    requests.set(input.source, sendBack);
    return () => requests.delete(input.source);
  });
  const machine = callMachine.provide({
    actors: {
      acquireMedia: devices.logic,
      requestMedia,
      signalingSocket: signaling.logic,
      peerMachine: peerMachine.provide({ actors: { peerConnection: connections.logic } }),
    },
  });
  const actor = createActor(machine, { clock });
  actor.start();

  const harness = {
    actor,
    devices,
    signaling,
    connections,
    clock,
    /** Sources of the camera or screen requests still waiting for the browser. */
    requests,
    context: () => actor.getSnapshot().context,
    /** Each remote peer with the word the page shows for it. */
    handshakes: () => actor.getSnapshot().context.peers.map((peer) => [peer.peerId, handshakeStateOf(peer.ref.getSnapshot())]),
    /** The fake behind the local stream the call holds. */
    localStream: () => fakeStreamOf(actor.getSnapshot().context.localStream),
    /** Waits until the call reaches `state` (media requests answer asynchronously, like getUserMedia). */
    reach: (state: Parameters<ReturnType<typeof actor.getSnapshot>['matches']>[0]) =>
      waitFor(actor, (snapshot) => snapshot.matches(state)),
    /** Creates a room (or joins `join`) and lets the fake server answer with `peers` already in it. */
    async enter(peers: string[] = [], join?: string, extra: Partial<JoinedMessage> = {}) {
      actor.send(join ? { type: 'ui.join', roomId: join } : { type: 'ui.create' });
      await harness.reach('joining');
      signaling.last.open();
      signaling.last.receive(joined(peers, extra));
    },
  };
  return harness;
}

/** A call in `roomId` with one peer, `a-peer`, whose connection is up and data channel open. */
export async function startConnectedCall() {
  const call = startCall();
  await call.enter(['a-peer'], roomId);
  const pc = call.connections.last;
  call.signaling.last.receive({ type: 'signal', from: 'a-peer', data: { description: { type: 'answer', sdp: 'v=0' } } });
  pc.emit({ type: 'pc.connectionState', state: 'connected' });
  pc.emit({ type: 'pc.channelOpen' });
  return { call, pc };
}
