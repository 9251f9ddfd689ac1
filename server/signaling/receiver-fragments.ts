/**
 * Keeps V8 from moving ws's per-message arrays into the old generation.
 *
 * After each message, ws 8 (node_modules/ws/lib/receiver.js, `dataMessage`) gives the socket's
 * receiver a new `_fragments = []` for the next one, and it lives until that message comes.
 * Every open socket holds one at any moment, so most of the arrays made by that one array
 * literal are alive whenever a young-generation GC looks. V8 then decides the literal makes
 * long-lived objects (allocation-site pretenuring) and allocates every later one in the old
 * generation. That array is where ws puts the next message's received bytes; once the
 * message is handled the array is garbage, but an old one keeps the bytes alive through every
 * young-generation GC (and the memory they came in) until a full GC. Under the relay load the
 * old generation and Node's buffer memory grew by megabytes a second, and the server ran one
 * mark-compact after another: about a fifth of its CPU (docs/performance.md).
 *
 * Replacing the receiver's new array, as each message is handed over, with one made by
 * `Array.prototype.slice` (no allocation site) leaves the literal's arrays dying young, so V8
 * keeps them in the young generation. tests/server/receiver-fragments.test.ts fails if an
 * update of ws moves `_fragments`.
 */

/** The part of ws's receiver this relies on: the array the next message's fragments go into. */
interface ReceiverFragments {
  _fragments?: unknown[];
}

const empty: readonly unknown[] = [];

/** Gives `socket`'s receiver an empty fragments array of its own; call it from a 'message' listener. */
export function renewFragments(socket: object): void {
  const receiver = (socket as { _receiver?: ReceiverFragments })._receiver;
  // Between messages ws keeps an empty array; anything else is left alone.
  if (receiver?._fragments?.length === 0) receiver._fragments = empty.slice();
}
