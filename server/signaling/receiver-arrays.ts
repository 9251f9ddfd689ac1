/**
 * Gives ws's receiver fresh arrays between messages, for two reasons.
 *
 * `_fragments`: keeps V8 from moving ws's per-message arrays into the old generation. After
 * each message, ws 8 (node_modules/ws/lib/receiver.js, `dataMessage`) gives the socket's
 * receiver a new `_fragments = []` for the next one, and it lives until that message comes.
 * Every open socket holds one at any moment, so most of the arrays made by that one array
 * literal are alive whenever a young-generation GC looks. V8 then decides the literal makes
 * long-lived objects (allocation-site pretenuring) and allocates every later one in the old
 * generation. That array is where ws puts the next message's received bytes; once the
 * message is handled the array is garbage, but an old one keeps the bytes alive through every
 * young-generation GC (and the memory they came in) until a full GC. Under the relay load the
 * old generation and Node's buffer memory grew by megabytes a second, and the server ran one
 * mark-compact after another: about a fifth of its CPU (docs/performance.md). Replacing the
 * receiver's new array, as each message is handed over, with one made by
 * `Array.prototype.slice` (no allocation site) leaves the literal's arrays dying young, so V8
 * keeps them in the young generation.
 *
 * `_buffers`: the chunks read from the socket and not parsed yet. ws pushes each chunk and
 * takes it off with `shift()`, and an emptied array keeps the room it grew to, so a socket that
 * has received one message keeps about 150 bytes of empty array for good (heap snapshots). A new empty array costs
 * nothing until the next chunk comes, and an idle socket keeps none.
 *
 * Both arrays are replaced only while empty, when ws holds nothing in them.
 * tests/server/receiver-arrays.test.ts fails if an update of ws moves either.
 */

/** The part of ws's receiver this relies on. */
interface ReceiverArrays {
  /** The fragments of the message under way. */
  _fragments?: unknown[];
  /** Chunks read and not parsed yet. */
  _buffers?: unknown[];
}

const empty: readonly unknown[] = [];

/** Gives `socket`'s receiver empty arrays of its own; call it from a 'message' listener. */
export function renewReceiverArrays(socket: object): void {
  const receiver = (socket as { _receiver?: ReceiverArrays })._receiver;
  if (receiver === undefined) return;
  // Between messages ws keeps both empty; anything else is left alone.
  if (receiver._fragments?.length === 0) receiver._fragments = empty.slice();
  if (receiver._buffers?.length === 0) receiver._buffers = empty.slice();
}
