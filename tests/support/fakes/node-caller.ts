import WebSocket from 'ws';
import { createActor, fromPromise, waitFor } from 'xstate';
import { callMachine } from '../../../machines/call-machine.ts';
import type { MediaRequest } from '../../../machines/call/types.ts';
import { handshakeStateOf } from '../../../machines/peer/handshake-state.ts';
import { peerMachine } from '../../../machines/peer-machine.ts';
import { createPeerConnectionActor } from '../../../web/lib/actors/peer-connection.ts';
import { createSignalingSocketActor } from '../../../web/lib/actors/signaling-socket.ts';
import wrtc from '../wrtc.ts';
import { createWrtcPlatform } from './wrtc-platform.ts';

/**
 * One person in a call, run in Node: the real call and peer machines with the page's own
 * socket and peer connection actors, over the `ws` client and a real WebRTC stack
 * (@roamhq/wrtc). Only the camera and microphone are synthetic.
 */
export function startCaller(url: string) {
  const sockets: WebSocket[] = [];
  const tracks: MediaStreamTrack[] = [];
  const platform = createWrtcPlatform();
  const machine = callMachine.provide({
    actors: {
      acquireMedia: fromPromise<MediaStream, MediaRequest>(async ({ input }) => {
        const made: MediaStreamTrack[] = [];
        if (input.audio) made.push(new wrtc.nonstandard.RTCAudioSource().createTrack() as MediaStreamTrack);
        if (input.video) made.push(new wrtc.nonstandard.RTCVideoSource().createTrack() as MediaStreamTrack);
        tracks.push(...made);
        return platform.createStream(made);
      }),
      signalingSocket: createSignalingSocketActor({
        url: () => url,
        open: (address) => {
          const socket = new WebSocket(address);
          sockets.push(socket);
          return socket as unknown as globalThis.WebSocket;
        },
      }),
      peerMachine: peerMachine.provide({ actors: { peerConnection: createPeerConnectionActor(platform) } }),
    },
  });
  const actor = createActor(machine);
  actor.start();

  const caller = {
    actor,
    sockets,
    tracks,
    context: () => actor.getSnapshot().context,
    handshakes: () => actor.getSnapshot().context.peers.map((peer) => [peer.peerId, handshakeStateOf(peer.ref.getSnapshot())]),
    /** Waits until the call machine's snapshot satisfies `condition`. */
    until: (condition: (snapshot: ReturnType<typeof actor.getSnapshot>) => boolean) => waitFor(actor, condition, { timeout: 15_000 }),
    /** Waits until every remote peer in the call reads `connected` and sends media. */
    async connectedTo(count: number) {
      await caller.until((snapshot) => snapshot.context.peers.length === count);
      await Promise.all(
        actor.getSnapshot().context.peers.map((peer) =>
          waitFor(peer.ref, (snapshot) => handshakeStateOf(snapshot) === 'connected' && snapshot.context.remoteStream !== null, { timeout: 15_000 }),
        ),
      );
    },
    /** Hangs up and stops everything this person started. */
    stop() {
      actor.send({ type: 'ui.hangUp' });
      actor.stop();
      for (const track of tracks) track.stop();
      for (const socket of sockets) socket.terminate();
    },
  };
  return caller;
}
