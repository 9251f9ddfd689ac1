import { callMachine } from '../../machines/call-machine.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import { acquireMedia } from './actors/acquire-media.ts';
import { createPeerConnectionActor, peerConnection, type PeerConnectionOptions } from './actors/peer-connection.ts';
import { requestMedia } from './actors/request-media.ts';
import { signalingSocket } from './actors/signaling-socket.ts';

/**
 * The call machine with the browser's real actors: getUserMedia, a WebSocket to `/ws` on the
 * page's origin, and one RTCPeerConnection per remote peer. `createActor(createCallMachine())`
 * is the page's call; tests build theirs from the same machine with fakes instead. `options`
 * apply to every RTCPeerConnection (relay-only: see `connectionOptionsFrom`).
 */
export function createCallMachine(options: PeerConnectionOptions = {}) {
  return callMachine.provide({
    actors: {
      acquireMedia,
      requestMedia,
      signalingSocket,
      peerMachine: peerMachine.provide({ actors: { peerConnection: options.relayOnly || options.links ? createPeerConnectionActor(undefined, options) : peerConnection } }),
    },
  });
}

/** The page's connection settings from its address: `?relay` makes every connection relay-only. */
export function connectionOptionsFrom(search: string): PeerConnectionOptions {
  return { relayOnly: new URLSearchParams(search).has('relay') };
}
