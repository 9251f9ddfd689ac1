/**
 * The floor: the least a relay can do. A `ws` server that pairs two sockets by the `pair`
 * query parameter and forwards every frame of one to the other, unparsed. No rooms, no
 * validation, no heartbeat; what Parley costs beyond this is the price of its protocol.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveControl } from './control.ts';

/** Same frame limit as Parley's default, so both refuse the same frames. */
const maxPayload = 64 * 1024;

/** One side of a pair; `partner` is set once the other side arrives. */
interface End {
  socket: WebSocket;
  partner: End | undefined;
}

const http = createServer((_request, response) => response.writeHead(404).end());
const wss = new WebSocketServer({ server: http, maxPayload, perMessageDeflate: false });
const waiting = new Map<string, End>();

wss.on('connection', (socket, request) => {
  const pair = new URL(request.url ?? '/', 'http://floor').searchParams.get('pair');
  if (pair === null) {
    socket.close(1008);
    return;
  }
  const end: End = { socket, partner: undefined };
  const other = waiting.get(pair);
  if (other === undefined) {
    waiting.set(pair, end);
  } else {
    waiting.delete(pair);
    end.partner = other;
    other.partner = end;
  }
  socket.on('message', (data, isBinary) => end.partner?.socket.send(data, { binary: isBinary }));
  socket.on('close', () => {
    if (waiting.get(pair) === end) waiting.delete(pair);
    if (end.partner !== undefined) end.partner.partner = undefined;
  });
  socket.on('error', () => socket.terminate());
});

http.listen(0, '127.0.0.1', () => {
  serveControl({
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  });
});
