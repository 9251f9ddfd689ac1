import type WebSocket from 'ws';
import { openSocket } from './socket.ts';
import type { ClientPair, ProtocolClient } from './client-pair.ts';

/**
 * Speaks to the floor relay: both sockets name the same `pair`, and each sends exactly the
 * bytes a Parley client would (a `signal` message), which the floor forwards unread.
 */
export const floorClient: ProtocolClient = {
  kind: 'floor',
  async connectPair(port, index) {
    const url = `ws://127.0.0.1:${port}/?pair=${index}`;
    const opened = [await openSocket(url), await openSocket(url)];
    for (const { inbox } of opened) inbox.detach();
    const [a, b] = opened.map(({ socket }) => socket) as [WebSocket, WebSocket];
    const pair: ClientPair = {
      a,
      b,
      frames: (payload) => ({
        ab: Buffer.from(JSON.stringify({ type: 'signal', to: `b-${index}`, data: payload.data })),
        ba: Buffer.from(JSON.stringify({ type: 'signal', to: `a-${index}`, data: payload.data })),
      }),
    };
    return pair;
  },
};
