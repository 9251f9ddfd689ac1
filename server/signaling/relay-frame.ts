import type { DataSpan } from '../../protocol/raw-data.ts';
import type { SignalData } from '../../protocol/messages.ts';
import { signalFrame, signalFrameOfText } from '../../machines/room/frames.ts';
import { allocTextFrame, type TextFrame } from './text-frame.ts';

/** A client frame as received: its text, its bytes, and where its `data` lies when it can be reused. */
export interface ReceivedFrame {
  readonly text: string;
  readonly bytes: Buffer;
  readonly dataSpan: DataSpan | undefined;
}

/** The fixed parts of a relayed `signal` frame around the sender's peer id and its `data`. */
const head = Buffer.from('{"type":"signal","from":"');
const middle = Buffer.from('","data":');
const closeBrace = 0x7d;

/** Whether `text` goes into a JSON string as it is, one byte a character: printable ASCII, no quote or backslash. */
function isPlainAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

/**
 * The relayed `signal` frame (`signalFrame`: `from` is the sender's seat), built as cheaply as
 * the received frame allows. When the sender's `data` text was found and validated (`dataSpan`)
 * and the frame is ASCII (as many bytes as characters, so character offsets are byte offsets),
 * the frame is built whole (`TextFrame`, its WebSocket header included): the fixed parts, the
 * peer id and the sender's own bytes, copied once, written to the socket in one write
 * (docs/performance.md). A frame with other characters splices the
 * text instead, and without a span the parsed `data` is serialised.
 */
export function relayFrame(from: string, data: SignalData, received: ReceivedFrame | undefined): string | TextFrame {
  const span = received?.dataSpan;
  if (span === undefined) return signalFrame(from, data);
  const { text, bytes } = received!;
  if (bytes.length !== text.length || !isPlainAscii(from)) return signalFrameOfText(from, text.slice(span.start, span.end));
  const fromEnd = head.length + from.length;
  const dataAt = fromEnd + middle.length;
  const frame = allocTextFrame(dataAt + span.end - span.start + 1);
  const { wire, payloadAt } = frame;
  head.copy(wire, payloadAt);
  wire.write(from, payloadAt + head.length, 'latin1');
  middle.copy(wire, payloadAt + fromEnd);
  bytes.copy(wire, payloadAt + dataAt, span.start, span.end);
  wire[wire.length - 1] = closeBrace;
  return frame;
}
