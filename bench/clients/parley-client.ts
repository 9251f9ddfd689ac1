import type WebSocket from 'ws';
import { encode } from '../../protocol/encode.ts';
import { openSocket, type FrameInbox, type OpenedSocket } from './socket.ts';
import type { ClientPair, ProtocolClient } from './client-pair.ts';

/** A Parley client that has joined a room. */
export interface JoinedSocket {
  socket: WebSocket;
  inbox: FrameInbox;
  roomId: string;
  peerId: string;
}

/** Opens a socket to Parley's `/ws` and reads the `welcome` frame. */
export async function openParley(port: number): Promise<OpenedSocket> {
  const opened = await openSocket(`ws://127.0.0.1:${port}/ws`);
  await opened.inbox.next('welcome');
  return opened;
}

/**
 * Puts two open sockets in one new room, as the call page does: `a` creates it, `b` joins
 * it, and `a` sees `peer-joined`. The inboxes stay attached for further setup steps.
 */
export async function joinRoomPair(
  first: OpenedSocket,
  second: OpenedSocket,
): Promise<[JoinedSocket, JoinedSocket]> {
  first.socket.send(encode({ type: 'create' }));
  const created = await first.inbox.next('joined');
  const roomId = String(created.roomId);
  second.socket.send(encode({ type: 'join', roomId }));
  const joined = await second.inbox.next('joined');
  await first.inbox.next('peer-joined');
  return [
    { ...first, roomId, peerId: String(created.peerId) },
    { ...second, roomId, peerId: String(joined.peerId) },
  ];
}

/**
 * A pair in one new room: `a` creates it on the server at `creatorPort`, `b` joins it on the
 * one at `joinerPort` (another instance of a cluster, or the same server).
 */
export async function connectParleyPair(creatorPort: number, joinerPort: number): Promise<ClientPair> {
  const [a, b] = await joinRoomPair(await openParley(creatorPort), await openParley(joinerPort));
  a.inbox.detach();
  b.inbox.detach();
  return {
    a: a.socket,
    b: b.socket,
    frames: (payload) => ({
      ab: Buffer.from(encode({ type: 'signal', to: b.peerId, data: payload.data })),
      ba: Buffer.from(encode({ type: 'signal', to: a.peerId, data: payload.data })),
    }),
  };
}

/** Speaks Parley's protocol v1 (docs/protocol.md): one room per pair, then `signal`s. */
export const parleyClient: ProtocolClient = {
  kind: 'parley',
  connectPair: (port) => connectParleyPair(port, port),
};
