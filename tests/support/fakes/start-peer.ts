import { createActor, SimulatedClock } from 'xstate';
import { handshakeStateOf } from '../../../machines/peer/handshake-state.ts';
import { peerMachine } from '../../../machines/peer-machine.ts';
import type { PeerInput, PeerSignal } from '../../../machines/peer/types.ts';
import { createFakeStream, type FakeStream } from './fake-media.ts';
import { createFakePeerConnections } from './fake-peer-connection.ts';

/** Options for one peer machine under test; local media is a camera and a mic unless said otherwise. */
export interface PeerHarnessOptions {
  role: PeerInput['role'];
  /** `undefined`: not decided yet (the machine waits in `media`); `null`: receive only. */
  localStream?: FakeStream | null;
}

/**
 * Starts one peer machine with a fake RTCPeerConnection, a simulated clock, and outgoing
 * signals recorded instead of sent to a parent.
 */
export function startPeer(options: PeerHarnessOptions) {
  const connections = createFakePeerConnections();
  const signals: PeerSignal[] = [];
  const clock = new SimulatedClock();
  const machine = peerMachine.provide({
    actors: { peerConnection: connections.logic },
    actions: { sendSignal: (_, params) => void signals.push(params.data) },
  });
  const localStream = 'localStream' in options ? options.localStream : createFakeStream('local', { audio: true, video: true });
  const input: PeerInput = { peerId: 'remote-peer-1', role: options.role, iceServers: [{ urls: 'stun:127.0.0.1:3478' }] };
  if (localStream !== undefined) input.localMedia = { stream: localStream?.asMediaStream() ?? null };
  const actor = createActor(machine, { input, clock });
  actor.start();
  return {
    actor,
    connections,
    signals,
    clock,
    localStream,
    /** The word the page shows for this peer. */
    state: () => handshakeStateOf(actor.getSnapshot()),
    /** Signals carrying descriptions, as `type` strings. */
    sentDescriptions: () => signals.flatMap((signal) => ('description' in signal ? [signal.description.type] : [])),
  };
}

/** A remote description as it comes out of a signal. */
export function remote(type: 'offer' | 'answer', n = 1): RTCSessionDescriptionInit {
  return { type, sdp: `v=0 remote ${type} ${n}` };
}

/** A remote candidate, numbered so order can be checked. */
export function candidate(n: number): RTCIceCandidateInit {
  return { candidate: `candidate:${n} 1 udp 2122260223 127.0.0.1 ${50000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
}
