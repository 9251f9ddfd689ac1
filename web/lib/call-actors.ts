import { callMachine } from '../../machines/call-machine.ts';
import { peerMachine } from '../../machines/peer-machine.ts';
import { acquireMedia } from './actors/acquire-media.ts';
import { peerConnection } from './actors/peer-connection.ts';
import { signalingSocket } from './actors/signaling-socket.ts';

/**
 * The call machine with the browser's real actors: getUserMedia, a WebSocket to `/ws` on the
 * page's origin, and one RTCPeerConnection per remote peer. `createActor(createCallMachine())`
 * is the page's call; tests build theirs from the same machine with fakes instead.
 */
export function createCallMachine() {
  return callMachine.provide({
    actors: {
      acquireMedia,
      signalingSocket,
      peerMachine: peerMachine.provide({ actors: { peerConnection } }),
    },
  });
}
