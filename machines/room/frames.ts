import type { SignalData } from '../../protocol/messages.ts';
import { encode } from '../../protocol/encode.ts';

/** Frames a room sends that never change, encoded once. */
export const roomFrames = {
  left: encode({ type: 'left' }),
  roomFull: encode({ type: 'error', code: 'room-full', message: 'The room is full.', ref: 'join' }),
  peerNotFound: encode({ type: 'error', code: 'peer-not-found', message: 'No such peer in your room.', ref: 'signal' }),
} as const;

/** The relayed `signal` frame: `from` is the sender's seat, never anything the sender wrote. */
export function signalFrame(from: string, data: SignalData): string {
  return encode({ type: 'signal', from, data });
}

/**
 * The same frame as `signalFrame`, with `data` given as JSON text the server already validated
 * (protocol/raw-data.ts): the relay's hot path splices it in rather than serialising
 * the parsed value again.
 */
export function signalFrameOfText(from: string, dataText: string): string {
  return `{"type":"signal","from":${JSON.stringify(from)},"data":${dataText}}`;
}
