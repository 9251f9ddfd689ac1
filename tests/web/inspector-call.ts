import { createActor, waitFor } from 'xstate';
import type { JoinedMessage } from '../../protocol/messages.ts';
import { callMachine } from '../../machines/call-machine.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import { createFakeMediaDevices } from '../support/fakes/fake-media-devices.ts';
import { createFakePeerConnections } from '../support/fakes/fake-peer-connection.ts';
import { createFakeSignaling } from '../support/fakes/fake-signaling-socket.ts';
import { joined } from '../support/fakes/start-call.ts';
import { PageInspection } from '../../web/lib/inspector/page-inspection.ts';
import { InspectorLog } from '../../web/lib/inspector/inspector-log.svelte.ts';
import { CallPage } from '../../web/lib/call-page.svelte.ts';

/** An SDP of `length` characters with an address in it, as browsers write them. */
export function fakeSdp(type: 'offer' | 'answer', length: number): string {
  const head = `v=0\r\no=- 1 2 IN IP4 192.168.1.20\r\ns=-\r\nc=IN IP4 192.168.1.20\r\na=${type}\r\n`;
  return head + 'a'.repeat(Math.max(0, length - head.length));
}

/** A host candidate with a private address, as the remote browser would send it. */
export const remoteCandidate = { candidate: 'candidate:1 1 udp 2122260223 192.168.1.30 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };

/**
 * A call machine over fake devices, socket and connections, created the way the page creates
 * its own: with the page inspection's `inspect` observer (`search` is the page's query, `?inspect…`).
 * The test plays the server and the remote browsers.
 */
export function startInspectedCall(options: { now?: () => number; capacity?: number; search?: string; joined?: Partial<JoinedMessage> } = {}) {
  const log = new InspectorLog(options.now ? { now: options.now } : {});
  const inspection = new PageInspection({ log, search: options.search ?? '' });
  const devices = createFakeMediaDevices({ camera: 'present', mic: 'present' });
  const signaling = createFakeSignaling();
  const connections = createFakePeerConnections();
  const machine = callMachine.provide({
    actors: {
      acquireMedia: devices.logic,
      signalingSocket: signaling.logic,
      peerMachine: peerMachine.provide({ actors: { peerConnection: connections.logic } }),
    },
  });
  const actor = createActor(machine, { inspect: inspection.inspect });
  actor.start();

  return {
    actor,
    log,
    inspection,
    signaling,
    connections,
    /** Creates a room and lets the fake server answer. */
    async enter(): Promise<void> {
      actor.send({ type: 'ui.create' });
      await waitFor(actor, (snapshot) => snapshot.matches('joining'));
      signaling.last.open();
      signaling.last.receive(joined([], { capacity: options.capacity ?? 2, ...options.joined }));
    },
    /** `peerId` joins and offers; we answer, trade candidates and connect. */
    connect(peerId: string): void {
      signaling.last.receive({ type: 'peer-joined', peerId });
      signaling.last.receive({ type: 'signal', from: peerId, data: { description: { type: 'offer', sdp: fakeSdp('offer', 5530) } } });
      signaling.last.receive({ type: 'signal', from: peerId, data: { candidate: remoteCandidate } });
      signaling.last.receive({ type: 'signal', from: peerId, data: { candidate: null } });
      const connection = connections.last;
      connection.emit({ type: 'pc.candidate', candidate: { candidate: 'candidate:2 1 udp 2122260223 10.0.0.5 61000 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
      connection.emit({ type: 'pc.candidate', candidate: null });
      connection.emit({ type: 'pc.connectionState', state: 'connected' });
    },
  };
}

/** A started page model over an inspected call, with a fixed origin and no real history or clipboard. */
export function startInspectedPage(call: ReturnType<typeof startInspectedCall>): CallPage {
  const page = new CallPage({
    actor: call.actor,
    inspection: call.inspection,
    location: { origin: 'https://parley.example', pathname: '/' },
    history: { replaceState: () => {} },
    clipboard: { writeText: async () => {} },
  });
  page.start();
  return page;
}
