import type { ServerKind } from '../proc.ts';
import type { ProtocolClient } from './client-pair.ts';
import { floorClient } from './floor-client.ts';
import { parleyClient } from './parley-client.ts';
import { peerjsClient } from './peerjs-client.ts';

/** The client for each server kind. */
export const protocolClients: Record<ServerKind, ProtocolClient> = {
  parley: parleyClient,
  peerjs: peerjsClient,
  floor: floorClient,
};
