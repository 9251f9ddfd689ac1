/**
 * The one word the page shows per remote peer (its test id `handshake-state`), read from a
 * peer machine's snapshot. Inside `active` the connection region names the state; the
 * negotiation region running beside it (offer/answer rounds) is detail for the inspector.
 */
import type { SnapshotFrom } from 'xstate';
import type { peerMachine } from '../peer-machine.ts';

/** Every value `handshakeStateOf()` can return, in the order a handshake goes through them. */
export const handshakeStates = [
  'idle',
  'media',
  'offering',
  'answering',
  'connected',
  'reconnecting',
  'failed',
  'closed',
] as const;

/** One word of the test id `handshake-state`. */
export type HandshakeState = (typeof handshakeStates)[number];

/** A peer machine's handshake state; a stopped machine (the call ended) reads `closed`. */
export function handshakeStateOf(snapshot: SnapshotFrom<typeof peerMachine>): HandshakeState {
  if (snapshot.status === 'stopped') return 'closed';
  const value = snapshot.value;
  if (typeof value === 'string') return value as HandshakeState;
  const connection = (value as { active?: { connection?: string | Record<string, unknown> } }).active?.connection;
  // `reconnecting` has sub-states (waiting, restarting): the page shows the state's own name.
  const word = typeof connection === 'object' ? Object.keys(connection)[0] : connection;
  return (word ?? 'idle') as HandshakeState;
}
