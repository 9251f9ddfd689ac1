import type WebSocket from 'ws';
import type { SignalPayload } from '../payloads.ts';
import type { ServerKind } from '../proc.ts';

/** The two frames of one ping-pong exchange, encoded once and sent many times. */
export interface PairFrames {
  /** From `a` to `b`. */
  ab: Buffer;
  /** From `b` back to `a`. */
  ba: Buffer;
}

/**
 * Two connected clients that can signal each other through a server: for Parley both are in
 * one room, for PeerJS both are registered ids, for the floor both share a pair id.
 */
export interface ClientPair {
  a: WebSocket;
  b: WebSocket;
  /** The frames each side sends to relay `payload` to the other, in the server's protocol. */
  frames(payload: SignalPayload): PairFrames;
}

/** How the load generator speaks to one kind of server. */
export interface ProtocolClient {
  kind: ServerKind;
  /** Connects pair number `index` (unique per server run) to the server on `port`. */
  connectPair(port: number, index: number): Promise<ClientPair>;
}
