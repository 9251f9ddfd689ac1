import { randomUUID } from 'node:crypto';
import { openSocket } from './socket.ts';
import type { ClientPair, ProtocolClient } from './client-pair.ts';
import type { SignalPayload } from '../payloads.ts';

/**
 * Speaks the PeerJS server's documented protocol, as the `peerjs` browser client does: the
 * socket opens at `/peerjs?key=..&id=..&token=..`, the server answers `OPEN`, and signals are
 * `{type: 'OFFER' | 'ANSWER' | 'CANDIDATE', dst, payload}`, relayed with `src` added, and
 * every socket sends `HEARTBEAT` every 5 seconds.
 */
const heartbeatFrame = JSON.stringify({ type: 'HEARTBEAT' });
const heartbeatEveryMs = 5_000;

export const peerjsClient: ProtocolClient = {
  kind: 'peerjs',
  async connectPair(port, index) {
    const run = randomUUID().slice(0, 8);
    const idA = `a-${index}-${run}`;
    const idB = `b-${index}-${run}`;
    const open = async (id: string) => {
      const { socket, inbox } = await openSocket(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=${randomUUID()}`);
      await inbox.next('OPEN');
      inbox.detach();
      // The server drops a client silent for 90 s (alive_timeout); the browser client sends this every 5 s.
      const heartbeat = setInterval(() => socket.send(heartbeatFrame), heartbeatEveryMs).unref();
      socket.once('close', () => clearInterval(heartbeat));
      return socket;
    };
    const a = await open(idA);
    const b = await open(idB);
    const connectionId = `mc_${run}${index}`;
    const message = (payload: SignalPayload, from: 'a' | 'b'): Buffer => {
      const dst = from === 'a' ? idB : idA;
      if (payload.name === 'candidate') {
        const { candidate } = payload.data as { candidate: unknown };
        return Buffer.from(JSON.stringify({ type: 'CANDIDATE', dst, payload: { candidate, type: 'media', connectionId } }));
      }
      const { description } = payload.data as { description: unknown };
      return Buffer.from(
        JSON.stringify({
          type: from === 'a' ? 'OFFER' : 'ANSWER',
          dst,
          payload: { sdp: description, type: 'media', connectionId, browser: 'chrome' },
        }),
      );
    };
    const pair: ClientPair = { a, b, frames: (payload) => ({ ab: message(payload, 'a'), ba: message(payload, 'b') }) };
    return pair;
  },
};
