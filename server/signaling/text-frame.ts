/**
 * A text frame built whole, WebSocket header included, so a relayed signal reaches the socket
 * as one buffer in one write. ws's own `send` makes a header buffer for every frame and writes
 * both with `cork`/`uncork`, which Node turns into a `writev` of two chunks, with objects for
 * each: under the relay load that was most of the time spent sending (docs/performance.md).
 */
export class TextFrame {
  constructor(
    /** The whole frame: header, then `payload`'s bytes. */
    readonly wire: Buffer,
    /** Where the payload starts in `wire`: the header's length. */
    readonly payloadAt: number,
  ) {}

  /** The frame's text as UTF-8 bytes, header left out: what a socket that frames itself is given. */
  get payload(): Buffer {
    return this.wire.subarray(this.payloadAt);
  }
}

/** Bytes of the header of a server's (unmasked) frame carrying `length` bytes (RFC 6455 §5.2). */
export function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Bytes of each slab frames are cut from. */
const slabBytes = 128 * 1024;
/** Frames longer than this get memory of their own. */
const largestSlabFrame = 16 * 1024;
/** The slab frames are cut from now, and the first free byte in it. */
let slab = Buffer.allocUnsafeSlow(slabBytes);
let slabUsed = 0;

/**
 * `bytes` of memory for a frame. Node's own pool (Buffer.allocUnsafe) serves only requests under
 * 4 KiB; every larger one, such as a relayed SDP, was a malloc of its own, and under the relay
 * load the allocator took a tenth of the server's time (docs/performance.md). Frames up to
 * 16 KiB are cut from a 128 KiB slab instead, as Node's pool does; a slab is freed once no
 * frame cut from it is referenced.
 */
function frameMemory(bytes: number): Buffer {
  if (bytes > largestSlabFrame) return Buffer.allocUnsafeSlow(bytes);
  if (slabUsed + bytes > slabBytes) {
    slab = Buffer.allocUnsafeSlow(slabBytes);
    slabUsed = 0;
  }
  const memory = slab.subarray(slabUsed, slabUsed + bytes);
  // Each frame starts 8-byte aligned, as in Node's pool.
  slabUsed = (slabUsed + bytes + 7) & ~7;
  return memory;
}

/**
 * Allocates a final, unmasked text frame for `length` bytes of UTF-8 and writes its header;
 * the caller fills the payload from `payloadAt` on.
 */
export function allocTextFrame(length: number): TextFrame {
  const payloadAt = headerLength(length);
  const wire = frameMemory(payloadAt + length);
  wire[0] = 0x81;
  if (payloadAt === 2) wire[1] = length;
  else if (payloadAt === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeUInt32BE(0, 2);
    wire.writeUInt32BE(length, 6);
  }
  return new TextFrame(wire, payloadAt);
}

/**
 * The parts of a ws socket (ws 8: node_modules/ws/lib/websocket.js, node_modules/ws/lib/sender.js)
 * that writing a whole frame relies on: the TCP socket ws itself writes each frame to, and the
 * sender's state, 0 (`DEFAULT`) while it writes at once rather than queueing (it queues only
 * while compressing or reading a Blob, which this server never does).
 * tests/server/text-frame.test.ts fails if an update of ws moves them.
 */
interface WsInternals {
  readonly readyState?: number;
  _socket?: { write(chunk: Buffer): boolean } | null;
  _sender?: { _state?: number } | null;
}

/** `WebSocket.OPEN`. */
const open = 1;

/**
 * Writes `frame` to a ws socket's TCP socket as one buffer, exactly where ws would write it,
 * and says whether it did. It does not when the socket is not a ws socket that is open with
 * its sender idle: the caller then sends `frame.payload` with `send`, as any other frame.
 * `bufferedAmount` counts the bytes as it counts ws's own (it reads the TCP socket's queue).
 */
export function writeWhole(socket: object, frame: TextFrame): boolean {
  const { readyState, _socket: tcp, _sender: sender } = socket as WsInternals;
  if (readyState !== open || sender?._state !== 0 || tcp == null) return false;
  tcp.write(frame.wire);
  return true;
}
